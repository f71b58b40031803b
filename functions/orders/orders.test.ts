/**
 * Orders and markets end to end through their handlers, against real components: a matching host
 * process publishing its market data views to Redis, PostgreSQL for users, Redis for rate limits.
 * Two traders cross; balances move exactly; nobody reaches another's orders.
 */
import { invoke } from '../../test/support/api-event';
import { startFunctionsEnv, type FunctionsEnv } from '../../test/support/functions-env';
import { fundedTrader } from '../../test/support/traders';
import { until } from '../../test/support/until';
import { book, list as listMarkets, ticker, trades } from '../markets/markets-handlers';
import type { Caller } from '../shared/caller';
import { matchingHost } from '../shared/matching-host';
import type { Context } from 'aws-lambda';
import { DynamoAuditLog } from '../shared/adapters/dynamo-audit-log';
import { RedisSessionStore } from '../shared/adapters/redis-session-store';
import { dynamo } from '../shared/aws';
import { redis } from '../shared/redis';
import { userStore } from '../shared/users';
import { cancelOrder, placeOrder } from '../ws/ws-handlers';
import { cancel, cancelAfter, cancelAll, get, halt, list, place, replace, resume } from './orders-handlers';

let env: FunctionsEnv;
let seller: Caller;
let buyer: Caller;
const ops = (): Caller => ({ ...seller, roles: ['ops'] });

beforeAll(async () => {
  env = await startFunctionsEnv({ host: true, redisDb: 7 });
  seller = await fundedTrader('seller', 'BTC', '2');
  buyer = await fundedTrader('buyer', 'USD', '100000');
}, 60_000);

afterAll(() => env.stop());

let n = 0;
const cid = (): string => `c-${Date.now()}-${++n}`;
const balance = async (who: Caller, asset: string): Promise<{ available: string; held: string } | undefined> =>
  (await matchingHost('trading').balances(who.accountNo)).find((b) => b.asset === asset);

