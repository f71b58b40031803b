/**
 * The defect: under 20 orders/s the DR runbook's Assess aborted with `fetch failed` (UND_ERR_SOCKET):
 * the local Step Functions' invoker gave up on the first socket serverless offline closed, with a
 * TypeError no Retry matches, so the Catch aborted the runbook. Here the failover runbook runs on the
 * local Step Functions endpoint, its Tasks invoked over real sockets (the invoker of `npm start`) on
 * an endpoint that drops connections, the DR service's own assess, approval and notify behind it:
 * dropped sockets are retried and the runbook goes on; an endpoint that never answers is retried by
 * the invoker, then by the state's Retry, and the runbook aborts with a reason an operator can read.
 */
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { DrService, type RunbookResult, type RunbookState } from '../functions/sfn/dr-service';
import type { ControlStore } from '../functions/shared/ports/control-store';
import type { HostAdminPort } from '../functions/shared/ports/matching-host';
import { invokeForResult } from '../scripts/local/invoke-function';
import { startStepFunctions, type LocalStepFunctions } from '../scripts/local/step-functions';
import { functionReply, startLambdaEndpoint, type LambdaEndpoint } from '../test/support/lambda-endpoint';
import { until } from '../test/support/until';
import { hostHealth } from '../test/support/host-health';

const ASSESS = 'exchange-local-sfnDrAssess';
/** attempts per invocation (short waits); the state's Retry (3 more, the definition's) runs them again */
const RETRY = { attempts: 2, initialDelayMs: 5, maxDelayMs: 20 };

const host = (role: string): HostAdminPort => ({
  health: () => Promise.resolve(hostHealth(role)),
  fence: () => Promise.reject(new Error('not in this test')),
  promote: () => Promise.reject(new Error('not in this test')),
});
const control: ControlStore = {
  activeRegion: () => Promise.resolve(null),
  switchActiveRegion: () => Promise.reject(new Error('not in this test')),
  putApproval: () => Promise.resolve(),
  approval: () => Promise.resolve(null),
  takeApproval: () => Promise.resolve(null),
  claimRunbook: () => Promise.resolve(),
  releaseRunbook: () => Promise.resolve(),
};
const dr = new DrService({
  control,
  hosts: { 'us-east-1': host('primary'), 'us-west-2': host('standby') },
  addresses: { 'us-east-1': '127.0.0.1:1', 'us-west-2': '127.0.0.1:2' },
  primaryRegion: 'us-east-1',
  audit: { record: () => Promise.resolve(), recent: () => Promise.resolve([]) },
  notices: { announce: () => Promise.resolve() },
  autoApproveAllowed: true,
});

/** how many of Assess's requests the endpoint drops before it answers (Infinity: it never does) */
let assessDrops = 0;
let endpoint: LambdaEndpoint;
let sfn: LocalStepFunctions;
let client: SFNClient;

beforeAll(async () => {
  endpoint = await startLambdaEndpoint((fn, nth, payload) => {
    if (fn === ASSESS) return nth <= assessDrops ? 'drop' : functionReply(() => dr.assess(payload as RunbookState));
    const p = payload as { state: RunbookState; taskToken: string; outcome: RunbookResult['outcome'] };
    if (fn === 'exchange-local-sfnDrRequestApproval') return functionReply(() => dr.requestApproval(p.state, p.taskToken));
    if (fn === 'exchange-local-sfnDrNotify') return functionReply(() => dr.notify(p.state, p.outcome));
    return { status: 200, body: { errorType: 'NotInThisTest', errorMessage: fn } };
  });
  sfn = await startStepFunctions({ invoke: (fn, input) => invokeForResult(endpoint.port, fn, input, RETRY), retryIntervalMs: 10 });
  client = new SFNClient({
    endpoint: sfn.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    disableHostPrefix: true,
  });
});

afterAll(async () => {
  client.destroy();
  await sfn.close();
  await endpoint.close();
});

let runs = 0;
async function startFailover(): Promise<string> {
  const r = await client.send(
    new StartExecutionCommand({
      stateMachineArn: sfn.arnOf('exchange-local-dr-failover'),
      name: `socket-closed-${++runs}`,
      input: JSON.stringify({ reason: 'drill under load', requestedBy: 'ops-alice', autoApprove: false }),
    }),
  );
  return r.executionArn as string;
}

const statesEntered = async (executionArn: string): Promise<string[]> =>
  ((await client.send(new GetExecutionHistoryCommand({ executionArn }))).events ?? []).flatMap((e) =>
    e.stateEnteredEventDetails?.name ? [e.stateEnteredEventDetails.name] : [],
  );

it('Assess meets an endpoint closing its first sockets: the invoker retries and the runbook goes on to the approval', async () => {
  assessDrops = 2;
  const before = endpoint.requests(ASSESS);
  const arn = await startFailover();
  await until(
    'the approval',
    () => statesEntered(arn),
    (s) => s.includes('Approval'),
  );
  // the third attempt answered, within the first invocation: the state itself never failed
  expect(endpoint.requests(ASSESS) - before).toBe(3);
  expect(await statesEntered(arn)).toEqual(['Start', 'Assess', 'ApprovalNeeded', 'Approval']);
  await client.send(new StopExecutionCommand({ executionArn: arn }));
});

it('an endpoint that never answers Assess: retried by the invoker and the Retry, then aborted with a readable reason', async () => {
  assessDrops = Infinity;
  const before = endpoint.requests(ASSESS);
  const arn = await startFailover();
  const end = await until(
    'the runbook to end',
    () => client.send(new DescribeExecutionCommand({ executionArn: arn })),
    (d) => d.status !== 'RUNNING',
  );
  // 2 attempts per invocation; the invocation 4 times (the definition's MaxAttempts 3 on Lambda.SdkClientException)
  expect(endpoint.requests(ASSESS) - before).toBe(8);
  expect(end).toMatchObject({ status: 'FAILED', error: 'FailoverAborted' });
  expect(end.cause).toMatch(
    /^Lambda\.SdkClientException: invoking exchange-local-sfnDrAssess at 127\.0\.0\.1:\d+: gave up after 2 attempts in \d+\.\d s; last: fetch failed \(UND_ERR_SOCKET: other side closed\)$/,
  );
  expect(await statesEntered(arn)).toEqual(['Start', 'Assess', 'NotifyAborted', 'Aborted']);
});
