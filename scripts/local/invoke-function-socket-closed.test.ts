/**
 * The defect: under load the DR runbook's Assess aborted with `fetch failed` (UND_ERR_SOCKET) because
 * the local Step Functions' invoker met serverless offline closing a socket under it and gave up at
 * once, with an error (TypeError) no Retry of the state machines matches. Here, on real sockets: an
 * endpoint that drops the first connections is answered on a later attempt; one that always drops
 * them, or refuses them, or answers 503, is given up after the bounded attempts with an error named
 * as AWS names it, saying what was invoked, how many attempts, and the last cause; a function's own
 * error is its answer, not retried.
 */
import { invokeForResult } from './invoke-function';
import { freePort } from './region-hosts';
import { startLambdaEndpoint, type EndpointReply, type LambdaEndpoint } from '../../test/support/lambda-endpoint';

const FN = 'exchange-local-sfnDrAssess';
// the production attempts, with short waits: the test is about what is retried, not how long it waits
const RETRY = { attempts: 4, initialDelayMs: 5, maxDelayMs: 20 };
let endpoint: LambdaEndpoint | undefined;

const serve = async (reply: (nth: number) => EndpointReply): Promise<LambdaEndpoint> =>
  (endpoint = await startLambdaEndpoint((_, nth) => reply(nth)));

afterEach(async () => {
  await endpoint?.close();
  endpoint = undefined;
});

it('an endpoint that closes the socket on the first two invocations: the third attempt answers', async () => {
  const e = await serve((nth) => (nth <= 2 ? 'drop' : { status: 200, body: { healthy: true } }));
  await expect(invokeForResult(e.port, FN, { input: 1 }, RETRY)).resolves.toEqual({ healthy: true });
  expect(e.requests(FN)).toBe(3);
});

it('an endpoint that always closes the socket: given up after the bounded attempts, saying what, how often and why', async () => {
  const e = await serve(() => 'drop');
  const err = (await invokeForResult(e.port, FN, {}, RETRY).catch((x: unknown) => x)) as Error;
  // the name the state machines' Retry blocks match (Lambda.SdkClientException is what AWS reports)
  expect(err.name).toBe('Lambda.SdkClientException');
  expect(err.message).toMatch(
    new RegExp(
      `^invoking ${FN} at 127\\.0\\.0\\.1:${e.port}: gave up after 4 attempts in \\d+\\.\\d s; last: fetch failed \\(UND_ERR_SOCKET: other side closed\\)$`,
    ),
  );
  expect(e.requests(FN)).toBe(4);
});

it('nothing listening: the refused connection is retried, then named and explained', async () => {
  const port = await freePort();
  const err = (await invokeForResult(port, FN, {}, RETRY).catch((x: unknown) => x)) as Error;
  expect(err.name).toBe('Lambda.SdkClientException');
  expect(err.message).toMatch(/gave up after 4 attempts .*; last: fetch failed \(ECONNREFUSED: connect ECONNREFUSED 127\.0\.0\.1:\d+\)$/);
});

it('503 from the emulator is retried; 429 and 503 to the end are named as AWS names them', async () => {
  let e = await serve((nth) => (nth === 1 ? { status: 503, body: { message: 'busy' } } : { status: 200, body: 'ok' }));
  await expect(invokeForResult(e.port, FN, {}, RETRY)).resolves.toBe('ok');
  await e.close();
  e = await serve(() => ({ status: 503, body: { message: 'busy' } }));
  await expect(invokeForResult(e.port, FN, {}, RETRY)).rejects.toMatchObject({
    name: 'Lambda.ServiceException',
    message: expect.stringMatching(/gave up after 4 attempts .*; last: HTTP 503 \{"message":"busy"\}$/) as unknown,
  });
  await e.close();
  e = await serve(() => ({ status: 429, body: {} }));
  await expect(invokeForResult(e.port, FN, {}, RETRY)).rejects.toMatchObject({ name: 'Lambda.TooManyRequestsException' });
  expect(e.requests(FN)).toBe(4);
});

it("a function's own error is its answer: not retried, named by its errorType", async () => {
  const e = await serve(() => ({ status: 200, body: { errorType: 'StandbyUnhealthy', errorMessage: 'the standby is behind' } }));
  await expect(invokeForResult(e.port, FN, {}, RETRY)).rejects.toMatchObject({
    name: 'StandbyUnhealthy',
    message: 'the standby is behind',
  });
  expect(e.requests(FN)).toBe(1);
});
