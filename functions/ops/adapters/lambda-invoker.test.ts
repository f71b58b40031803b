/** Invoking a release's version or alias, through a hand-written fake of the Lambda client's `send`. */
import { InvokeCommand, type InvokeCommandOutput, type LambdaClient } from '@aws-sdk/client-lambda';
import { LambdaInvoker } from './lambda-invoker';

const error = (name: string): Error => Object.assign(new Error(name), { name });

function fakeClient(answers: (InvokeCommandOutput | Error)[]): {
  client: Pick<LambdaClient, 'send'>;
  sent: InvokeCommand[];
  signals: unknown[];
} {
  const sent: InvokeCommand[] = [];
  const signals: unknown[] = [];
  const send = (command: InvokeCommand, options?: { abortSignal?: unknown }): Promise<InvokeCommandOutput> => {
    sent.push(command);
    signals.push(options?.abortSignal);
    const a = answers.shift() ?? error('NoMoreAnswers');
    return a instanceof Error ? Promise.reject(a) : Promise.resolve(a);
  };
  return { client: { send } as unknown as Pick<LambdaClient, 'send'>, sent, signals };
}

const answer = (payload: unknown, extra: Partial<InvokeCommandOutput> = {}): InvokeCommandOutput =>
  ({
    StatusCode: 200,
    ExecutedVersion: '8',
    Payload: Buffer.from(JSON.stringify(payload)),
    $metadata: {},
    ...extra,
  }) as InvokeCommandOutput;

describe('invoking a release’s version for its probe', () => {
  it('sends the probe to the qualifier given and reads back the version that ran, its error and its answer', async () => {
    const { client, sent, signals } = fakeClient([
      answer({ statusCode: 400 }),
      answer({ errorMessage: 'Unauthorized' }, { FunctionError: 'Unhandled' }),
    ]);
    const invoker = new LambdaInvoker(client);
    await expect(invoker.invoke('exchange-prod-ordersPlace', '8', { body: '[]' }, 5000)).resolves.toEqual({
      executedVersion: '8',
      payload: { statusCode: 400 },
    });
    expect(sent[0].input).toMatchObject({ FunctionName: 'exchange-prod-ordersPlace', Qualifier: '8' });
    expect(JSON.parse(Buffer.from(sent[0].input.Payload as Uint8Array).toString('utf8'))).toEqual({ body: '[]' });
    expect(signals[0]).toBeInstanceOf(AbortSignal);
    await expect(invoker.invoke('exchange-prod-authorizer', 'live', {}, 5000)).resolves.toEqual({
      executedVersion: '8',
      functionError: 'Unhandled',
      payload: { errorMessage: 'Unauthorized' },
    });
  });

  it('keeps an answer that is not JSON as text (no verdict takes it)', async () => {
    const { client } = fakeClient([{ StatusCode: 200, Payload: Buffer.from('oops'), $metadata: {} } as unknown as InvokeCommandOutput]);
    await expect(new LambdaInvoker(client).invoke('f', '1', {}, 5000)).resolves.toEqual({ payload: 'oops' });
  });

  it('waits out a function held to its reserved concurrency, and gives up on anything else at once', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] });
    try {
      const busy = fakeClient([error('TooManyRequestsException'), error('ResourceNotReadyException'), answer({ events: 0 })]);
      const result = new LambdaInvoker(busy.client).invoke('exchange-prod-streamsHeartbeat', '8', {}, 60_000);
      await jest.advanceTimersByTimeAsync(30_000);
      await expect(result).resolves.toMatchObject({ payload: { events: 0 } });
      expect(busy.sent).toHaveLength(3);
    } finally {
      jest.useRealTimers();
    }
    const denied = fakeClient([error('AccessDeniedException'), answer({})]);
    await expect(new LambdaInvoker(denied.client).invoke('f', '8', {}, 5000)).rejects.toThrow(/AccessDenied/);
    expect(denied.sent).toHaveLength(1);
  });
});
