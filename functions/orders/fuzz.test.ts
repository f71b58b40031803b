/**
 * Fuzz: 10,000 random and malformed order bodies through POST /v1/orders and 10,000 random frames
 * through the WebSocket order routes, against a real matching host. Every answer is a 4xx or an
 * error frame, never a 5xx; nothing internal leaks; afterwards the host still serves and holds no
 * order the fuzz did not mean to place (no order half-created).
 */
import type { Context } from 'aws-lambda';
import fc from 'fast-check';
import { invoke } from '../../test/support/api-event';
import { startFunctionsEnv, type FunctionsEnv } from '../../test/support/functions-env';
import { RedisSessionStore } from '../shared/adapters/redis-session-store';
import type { Caller } from '../shared/caller';
import { matchingHost } from '../shared/matching-host';
import { redis } from '../shared/redis';
import { userStore } from '../shared/users';
import { cancelOrder, placeOrder } from '../ws/ws-handlers';
import { place } from './orders-handlers';

let env: FunctionsEnv;
let trader: Caller;

beforeAll(async () => {
  env = await startFunctionsEnv({ host: true, redisDb: 9 });
  const u = await userStore().create(`fuzz.${Date.now()}@example.com`, 'x');
  trader = { userId: u.id, roles: ['trader'], accountNo: u.accountNo };
  // no funds: any order that got through the edge is refused by the host, so none may rest
}, 60_000);

afterAll(() => env.stop());

const field = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(''),
  fc.constantFrom(
    'BTC-USD',
    'buy',
    'sell',
    'limit',
    'market',
    'GTC',
    'IOC',
    'FOK',
    'GTD',
    '42000',
    '0.1',
    '-1',
    '1e9',
    '0x10',
    '１２',
    'NaN',
    '99999999999999999999999',
  ),
  fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 4 }), { maxKeys: 2 }),
);
const orderish = fc.record(
  {
    clientOrderId: field,
    symbol: field,
    side: field,
    type: field,
    timeInForce: field,
    quantity: field,
    price: field,
    postOnly: field,
    expireTime: field,
    stp: field,
    extra: field,
  },
  { requiredKeys: [] },
);
const rawBody = fc.oneof(
  orderish.map((o) => JSON.stringify(o)),
  fc.string({ maxLength: 200 }),
  fc.constantFrom('{', '[]', 'null', '"x"', '{"clientOrderId":', '\u0000', '{"a":1}'.repeat(3000)),
);

describe('fuzz', () => {
  it('answers 10,000 random order bodies with 4xx only', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(rawBody, async (body) => {
        const r = await invoke(place, { caller: trader, rawBody: body });
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        expect(r.status).toBeGreaterThanOrEqual(400);
        expect(r.status).toBeLessThan(500);
        expect(JSON.stringify(r.body)).not.toMatch(/\.ts:\d+|node_modules|stack/);
      }),
      { numRuns: 10_000, seed: 20261130 },
    );
    expect([...statuses.keys()].every((s) => s >= 400 && s < 500)).toBe(true);
  }, 300_000);

  it('answers 10,000 random WebSocket frames with error frames only', async () => {
    const context = { awsRequestId: 'ws', functionName: 'ws', getRemainingTimeInMillis: () => 5000 } as unknown as Context;
    const sessionId = (await new RedisSessionStore(redis()).start(trader.userId, 600)).familyId;
    const authorizer = { userId: trader.userId, accountNo: trader.accountNo, sessionId, rolesVersion: 0 };
    let n = 0;
    const frame = fc.oneof(
      orderish.map((o) => JSON.stringify({ action: 'placeOrder', ...o })),
      fc.record({ orderId: field, id: field }, { requiredKeys: [] }).map((o) => JSON.stringify({ action: 'cancelOrder', ...o })),
      fc.string({ maxLength: 100 }),
    );
    await fc.assert(
      fc.asyncProperty(frame, async (body) => {
        const h = body.includes('"cancelOrder"') ? cancelOrder : placeOrder;
        const r = await h({ body, requestContext: { connectionId: `fz-${++n}`, routeKey: 'x', requestId: `r-${n}`, authorizer } }, context);
        const m = JSON.parse(r.body ?? '{}') as { type?: string; code?: string };
        expect(r.statusCode).toBeGreaterThanOrEqual(400);
        expect(r.statusCode).toBeLessThan(500);
        expect(m.type).toBe('error');
      }),
      { numRuns: 10_000, seed: 20261201 },
    );
  }, 300_000);

  it('leaves the host serving with no order half-created', async () => {
    expect(await matchingHost('trading').openOrders(trader.accountNo)).toEqual([]);
    expect(await matchingHost('trading').health()).toMatchObject({ role: 'primary' });
  });
});
