/**
 * The market data views in Redis come back as the host holds them, against a real host process
 * and a real Redis (database 9): after kill -9 and a journal replay, after a graceful restart from
 * a snapshot, each with Redis flushed in between, and when Redis loses them while the host runs
 * (flushed, or an older node's data). Equal means byte for byte what the live host had written:
 * sequences, last price and quantity, best bid and ask, the price band, the book and the last
 * trades; and those agree with the host's own book and with the fills it acknowledged.
 */
import Redis from 'ioredis';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deleteKeys, testKeyPrefix } from '../../../test/support/redis-keys';
import { spawnHost, type HostProcess } from '../../../scripts/local/host-process';
import { until } from '../../../test/support/until';
import { redisKeys, type BookView, type Ticker } from '../../proto/market-data-views';
import { call, type MatchingHostClient } from '../../proto/host-client';
import { RECENT_TRADES } from '../core/recent-trades';
import { connectTestHost } from '../../../test/support/host-tls';

const REDIS_URL = 'redis://127.0.0.1:6379/9';
const PREFIX = testKeyPrefix('md-views');
const SYMBOLS = ['BTC-USD', 'ETH-USD'];

let dir: string;
let host: HostProcess | undefined;
let client: MatchingHostClient;
const redis = new Redis(REDIS_URL, { keyPrefix: PREFIX });

async function start(): Promise<HostProcess> {
  const h = await spawnHost({
    HOST_DATA_DIR: dir,
    KINESIS_STREAM: '',
    AMQP_URL: '',
    REDIS_URL,
    REDIS_KEY_PREFIX: PREFIX,
    HOST_SNAPSHOT_INTERVAL_MS: '0',
  });
  client?.close();
  client = connectTestHost(`127.0.0.1:${h.grpcPort}`);
  host = h;
  return h;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'md-views-'));
  await deleteKeys(PREFIX, REDIS_URL);
  await start();
}, 30_000);

afterAll(async () => {
  client.close();
  await host?.kill();
  redis.disconnect();
  rmSync(dir, { recursive: true, force: true });
});

/** Every view key's raw value (the trades list as its entries). */
async function views(): Promise<Record<string, string | string[] | null>> {
  const out: Record<string, string | string[] | null> = {};
  for (const s of SYMBOLS) {
    out[redisKeys.ticker(s)] = await redis.get(redisKeys.ticker(s));
    out[redisKeys.book(s)] = await redis.get(redisKeys.book(s));
    out[redisKeys.trades(s)] = await redis.lrange(redisKeys.trades(s), 0, -1);
  }
  return out;
}
/** every key back (views() reads them one by one: a read may come between a rewrite's keys) */
const complete = (v: Record<string, string | string[] | null>): boolean =>
  Object.values(v).every((x) => x !== null && x.length > 0) && v[redisKeys.trades('BTC-USD')]?.length === RECENT_TRADES;
const parsed = <T>(v: string | string[] | null): T => JSON.parse(v as string) as T;

/** the BTC-USD trades acknowledged, oldest first, with the taker's side */
const fills: { price: string; quantity: string; side: string }[] = [];
let n = 0;
async function place(account: number, symbol: string, side: 'buy' | 'sell', price: string, quantity: string): Promise<void> {
  const r = await call(client, 'PlaceOrder', {
    account,
    clientOrderId: `v${++n}`,
    symbol,
    side,
    type: 'limit',
    price,
    quantity,
  });
  expect(r.status).not.toBe('REJECTED');
  if (symbol === 'BTC-USD') for (const f of r.fills) fills.push({ price: f.price, quantity: f.quantity, side });
}

let before: Record<string, string | string[] | null>;

