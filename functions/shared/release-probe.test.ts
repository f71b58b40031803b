/**
 * A release's dry run (CodeDeploy's hooks, functions/ops/release-probes.ts): the event stacks whose
 * real events act answer it after their middlewares, without the function.
 */
import type { Context } from 'aws-lambda';
import { wsHandler, type WsEvent } from '../ws/ws-handler';
import { eventHandler } from './event-handler';
import { isReleaseProbe, RELEASE_PROBE, releaseProbeAnswer } from './release-probe';

const context = {
  awsRequestId: 'lambda-1',
  functionName: 'exchange-prod-sfnDrPromote',
  functionVersion: '17',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:exchange-prod-sfnDrPromote:17',
  getRemainingTimeInMillis: () => 3000,
} as unknown as Context;

const ANSWER = { releaseProbe: 'ok', functionName: 'exchange-prod-sfnDrPromote', functionVersion: '17' };

describe('the release dry run', () => {
  it('is this one event shape, which no API Gateway, EventBridge or Step Functions event has', () => {
    expect(isReleaseProbe({ releaseProbe: 'dry-run' })).toBe(true);
    expect(isReleaseProbe({ ...RELEASE_PROBE, Records: [] })).toBe(true);
    for (const other of [
      { releaseProbe: 'yes' },
      { source: 'aws.events', 'detail-type': 'Scheduled Event' },
      { batchId: 'b' },
      null,
      'dry-run',
      [],
    ])
      expect(isReleaseProbe(other)).toBe(false);
  });

  it('is answered by an event-driven function (a schedule, a task) without running it, naming the version that answered', async () => {
    const fn = jest.fn(() => Promise.resolve('acted'));
    const h = eventHandler(fn);
    await expect(h({ ...RELEASE_PROBE }, context)).resolves.toEqual(ANSWER);
    expect(fn).not.toHaveBeenCalled();
    // any other event is the function's
    await expect(h({ batchId: 'b-1' }, context)).resolves.toBe('acted');
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('is answered by a WebSocket route ($connect writes whatever it gets) on the socket, without running it', async () => {
    const fn = jest.fn(() => Promise.resolve({ acted: true }));
    const h = wsHandler({}, fn);
    const r = await h({ ...RELEASE_PROBE } as unknown as WsEvent, context);
    expect(r.statusCode).toBe(200);
    expect(JSON.parse(r.body ?? '')).toEqual(ANSWER);
    expect(fn).not.toHaveBeenCalled();
  });

  it('fails when the release’s configuration does not validate, as the function itself would', () => {
    const saved = process.env.REDIS_KEY_PREFIX;
    process.env.REDIS_KEY_PREFIX = 'not a prefix';
    try {
      jest.isolateModules(() => {
        // a fresh module registry: the configuration is read again, as in a new version's first container
        const fresh = jest.requireActual<typeof import('./release-probe')>('./release-probe');
        expect(() => fresh.releaseProbeAnswer(context)).toThrow(/invalid function configuration[\s\S]*REDIS_KEY_PREFIX/);
      });
    } finally {
      if (saved === undefined) delete process.env.REDIS_KEY_PREFIX;
      else process.env.REDIS_KEY_PREFIX = saved;
    }
    expect(releaseProbeAnswer(context)).toEqual(ANSWER);
  });
});