async function eventually<T>(probe: () => Promise<T>, ok: (v: T) => boolean, ms = 5000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (ok(v) || Date.now() > until) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

let restingId = '';

describe('placing orders', () => {
  it('rests a limit order and answers its state', async () => {
    const r = await invoke(place, {
      caller: seller,
      body: { clientOrderId: cid(), symbol: 'BTC-USD', side: 'sell', type: 'limit', quantity: '0.5', price: '42000.00' },
    });
    expect(r).toMatchObject({
      status: 201,
      body: {
        status: 'OPEN',
        symbol: 'BTC-USD',
        side: 'sell',
        price: '42000.00',
        quantity: '0.5000',
        filled: '0.0000',
        leaves: '0.5000',
        fills: [],
      },
    });
    restingId = r.body.orderId as string;
    expect(await balance(seller, 'BTC')).toEqual({ asset: 'BTC', available: '1.50000000', held: '0.50000000' });
  });

  it('crosses: the taker gets its fills, and both balances move exactly', async () => {
    const id = cid();
    const r = await invoke(place, {
      caller: buyer,
      body: { clientOrderId: id, symbol: 'BTC-USD', side: 'buy', type: 'limit', quantity: '0.2', price: '42000.00' },
    });
    expect(r).toMatchObject({
      status: 201,
      body: {
        status: 'FILLED',
        filled: '0.2000',
        leaves: '0.0000',
        fills: [{ price: '42000.00', quantity: '0.2000', liquidity: 'taker' }],
      },
    });
    // 0.2 × 42 000 = 8 400 USD
    expect(await balance(buyer, 'USD')).toEqual({ asset: 'USD', available: '91600.000000', held: '0.000000' });
    expect(await balance(buyer, 'BTC')).toEqual({ asset: 'BTC', available: '0.20000000', held: '0.00000000' });
    expect(await balance(seller, 'USD')).toEqual({ asset: 'USD', available: '8400.000000', held: '0.000000' });
    expect(await balance(seller, 'BTC')).toEqual({ asset: 'BTC', available: '1.50000000', held: '0.30000000' });
    // a retry of the same clientOrderId is the same order, and nothing moves again
    const again = await invoke(place, {
      caller: buyer,
      body: { clientOrderId: id, symbol: 'BTC-USD', side: 'buy', type: 'limit', quantity: '0.2', price: '42000.00' },
    });
    expect(again).toMatchObject({ status: 200, headers: { 'Idempotent-Replayed': 'true' }, body: { orderId: r.body.orderId } });
    expect(await balance(buyer, 'USD')).toEqual({ asset: 'USD', available: '91600.000000', held: '0.000000' });
  });

  it('makes one order of five concurrent requests with the same clientOrderId', async () => {
    const body = { clientOrderId: cid(), symbol: 'BTC-USD', side: 'sell', type: 'limit', quantity: '0.1', price: '43500' };
    const before = await balance(seller, 'BTC');
    const rs = await Promise.all(Array.from({ length: 5 }, () => invoke(place, { caller: seller, body })));
    expect(new Set(rs.map((r) => r.body.orderId)).size).toBe(1);
    expect(rs.filter((r) => r.status === 201)).toHaveLength(1);
    expect(rs.filter((r) => r.status === 200)).toHaveLength(4);
    // held once: 0.1 BTC
    expect(Number((await balance(seller, 'BTC'))?.held) - Number(before?.held)).toBeCloseTo(0.1, 8);
    await invoke(cancel, { caller: seller, path: { orderId: rs[0].body.orderId as string } });
  });

  it('refuses a price beyond the band the host published with 400, naming the band', async () => {
    type Published = { last: string | null; priceBand: { low: string; high: string } | null };
    const t = await until(
      'the ticker at the last trade',
      async () => (await invoke<Published>(ticker, { path: { symbol: 'BTC-USD' } })).body,
      (b) => b.last === '42000.00',
    );
    expect(t.priceBand).toEqual({ low: '37800.00', high: '46200.00' });
    const body = { clientOrderId: cid(), symbol: 'BTC-USD', side: 'buy', type: 'limit', quantity: '0.1', price: '46200.01' };
    expect(await invoke(place, { caller: buyer, body })).toMatchObject({
      status: 400,
      body: { code: 'PRICE_OUT_OF_BAND', message: 'price must be within the band in force: 37800.00 to 46200.00' },
    });
    // at its edge: accepted (IOC, nothing left resting)
    expect(
      await invoke(place, { caller: buyer, body: { ...body, clientOrderId: cid(), price: '37800.00', timeInForce: 'IOC' } }),
    ).toMatchObject({ status: 201, body: { status: 'CANCELED' } });
  });

  it.each([
    [{ symbol: 'BTC-USD', side: 'buy', type: 'limit', quantity: '0.1', price: '42000.001' }, 'INVALID_PRICE'],
    [{ symbol: 'BTC-USD', side: 'buy', type: 'limit', quantity: '0.00001', price: '42000' }, 'INVALID_QUANTITY'],
    [{ symbol: 'BTC-USD', side: 'buy', type: 'limit', quantity: '0', price: '42000' }, 'INVALID_QUANTITY'],
    [{ symbol: 'BTC-USD', side: 'buy', type: 'limit', quantity: '0.1', price: '50000' }, 'PRICE_OUT_OF_BAND'],
    [{ symbol: 'DOGE-USD', side: 'buy', type: 'limit', quantity: '1', price: '1' }, 'UNKNOWN_SYMBOL'],
    [{ symbol: 'BTC-USD', side: 'buy', type: 'market', quantity: '0.1', price: '42000' }, 'VALIDATION_ERROR'],
    [{ symbol: 'BTC-USD', side: 'buy', type: 'limit', quantity: '0.1' }, 'VALIDATION_ERROR'],
    [{ symbol: 'BTC-USD', side: 'buy', type: 'limit', quantity: '0.1', price: '42000', timeInForce: 'GTD' }, 'VALIDATION_ERROR'],
    [
      {
        symbol: 'BTC-USD',
        side: 'buy',
        type: 'limit',
        quantity: '0.1',
        price: '42000',
        timeInForce: 'GTD',
        expireTime: '2020-01-01T00:00:00Z',
      },
      'INVALID_EXPIRE_TIME',
    ],
    [{ symbol: 'BTC-USD', side: 'buy', type: 'limit', quantity: '0.1', price: '42000', account: 1 }, 'VALIDATION_ERROR'],
  ])('refuses %j with 400 %s before the host is asked', async (body, code) => {
    const r = await invoke(place, { caller: buyer, body: { clientOrderId: cid(), ...body } });
    expect(r).toMatchObject({ status: 400, body: { code } });
  });

  it('answers what the host refuses with 422 and its reason', async () => {
    const r = await invoke(place, {
      caller: buyer,
      body: { clientOrderId: cid(), symbol: 'BTC-USD', side: 'buy', type: 'limit', quantity: '10', price: '42000' },
    });
    expect(r).toMatchObject({ status: 422, body: { code: 'INSUFFICIENT_FUNDS' } });
  });
});

describe('managing orders', () => {
  it("reads, lists, replaces and cancels one's own orders only", async () => {
    expect(await invoke(get, { caller: seller, path: { orderId: restingId } })).toMatchObject({
      status: 200,
      body: { status: 'PARTIALLY_FILLED', leaves: '0.3000' },
    });
    // another trader: not found, whatever they try (OWASP API1:2023)
    expect(await invoke(get, { caller: buyer, path: { orderId: restingId } })).toMatchObject({ status: 404 });
    expect(await invoke(cancel, { caller: buyer, path: { orderId: restingId } })).toMatchObject({ status: 404 });
    expect(await invoke(replace, { caller: buyer, path: { orderId: restingId }, body: { price: '41000', quantity: '0.3' } })).toMatchObject(
      { status: 404 },
    );
    expect((await invoke<{ orders: unknown[] }>(list, { caller: seller })).body.orders).toHaveLength(1);
    expect((await invoke<{ orders: unknown[] }>(list, { caller: buyer })).body.orders).toHaveLength(0);

    // 0.2 of it filled already: the host refuses a total below that, as a rejection
    expect(
      await invoke(replace, { caller: seller, path: { orderId: restingId }, body: { price: '42000.00', quantity: '0.1' } }),
    ).toMatchObject({ status: 422, body: { code: 'QUANTITY_BELOW_FILLED' } });
    const r = await invoke(replace, { caller: seller, path: { orderId: restingId }, body: { price: '42100.00', quantity: '0.25' } });
    expect(r).toMatchObject({ status: 200, body: { price: '42100.00' } });
    expect(await invoke(cancel, { caller: seller, path: { orderId: restingId } })).toMatchObject({
      status: 200,
      body: { canceled: [restingId] },
    });
    expect(await invoke(cancel, { caller: seller, path: { orderId: restingId } })).toMatchObject({ status: 404 });
    expect(await balance(seller, 'BTC')).toEqual({ asset: 'BTC', available: '1.80000000', held: '0.00000000' });
  });

  it('cancels all of a trader’s orders in a symbol', async () => {
    for (const price of ['43000', '43100'])
      await invoke(place, {
        caller: seller,
        body: { clientOrderId: cid(), symbol: 'BTC-USD', side: 'sell', type: 'limit', quantity: '0.1', price },
      });
    const r = await invoke<{ canceled: string[] }>(cancelAll, { caller: seller, query: { symbol: 'BTC-USD' } });
    expect(r.body.canceled).toHaveLength(2);
    expect((await invoke<{ orders: unknown[] }>(list, { caller: seller })).body.orders).toHaveLength(0);
  });
});

describe('the dead-man switch', () => {
  const rest = async (): Promise<void> => {
    const r = await invoke(place, {
      caller: seller,
      body: { clientOrderId: cid(), symbol: 'BTC-USD', side: 'sell', type: 'limit', quantity: '0.1', price: '44000' },
    });
    expect(r.status).toBe(201);
  };
  const open = async (): Promise<number> => (await invoke<{ orders: unknown[] }>(list, { caller: seller })).body.orders.length;

  it('cancels every open order when it is not re-armed in time, with no other traffic', async () => {
    await rest();
    const armed = await invoke(cancelAfter, { caller: seller, body: { timeoutSeconds: 1 } });
    expect(armed).toMatchObject({ status: 200, body: { armed: true, deadline: expect.any(String) as string } });
    expect(await open()).toBe(1);
    expect(await eventually(open, (k) => k === 0, 4000)).toBe(0);
  });

  it('stays quiet once disarmed', async () => {
    await rest();
    await invoke(cancelAfter, { caller: seller, body: { timeoutSeconds: 1 } });
    expect(await invoke(cancelAfter, { caller: seller, body: { timeoutSeconds: 0 } })).toMatchObject({
      status: 200,
      body: { armed: false, deadline: null },
    });
    await new Promise((r) => setTimeout(r, 1500));
    expect(await open()).toBe(1);
    await invoke(cancelAll, { caller: seller });
    expect(await invoke(cancelAfter, { caller: seller, body: { timeoutSeconds: 100_000 } })).toMatchObject({ status: 400 });
  });
});

describe('orders over the WebSocket', () => {
  const context = { awsRequestId: 'ws', functionName: 'ws', getRemainingTimeInMillis: () => 5000 } as unknown as Context;
  async function frame(h: typeof placeOrder, body: unknown, who?: Caller): Promise<Record<string, unknown>> {
    const authorizer = who
      ? {
          userId: who.userId,
          accountNo: who.accountNo,
          sessionId: (await new RedisSessionStore(redis()).start(who.userId, 600)).familyId,
          rolesVersion: 0,
        }
      : { userId: '', accountNo: 0, sessionId: '', rolesVersion: 0 };
    const r = await h(
      { body: JSON.stringify(body), requestContext: { connectionId: `c-${++n}`, routeKey: 'x', requestId: `r-${n}`, authorizer } },
      context,
    );
    return JSON.parse(r.body ?? '{}') as Record<string, unknown>;
  }

  it('places and cancels with the same rules as REST, for authenticated connections only', async () => {
    const order = { clientOrderId: cid(), symbol: 'BTC-USD', side: 'sell', type: 'limit', quantity: '0.1', price: '44500' };
    expect(await frame(placeOrder, { action: 'placeOrder', ...order })).toMatchObject({ type: 'error', code: 'FORBIDDEN' });
    const placed = await frame(placeOrder, { action: 'placeOrder', id: 'p1', ...order }, seller);
    expect(placed).toMatchObject({ type: 'order', id: 'p1', replayed: false, order: { status: 'OPEN', price: '44500.00' } });
    expect(await frame(placeOrder, { action: 'placeOrder', ...order, price: '44500.001' }, seller)).toMatchObject({
      type: 'error',
      code: 'INVALID_PRICE',
    });
    expect(await frame(placeOrder, { action: 'placeOrder', ...order, account: 1 }, seller)).toMatchObject({
      type: 'error',
      code: 'VALIDATION_ERROR',
    });
    const orderId = (placed.order as { orderId: string }).orderId;
    expect(await frame(cancelOrder, { action: 'cancelOrder', orderId }, buyer)).toMatchObject({ type: 'error', code: 'NOT_FOUND' });
    expect(await frame(cancelOrder, { action: 'cancelOrder', orderId, id: 'c1' }, seller)).toEqual({
      type: 'canceled',
      id: 'c1',
      canceled: [orderId],
    });
  });
});

describe('ops', () => {
  it('halts and resumes a symbol (role ops only)', async () => {
    expect(await invoke(halt, { caller: seller, path: { symbol: 'ETH-USD' } })).toMatchObject({ status: 403 });
    expect(await invoke(halt, { caller: ops(), path: { symbol: 'ETH-USD' } })).toMatchObject({ status: 200, body: { status: 'halted' } });
    const r = await invoke(place, {
      caller: buyer,
      body: { clientOrderId: cid(), symbol: 'ETH-USD', side: 'buy', type: 'limit', quantity: '0.1', price: '3000' },
    });
    expect(r).toMatchObject({ status: 422, body: { code: 'SYMBOL_HALTED' } });
    expect(await invoke(resume, { caller: ops(), path: { symbol: 'ETH-USD' } })).toMatchObject({
      status: 200,
      body: { status: 'trading' },
    });
    const audit = await new DynamoAuditLog(dynamo(), 'exchange-local-audit').recent(seller.userId, 50);
    expect(
      audit
        .filter((a) => a.action.startsWith('symbol.'))
        .map((a) => `${a.action} ${a.outcome}`)
        .sort(),
    ).toEqual(['symbol.halt rejected', 'symbol.halt succeeded', 'symbol.resume succeeded']);
  });
});

describe('the audit of what the edge refuses', () => {
  it('records a refused action past validation and limits, and no malformed request', async () => {
    const auditor = await userStore().create(`auditor.${Date.now()}@example.com`, 'x');
    const who: Caller = { userId: auditor.id, roles: ['trader'], accountNo: auditor.accountNo };
    const offTick = { clientOrderId: cid(), symbol: 'BTC-USD', side: 'buy', type: 'limit', quantity: '0.1', price: '42000.005' };
    expect(await invoke(place, { caller: who, body: offTick })).toMatchObject({ status: 400 });
    // someone else's order
    const theirs = (
      await invoke(place, {
        caller: seller,
        body: { clientOrderId: cid(), symbol: 'BTC-USD', side: 'sell', type: 'limit', quantity: '0.1', price: '43900' },
      })
    ).body.orderId as string;
    expect(await invoke(cancel, { caller: who, path: { orderId: theirs } })).toMatchObject({ status: 404 });
    // malformed: refused by the schema, before any budget is taken, and not recorded
    expect(await invoke(place, { caller: who, body: { symbol: 'BTC-USD' } })).toMatchObject({
      status: 400,
      body: { code: 'VALIDATION_ERROR' },
    });
    const audit = await new DynamoAuditLog(dynamo(), 'exchange-local-audit').recent(who.userId, 10);
    const byAction = audit.sort((a, b) => a.action.localeCompare(b.action));
    expect(byAction.map((a) => `${a.action} ${a.outcome}`)).toEqual(['order.cancel rejected', 'order.place rejected']);
    expect(byAction[0].details).toMatchObject({ status: 404, orderId: theirs });
    expect(byAction[1].details).toMatchObject({
      status: 400,
      code: 'INVALID_PRICE',
      clientOrderId: offTick.clientOrderId,
      symbol: 'BTC-USD',
      price: '42000.005',
    });
  });
});

describe('markets', () => {
  it('lists the symbols with their rules as decimal strings', async () => {
    const r = await invoke<{ markets: Record<string, unknown>[] }>(listMarkets);
    expect(r.body.markets).toContainEqual(
      expect.objectContaining({ symbol: 'BTC-USD', tickSize: '0.01', lotSize: '0.0001', priceBandPercent: 10 }),
    );
  });

  it('serves the ticker, book and trades the host published, with their sequence', async () => {
    const t = await eventually(
      async () => (await invoke(ticker, { path: { symbol: 'BTC-USD' } })).body,
      (b) => b.last === '42000.00',
    );
    expect(t).toMatchObject({
      symbol: 'BTC-USD',
      last: '42000.00',
      lastQuantity: '0.2000',
      status: 'trading',
      sequence: expect.any(Number) as number,
    });
    const tr = await invoke<{ trades: { price: string; quantity: string; sequence: number }[] }>(trades, {
      path: { symbol: 'BTC-USD' },
      query: { limit: '10' },
    });
    expect(tr.body.trades[0]).toMatchObject({ price: '42000.00', quantity: '0.2000' });
    const b = await invoke<{ sequence: number; bids: unknown[]; asks: unknown[] }>(book, {
      path: { symbol: 'BTC-USD' },
      query: { depth: '5' },
    });
    expect(b.status).toBe(200);
    expect(b.body.sequence).toBeGreaterThanOrEqual(tr.body.trades[0].sequence);
    expect(await invoke(book, { path: { symbol: 'NOPE-USD' } })).toMatchObject({ status: 404 });
    expect(await invoke(book, { path: { symbol: 'BTC-USD' }, query: { depth: '1000' } })).toMatchObject({ status: 400 });
  });
});
