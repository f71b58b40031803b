/**
 * The release probes: one for every released function, of the kind its events call for, and the
 * real handlers answer theirs as a sound release does, refusing before any work.
 */
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { readProjectYaml } from '../../scripts/local/serverless-yaml';
import { closeRedis } from '../shared/redis';
import { PROBES, probeEvent, verdict, type ProbeKind } from './release-probes';

interface ServerlessFunction {
  handler: string;
  events?: Record<string, { route?: string; type?: string }>[];
}
const serverless = readProjectYaml<{ functions: Record<string, ServerlessFunction>; custom: { blueGreen: Record<string, unknown> } }>(
  'serverless.yml',
);
const hooks = [serverless.custom.blueGreen.preTrafficHook, serverless.custom.blueGreen.postTrafficHook];
const released = Object.keys(serverless.functions).filter((k) => !hooks.includes(k));

/** the probe a function's events call for (what the table in release-probes.ts must say) */
function expectedKind(key: string, f: ServerlessFunction): ProbeKind {
  const events = (f.events ?? []).flatMap((e) => Object.entries(e));
  if (f.handler.endsWith('authorizer-handlers.handler')) return 'rest-authorizer';
  if (f.handler.endsWith('authorizer-handlers.websocket')) return 'ws-authorizer';
  // its trigger is resources/broker.yml's event source mapping
  if (key === 'streamsOrderEvents') return 'rabbitmq';
  if (events.some(([kind]) => kind === 'http')) return 'rest';
  if (events.some(([kind, e]) => kind === 'stream' && e.type === 'kinesis')) return 'kinesis';
  const routes = events.filter(([kind]) => kind === 'websocket').map(([, e]) => e.route);
  if (routes.length > 0) return routes.some((r) => r === '$connect' || r === '$disconnect') ? 'dry-run' : 'ws-frame';
  // schedules and Step Functions tasks act on whatever they get
  if (events.every(([kind]) => kind === 'schedule') && /^functions\/(sfn|accounts|streams)\//.test(f.handler)) return 'dry-run';
  throw new Error(`${key}: which probe fits it?`);
}

describe('the release probes', () => {
  it('has one for every released function, of the kind its events call for, and none for the hooks', () => {
    expect(Object.keys(PROBES).sort()).toEqual([...released].sort());
    for (const key of released) expect({ key, kind: PROBES[key] }).toEqual({ key, kind: expectedKind(key, serverless.functions[key]) });
  });

  describe('verdicts', () => {
    it('passes what a sound version answers, and only from the version being released', () => {
      expect(verdict('rest', { executedVersion: '3', payload: { statusCode: 401 } }, '3')).toMatchObject({ ok: true });
      expect(verdict('rest', { executedVersion: '2', payload: { statusCode: 401 } }, '3')).toEqual({
        ok: false,
        reason: 'version 2 ran, not 3',
      });
      expect(verdict('rest', { payload: { statusCode: 500, body: 'x' } }, '3')).toMatchObject({ ok: false });
      expect(verdict('rest', { payload: 'Internal Server Error' }, '3')).toMatchObject({ ok: false });
      expect(verdict('ws-frame', { payload: { statusCode: 400 } }, '3')).toMatchObject({ ok: true });
      expect(verdict('kinesis', { payload: { events: 0, sent: 0, gone: 0, failed: 0 } }, '3')).toMatchObject({ ok: true });
      expect(verdict('rabbitmq', { payload: { handled: 0 } }, '3')).toMatchObject({ ok: true });
      expect(verdict('rabbitmq', { functionError: 'Unhandled', payload: { errorMessage: 'no keys' } }, '3')).toMatchObject({ ok: false });
    });

    it('wants an authorizer to refuse a request without a token, and to let an anonymous handshake in', () => {
      expect(
        verdict('rest-authorizer', { functionError: 'Unhandled', payload: { errorType: 'Error', errorMessage: 'Unauthorized' } }, '3'),
      ).toMatchObject({
        ok: true,
      });
      expect(verdict('rest-authorizer', { payload: { principalId: 'u' } }, '3')).toMatchObject({ ok: false });
      expect(
        verdict('rest-authorizer', { functionError: 'Unhandled', payload: { errorMessage: 'Cannot find module' } }, '3'),
      ).toMatchObject({ ok: false });
      const allow = { principalId: 'anonymous', policyDocument: { Statement: [{ Effect: 'Allow' }] } };
      expect(verdict('ws-authorizer', { payload: allow }, '3')).toMatchObject({ ok: true });
      expect(verdict('ws-authorizer', { functionError: 'Unhandled', payload: { errorMessage: 'Unauthorized' } }, '3')).toMatchObject({
        ok: false,
      });
    });

    it('wants the dry run answered by the version being released, also on a socket', () => {
      const answer = { releaseProbe: 'ok', functionName: 'f', functionVersion: '3' };
      expect(verdict('dry-run', { payload: answer }, '3')).toMatchObject({ ok: true });
      expect(verdict('dry-run', { payload: { statusCode: 200, body: JSON.stringify(answer) } }, '3')).toMatchObject({ ok: true });
      expect(verdict('dry-run', { payload: { ...answer, functionVersion: '$LATEST' } }, '3')).toMatchObject({ ok: false });
      // a function that ran on the probe (it does not know the dry run) answers something else
      expect(verdict('dry-run', { payload: { swept: 0 } }, '3')).toMatchObject({ ok: false });
      expect(verdict('dry-run', { payload: { statusCode: 200, body: 'not json' } }, '3')).toMatchObject({ ok: false });
    });
  });

  describe('the real handlers (in-process, stage local) answer their probes as a sound release does', () => {
    // a route with per-user limits makes its Redis client before it finds no caller (it sends nothing)
    afterAll(closeRedis);
    const context = (key: string): Context =>
      ({
        awsRequestId: 'probe-1',
        functionName: `exchange-local-${key}`,
        functionVersion: '3',
        invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:exchange-local-${key}:3`,
        getRemainingTimeInMillis: () => 10_000,
      }) as unknown as Context;
    const handlerOf = (key: string): ((event: unknown, context: Context) => Promise<unknown>) => {
      const h = serverless.functions[key].handler;
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const mod = require(join(__dirname, '..', '..', h.slice(0, h.lastIndexOf('.')))) as Record<string, never>;
      return mod[h.slice(h.lastIndexOf('.') + 1)];
    };
    const invoke = async (key: string): Promise<{ answer: unknown; threw?: Error }> => {
      try {
        return { answer: await handlerOf(key)(probeEvent(PROBES[key]), context(key)) };
      } catch (e) {
        return { answer: { errorMessage: (e as Error).message }, threw: e as Error };
      }
    };
    // these reach Redis, a secret or the host before they answer (rate limits, keys, market data): covered by their kinds' verdicts
    const needsStores = new Set([
      'marketsList',
      'wsSubscriptions',
      'wsOrders',
      'wsCancelOrder',
      'wsDefault',
      'wsAuthorizer',
      'streamsOrderEvents',
      'streamsMarketDataFanout',
    ]);

    it.each(released.filter((k) => !needsStores.has(k)))('%s', async (key) => {
      const { answer, threw } = await invoke(key);
      const result = verdict(PROBES[key], { payload: answer, ...(threw ? { functionError: 'Unhandled' } : {}) }, '3');
      expect({ key, result }).toEqual({ key, result: expect.objectContaining({ ok: true }) as unknown });
      // a REST route refuses the probe (invalid input, or no caller) before any work; only ping answers it
      if (PROBES[key] === 'rest' && key !== 'ping') expect([400, 401]).toContain((answer as { statusCode: number }).statusCode);
    });
  });
});
