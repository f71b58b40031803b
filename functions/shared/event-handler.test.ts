import type { Context } from 'aws-lambda';
import { eventHandler } from './event-handler';
import { count, logger, metrics } from './observability';

const context = {
  awsRequestId: 'lambda-1',
  functionName: 'test',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:test',
  getRemainingTimeInMillis: () => 3000,
} as unknown as Context;

/** The JSON log lines written while `run` runs (warnings and errors go to stderr). */
async function logLines(run: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const lines: string[] = [];
  const capture = (chunk: string | Uint8Array): boolean => lines.push(String(chunk)) > 0;
  const writes = [
    jest.spyOn(process.stdout, 'write').mockImplementation(capture),
    jest.spyOn(process.stderr, 'write').mockImplementation(capture),
  ];
  try {
    await run();
  } finally {
    writes.forEach((w) => w.mockRestore());
  }
  return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
}

class InvalidBatch extends Error {
  override name = 'InvalidBatch';
}

describe('eventHandler (the middy stack of queues, streams, schedules and Step Functions tasks)', () => {
  afterEach(() => jest.restoreAllMocks());

  it('hands the event and context to the function and returns its result', async () => {
    const h = eventHandler((event: { n: number }, ctx) => Promise.resolve({ doubled: event.n * 2, request: ctx.awsRequestId }));
    await expect(h({ n: 21 }, context)).resolves.toEqual({ doubled: 42, request: 'lambda-1' });
  });

  it('throws what the function throws, by name (state machines catch it so)', async () => {
    const h = eventHandler(() => Promise.reject(new InvalidBatch('not a settlement batch')));
    await expect(h({}, context)).rejects.toMatchObject({ name: 'InvalidBatch', message: 'not a settlement batch' });
  });

  it('logs with the Lambda context and the correlation id for the invocation only', async () => {
    const h = eventHandler(
      (event: { batchId: string }) => {
        logger.warn('inside', { batch: event.batchId });
        return Promise.resolve(null);
      },
      { correlationId: (e) => e.batchId },
    );
    const lines = await logLines(async () => {
      await h({ batchId: 'b-1' }, context);
      logger.warn('after');
    });
    expect(lines.map((l) => l.message)).toEqual(['inside', 'after']);
    expect(lines[0]).toMatchObject({ correlationId: 'b-1', function_request_id: 'lambda-1', function_name: 'test' });
    expect(lines[1]).not.toHaveProperty('correlationId');
  });

  it('runs the function when the correlation id cannot be read: the function decides about a malformed event', async () => {
    const h = eventHandler((event: { state: { id: string } }) => Promise.resolve(event), { correlationId: (e) => e.state.id });
    const lines = await logLines(async () => {
      await expect(h({} as never, context)).resolves.toEqual({});
      await expect(h({ state: { id: 42 } } as never, context)).resolves.toEqual({ state: { id: 42 } });
    });
    expect(lines).toEqual([]);
  });

  it('publishes what the invocation counted, after success and after an error', async () => {
    const publish = jest.spyOn(metrics, 'publishStoredMetrics');
    await eventHandler(() => Promise.resolve(count('Handled')))({}, context);
    await expect(
      eventHandler(() => {
        count('Failed');
        return Promise.reject(new Error('boom'));
      })({}, context),
    ).rejects.toThrow('boom');
    expect(publish).toHaveBeenCalledTimes(2);
  });
});
