/** The Redis view writer against a stand-in Redis that can fail, lose its data and reconnect (unit test of this module). */
import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import type { Publication } from '../core/types';
import type { MarketState } from '../core/host-core';
import { redisKeys, type Ticker } from '../../proto/market-data-views';
import { RedisSink } from './redis-sink';

class FakeRedis extends EventEmitter {
  store = new Map<string, unknown>();
  failNext = 0;
  multi(): unknown {
    const ops: (() => unknown)[] = [];
    const fail = this.failNext-- > 0;
    const list = (k: string): string[] => (this.store.get(k) as string[] | undefined) ?? [];
    const m = {
      set: (k: string, v: string) => (ops.push(() => this.store.set(k, v) && 'OK'), m),
      del: (k: string) => (ops.push(() => Number(this.store.delete(k))), m),
      lpush: (k: string, ...v: string[]) => (ops.push(() => this.store.set(k, [...[...v].reverse(), ...list(k)]) && 1), m),
      rpush: (k: string, ...v: string[]) => (ops.push(() => this.store.set(k, [...list(k), ...v]) && 1), m),
      ltrim: (k: string, a: number, b: number) => (ops.push(() => this.store.set(k, list(k).slice(a, b + 1)) && 'OK'), m),
      get: (k: string) => (ops.push(() => this.store.get(k) ?? null), m),
      exists: (k: string) => (ops.push(() => (this.store.has(k) ? 1 : 0)), m),
      exec: () => (fail ? Promise.reject(new Error('redis down')) : Promise.resolve(ops.map((f) => [null, f()]))),
    };
    return m;
  }
}

const SPEC = {
  symbol: 'BTC-USD',
  base: 'BTC',
  quote: 'USD',
  priceDecimals: 2,
  qtyDecimals: 4,
  tickSize: 1,
  lotSize: 1,
  minPrice: 1,
  maxPrice: 100_000_000,
  minQty: 1,
  maxQty: 1_000_000_000,
  bandBps: 1000,
  referencePrice: 1000,
};
const seed = (over: Partial<MarketState> = {}): MarketState => ({
  spec: SPEC,
  sequence: 0,
  time: 0,
  l2: { symbol: 'BTC-USD', sequence: 0, bids: [], asks: [] },
  lastPrice: 0,
  halted: false,
  trades: [],
  ...over,
});

const pub = (seq: number, sequence: number, type: 'trade' | 'level2'): Publication => ({
  seq,
  time: seq,
  orders: [],
  market: [
    type === 'trade'
      ? {
          symbol: 'BTC-USD',
          sequence,
          seq,
          time: seq,
          type,
          data: { tradeId: `BTC-USD:${sequence}`, price: '10.00', quantity: '1.0000', side: 'buy' },
        }
      : { symbol: 'BTC-USD', sequence, seq, time: seq, type, data: { side: 'buy', price: '9.00', quantity: '2.0000', orders: 1 } },
  ],
});

const tradeSeqs = (redis: FakeRedis): number[] =>
  ((redis.store.get(redisKeys.trades('BTC-USD')) as string[] | undefined) ?? []).map(
    (t) => (JSON.parse(t) as { sequence: number }).sequence,
  );
const ticker = (redis: FakeRedis): Ticker => JSON.parse(redis.store.get(redisKeys.ticker('BTC-USD')) as string) as Ticker;
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 60));

it('keeps what a failed write did not store and writes it on the retry', async () => {
  const redis = new FakeRedis();
  const sink = new RedisSink(redis as unknown as Redis, [seed()]);
  redis.failNext = 1;
  const batch = [pub(1, 1, 'level2'), pub(2, 2, 'trade')];
  await expect(sink.publish(batch)).rejects.toThrow('redis down');
  // the publisher retries the same batch: events are already in the mirror, but must still be written
  await sink.publish(batch);
  const book = JSON.parse(redis.store.get(redisKeys.book('BTC-USD')) as string) as { sequence: number; bids: unknown[] };
  expect(book).toMatchObject({ sequence: 2, bids: [['9.00', '2.0000', 1]] });
  expect(tradeSeqs(redis)).toEqual([2]);
  // a re-sent older batch changes nothing
  await sink.publish(batch);
  expect(tradeSeqs(redis)).toEqual([2]);
});

