/** The Redis view writer against a stand-in transaction that can fail (unit test of this module). */
import type { Redis } from 'ioredis';
import type { Publication } from '../publication';
import { redisKeys } from '../../proto/market-data-views';
import { RedisSink } from './redis-sink';

class FakeRedis {
  store = new Map<string, unknown>();
  failNext = 0;
  multi(): unknown {
    const ops: (() => void)[] = [];
    const fail = this.failNext-- > 0;
    const m = {
      set: (k: string, v: string) => (ops.push(() => this.store.set(k, v)), m),
      lpush: (k: string, ...v: string[]) => (ops.push(() => this.store.set(k, [...v.reverse(), ...((this.store.get(k) as string[]) ?? [])])), m),
      ltrim: (k: string, a: number, b: number) => (ops.push(() => this.store.set(k, (this.store.get(k) as string[]).slice(a, b + 1))), m),
      exec: () => {
        if (fail) return Promise.reject(new Error('redis down'));
        ops.forEach((f) => f());
        return Promise.resolve(ops.map(() => [null, 'OK']));
      },
    };
    return m;
  }
}

const pub = (seq: number, sequence: number, type: 'trade' | 'level2'): Publication => ({
  seq,
  time: seq,
  orders: [],
  market: [
    type === 'trade'
      ? { symbol: 'BTC-USD', sequence, seq, time: seq, type, data: { tradeId: `BTC-USD:${sequence}`, price: '10.00', quantity: '1.0000', side: 'buy' } }
      : { symbol: 'BTC-USD', sequence, seq, time: seq, type, data: { side: 'buy', price: '9.00', quantity: '2.0000', orders: 1 } },
  ],
});

it('keeps what a failed write did not store and writes it on the retry', async () => {
  const redis = new FakeRedis();
  const sink = new RedisSink(redis as unknown as Redis, [
    { l2: { symbol: 'BTC-USD', sequence: 0, bids: [], asks: [] }, sequence: 0, format: (_k, u) => String(u) },
  ]);
  redis.failNext = 1;
  await expect(sink.seed()).rejects.toThrow('redis down');
  redis.failNext = 1;
  const batch = [pub(1, 1, 'level2'), pub(2, 2, 'trade')];
  await expect(sink.publish(batch)).rejects.toThrow('redis down');
  // the publisher retries the same batch: events are already in the mirror, but must still be written
  await sink.publish(batch);
  const book = JSON.parse(redis.store.get(redisKeys.book('BTC-USD')) as string) as { sequence: number; bids: unknown[] };
  expect(book).toMatchObject({ sequence: 2, bids: [['9.00', '2.0000', 1]] });
  expect((redis.store.get(redisKeys.trades('BTC-USD')) as string[]).map((t) => (JSON.parse(t) as { sequence: number }).sequence)).toEqual([2]);
  // a re-sent older batch changes nothing
  await sink.publish(batch);
  expect((redis.store.get(redisKeys.trades('BTC-USD')) as string[]).length).toBe(1);
});

it('seeds the recovered book without any publish, retrying until Redis answers', async () => {
  const redis = new FakeRedis();
  redis.failNext = 1;
  const sink = new RedisSink(redis as unknown as Redis, [
    { l2: { symbol: 'BTC-USD', sequence: 0, bids: [{ price: 900, quantity: 20000, orders: 2 }], asks: [] }, sequence: 7, format: (_k, u) => String(u) },
  ]);
  sink.seedUntilDone(() => undefined, 10);
  await new Promise((r) => setTimeout(r, 100));
  expect(JSON.parse(redis.store.get(redisKeys.book('BTC-USD')) as string)).toMatchObject({ sequence: 7, bids: [['900', '20000', 2]] });
  await sink.close();
});

it('never writes a trade twice or loses one when writes overlap and one fails', async () => {
  const redis = new FakeRedis();
  const sink = new RedisSink(redis as unknown as Redis, [{ l2: { symbol: 'BTC-USD', sequence: 0, bids: [], asks: [] }, sequence: 0, format: (_k, u) => String(u) }]);
  redis.failNext = 1;
  const a = sink.publish([pub(1, 1, 'trade')]);
  const b = sink.publish([pub(2, 2, 'trade')]);
  await expect(a).rejects.toThrow('redis down');
  await b;
  const seqs = (redis.store.get(redisKeys.trades('BTC-USD')) as string[]).map((t) => (JSON.parse(t) as { sequence: number }).sequence);
  expect(seqs).toEqual([2, 1]);
});