it('writes the views of what the host did', async () => {
  for (const account of [1, 2])
    for (const asset of ['USD', 'BTC', 'ETH'])
      await call(client, 'Deposit', { account, asset, amount: asset === 'USD' ? '10000000' : '1000', transferId: `${account}-${asset}` });
  // more trades than the list keeps, at prices across the band, taken from both sides
  for (let i = 0; i < RECENT_TRADES + 20; i++) {
    const price = (42000 + (i % 17) * 25 - 200).toFixed(2);
    const [maker, taker] = i % 3 === 0 ? [1, 2] : [2, 1];
    await place(maker, 'BTC-USD', i % 3 === 0 ? 'buy' : 'sell', price, '0.0300');
    await place(taker, 'BTC-USD', i % 3 === 0 ? 'sell' : 'buy', price, '0.0200');
  }
  await place(1, 'BTC-USD', 'buy', '41000.00', '0.5000');
  await place(2, 'BTC-USD', 'sell', '43000.00', '0.2500');
  await place(1, 'ETH-USD', 'sell', '3010.00', '1.0000');
  await place(2, 'ETH-USD', 'buy', '3010.00', '0.4000');
  await call(client, 'HaltSymbol', { symbol: 'ETH-USD' });

  const last = fills[fills.length - 1];
  before = await until('the views at the last command', views, (v) => {
    const eth = v[redisKeys.ticker('ETH-USD')];
    const btc = v[redisKeys.book('BTC-USD')];
    return eth !== null && parsed<Ticker>(eth).status === 'halted' && btc !== null && parsed<BookView>(btc).bids[0]?.[0] === '41000.00';
  });
  const ticker = parsed<Ticker>(before[redisKeys.ticker('BTC-USD')]);
  const book = await call(client, 'GetBook', { symbol: 'BTC-USD', depth: 100 });
  expect(ticker).toMatchObject({
    last: last.price,
    lastQuantity: last.quantity,
    bestBid: book.bids[0].price,
    bestAsk: book.asks[0].price,
    status: 'trading',
  });
  const band = Math.floor(Number(last.price) * 10); // 10 % in cents, rounded down
  expect(ticker.priceBand).toEqual({
    low: ((Number(last.price) * 100 - band) / 100).toFixed(2),
    high: ((Number(last.price) * 100 + band) / 100).toFixed(2),
  });
  const trades = (before[redisKeys.trades('BTC-USD')] as string[]).map(
    (t) => JSON.parse(t) as { sequence: number; price: string; quantity: string; side: string },
  );
  expect(trades.map(({ price, quantity, side }) => ({ price, quantity, side }))).toEqual(fills.slice(-RECENT_TRADES).reverse());
  // the last trade, its level change, then the two resting orders' levels
  expect(ticker.sequence).toBe(trades[0].sequence + 3);
  expect(trades.every((t, i) => i === 0 || t.sequence < trades[i - 1].sequence)).toBe(true);
  expect(parsed<Ticker>(before[redisKeys.ticker('ETH-USD')])).toMatchObject({
    last: '3010.00',
    lastQuantity: '0.4000',
    bestAsk: '3010.00',
    priceBand: { low: '2709.00', high: '3311.00' },
  });
}, 60_000);

it('rebuilds them after kill -9 (journal replay) with Redis flushed', async () => {
  await host?.kill();
  await deleteKeys(PREFIX, REDIS_URL);
  await start();
  expect(await until('the views back', views, complete)).toEqual(before);
}, 30_000);

it('repairs them within seconds when Redis loses them while the host runs', async () => {
  await deleteKeys(PREFIX, REDIS_URL);
  const t0 = Date.now();
  expect(await until('the views repaired', views, (v) => JSON.stringify(v) === JSON.stringify(before), 5_000)).toEqual(before);
  expect(Date.now() - t0).toBeLessThan(5_000);
  // a failover to a node that missed the last writes: older ticker, shorter list
  const ticker = parsed<Ticker>(before[redisKeys.ticker('BTC-USD')]);
  await redis.set(redisKeys.ticker('BTC-USD'), JSON.stringify({ ...ticker, sequence: ticker.sequence - 2 }));
  await redis.ltrim(redisKeys.trades('BTC-USD'), 1, -1);
  expect(await until('the older views replaced', views, (v) => JSON.stringify(v) === JSON.stringify(before), 5_000)).toEqual(before);
}, 30_000);

it('rebuilds them after a graceful restart (snapshot) with Redis flushed', async () => {
  await host?.stop('SIGTERM');
  host = undefined;
  await deleteKeys(PREFIX, REDIS_URL);
  const restarted = await start();
  expect(await until('the views back', views, complete)).toEqual(before);
  expect(restarted.output()).toMatch(/"replayed":0/);
}, 30_000);