it('writes the recovered views at start without any publish, retrying until Redis answers', async () => {
  const redis = new FakeRedis();
  redis.failNext = 1;
  const trades = [
    // the newer one after a failover: its id carries the epoch it happened in
    { sequence: 6, epoch: 2, time: 50, price: 1010, quantity: 3, side: 'sell' as const },
    { sequence: 4, epoch: 1, time: 40, price: 1000, quantity: 2, side: 'buy' as const },
  ];
  const sink = new RedisSink(redis as unknown as Redis, [
    seed({
      sequence: 7,
      time: 60,
      l2: { symbol: 'BTC-USD', sequence: 0, bids: [{ price: 900, quantity: 20000, orders: 2 }], asks: [] },
      lastPrice: 1010,
      halted: true,
      trades,
    }),
  ]);
  sink.start(10);
  await settle();
  expect(JSON.parse(redis.store.get(redisKeys.book('BTC-USD')) as string)).toMatchObject({
    sequence: 7,
    time: 60,
    bids: [['9.00', '2.0000', 2]],
  });
  // band around the last trade (10.10 ± 10 % = ±1.01)
  expect(ticker(redis)).toEqual({
    symbol: 'BTC-USD',
    sequence: 7,
    time: 60,
    last: '10.10',
    lastQuantity: '0.0003',
    bestBid: '9.00',
    bestAsk: null,
    status: 'halted',
    priceBand: { low: '9.09', high: '11.11' },
  });
  expect((redis.store.get(redisKeys.trades('BTC-USD')) as string[]).map((t) => JSON.parse(t) as unknown)).toEqual([
    { sequence: 6, time: 50, tradeId: 'BTC-USD:e2:6', price: '10.10', quantity: '0.0003', side: 'sell' },
    { sequence: 4, time: 40, tradeId: 'BTC-USD:e1:4', price: '10.00', quantity: '0.0002', side: 'buy' },
  ]);
  await sink.close();
});

it('shows the band around the reference price before the first trade', async () => {
  const redis = new FakeRedis();
  const sink = new RedisSink(redis as unknown as Redis, [seed()]);
  sink.start(10_000);
  await settle();
  expect(ticker(redis)).toMatchObject({ last: null, priceBand: { low: '9.00', high: '11.00' } });
  await sink.close();
});

it('never writes a trade twice or loses one when writes overlap and one fails', async () => {
  const redis = new FakeRedis();
  const sink = new RedisSink(redis as unknown as Redis, [seed()]);
  redis.failNext = 1;
  const a = sink.publish([pub(1, 1, 'trade')]);
  const b = sink.publish([pub(2, 2, 'trade')]);
  await expect(a).rejects.toThrow('redis down');
  await b;
  expect(tradeSeqs(redis)).toEqual([2, 1]);
});

it('rewrites views a check finds gone or behind, and all of them after a reconnect', async () => {
  const redis = new FakeRedis();
  const sink = new RedisSink(redis as unknown as Redis, [seed()]);
  sink.start(20);
  await sink.publish([pub(1, 1, 'trade'), pub(2, 2, 'level2'), pub(3, 3, 'trade')]);
  const before = new Map(redis.store);
  // the trades list alone evicted
  redis.store.delete(redisKeys.trades('BTC-USD'));
  await settle();
  expect(redis.store).toEqual(before);
  // a failover to a node that missed the last write: an older ticker
  redis.store.set(redisKeys.ticker('BTC-USD'), JSON.stringify({ ...ticker(redis), sequence: 2 }));
  redis.store.set(redisKeys.trades('BTC-USD'), (before.get(redisKeys.trades('BTC-USD')) as string[]).slice(1));
  await settle();
  expect(redis.store).toEqual(before);
  await sink.close();

  // no periodic check here: the reconnect alone brings everything back
  const quiet = new RedisSink(redis as unknown as Redis, [seed()]);
  quiet.start(3_600_000);
  await quiet.publish([pub(1, 1, 'trade')]);
  const written = new Map(redis.store);
  redis.store.clear();
  redis.emit('ready');
  await settle();
  expect(redis.store).toEqual(written);
  await quiet.close();
  expect(redis.listenerCount('ready')).toBe(0);
});

it("leaves views a newer host wrote (a higher sequence) as they are: two hosts never wind each other's views back", async () => {
  const redis = new FakeRedis();
  const sink = new RedisSink(redis as unknown as Redis, [seed()]);
  sink.start(20);
  await sink.publish([pub(1, 1, 'trade'), pub(2, 2, 'level2')]);
  // the new primary after a failover has gone on and written sequence 5
  const newer = { ...ticker(redis), sequence: 5, last: '11.00' };
  redis.store.set(redisKeys.ticker('BTC-USD'), JSON.stringify(newer));
  await settle();
  expect(ticker(redis)).toEqual(newer);
  await sink.close();
});
