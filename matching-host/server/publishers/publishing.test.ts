/**
 * Publishers against real downstreams: kinesalite (Kinesis), the machine's RabbitMQ and Redis.
 * A child-process host takes load, RabbitMQ is restarted under it, the host is killed (-9) while
 * RabbitMQ is down and restarted; consumers that de-duplicate by sequence must then see every
 * event exactly once, in order, and nothing else. Expected events come from replaying the journal.
 */
import * as amqp from 'amqplib';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { startKinesalite, type LocalKinesis } from '../../../scripts/local/kinesalite';
import { call, type MatchingHostClient } from '../../proto/host-client';
import { MatchingHost } from '../host';
import { spawnHost, type HostProcess } from '../../../scripts/local/host-process';
import { DEFAULT_MARKET } from '../../proto/market-config';
import type { Publication } from '../core/types';
import type { MarketDataEvent, OrderEvent } from '../../proto/messages';
import { replayPublications } from './publication-replay';
import { inSequence, readMarketData } from './kinesis-reader';
import { kinesisClient } from './kinesis-sink';
import { redisKeys, type BookView } from '../../proto/market-data-views';
import { deleteKeys, testKeyPrefix } from '../../../test/support/redis-keys';
import { connectTestHost } from '../../../test/support/host-tls';

const run = `t${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
const STREAM = `md-${run}`;
const EXCHANGE = `oe-${run}`;
const REDIS_URL = 'redis://127.0.0.1:6379/9';
const PREFIX = testKeyPrefix('publishing');
afterAll(() => deleteKeys(PREFIX, REDIS_URL));
const AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';

let kinesis: LocalKinesis;
let dir: string;

function rabbit(cmd: 'stop_app' | 'start_app'): void {
  execFileSync('rabbitmqctl', [cmd], { stdio: 'ignore', timeout: 30_000 });
  if (cmd === 'start_app') execFileSync('rabbitmqctl', ['await_startup'], { stdio: 'ignore', timeout: 30_000 });
}

async function metric(h: HostProcess, name: string): Promise<number[]> {
  const text = await (await fetch(`http://127.0.0.1:${h.metricsPort}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith(name))
    .map((l) => Number(l.split(' ').pop()));
}

async function waitCaughtUp(h: HostProcess, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const lags = await metric(h, 'exchange_host_publisher_lag_commands{');
    if (lags.length === 3 && lags.every((l) => l === 0)) return;
    if (Date.now() > until) throw new Error(`publishers still lag: ${lags.join(',')}\n${h.output().slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function load(client: MatchingHostClient, tag: string, n: number): Promise<number> {
  let acked = 0;
  await Promise.all(
    Array.from({ length: 8 }, async (_, w) => {
      for (let i = w; i < n; i += 8) {
        await call(client, 'PlaceOrder', {
          account: 1 + (i % 4),
          clientOrderId: `${tag}-${i}`,
          symbol: i % 5 === 0 ? 'ETH-USD' : 'BTC-USD',
          side: i % 2 ? 'buy' : 'sell',
          type: 'limit',
          price: (i % 5 === 0 ? 3000 + (i % 7) : 42000 + (i % 11) - 5).toFixed(2),
          quantity: '0.0100',
        });
        acked++;
      }
    }),
  );
  return acked;
}

async function drainQueue(queue: string): Promise<amqp.ConsumeMessage[]> {
  const conn = await amqp.connect(AMQP_URL);
  const ch = await conn.createChannel();
  const { messageCount } = await ch.checkQueue(queue);
  const got: amqp.ConsumeMessage[] = [];
  await ch.prefetch(1000);
  await new Promise<void>((resolve) => {
    if (messageCount === 0) resolve();
    void ch.consume(queue, (m) => {
      if (!m) return;
      got.push(m);
      ch.ack(m);
      if (got.length === messageCount) resolve();
    });
  });
  await conn.close();
  return got;
}

beforeAll(async () => {
  kinesis = await startKinesalite();
  dir = mkdtempSync(join(tmpdir(), 'publishing-test-'));
});

afterAll(async () => {
  await kinesis?.close();
  rmSync(dir, { recursive: true, force: true });
  const conn = await amqp.connect(AMQP_URL);
  const ch = await conn.createChannel();
  for (const q of [`${EXCHANGE}.history`, `${EXCHANGE}.dlq`]) await ch.deleteQueue(q);
  for (const x of [EXCHANGE, `${EXCHANGE}.dlx`]) await ch.deleteExchange(x);
  await conn.close();
});

it('delivers every market data and order event exactly once by sequence across a RabbitMQ restart and a host kill -9', async () => {
  const env = {
    HOST_DATA_DIR: dir,
    AWS_ENDPOINT_URL_KINESIS: kinesis.endpoint,
    KINESIS_STREAM: STREAM,
    REDIS_URL,
    REDIS_KEY_PREFIX: PREFIX,
    AMQP_URL,
    AMQP_EXCHANGE: EXCHANGE,
    HOST_LOG_LEVEL: 'info',
  };
  const startedAt = Date.now() - 1000;
  let host = await spawnHost(env);
  let client = connectTestHost(`127.0.0.1:${host.grpcPort}`);
  for (let a = 1; a <= 4; a++) {
    await call(client, 'Deposit', { account: a, asset: 'USD', amount: '10000000', transferId: `usd${a}` });
    await call(client, 'Deposit', { account: a, asset: 'BTC', amount: '100', transferId: `btc${a}` });
    await call(client, 'Deposit', { account: a, asset: 'ETH', amount: '1000', transferId: `eth${a}` });
  }
  expect(await load(client, 'a', 300)).toBe(300);
  await waitCaughtUp(host);

  // RabbitMQ goes away: the host keeps matching and acknowledging; then it is killed before the broker returns
  rabbit('stop_app');
  try {
    expect(await load(client, 'b', 200)).toBe(200);
    const lag = await metric(host, 'exchange_host_publisher_lag_commands{publisher="rabbitmq"}');
    expect(lag[0]).toBeGreaterThan(0);
    client.close();
    await host.kill();
  } finally {
    rabbit('start_app');
  }

  // the restarted host regenerates what RabbitMQ missed from its journal and goes on publishing
  host = await spawnHost(env);
  client = connectTestHost(`127.0.0.1:${host.grpcPort}`);
  await waitCaughtUp(host);
  expect(await load(client, 'c', 200)).toBe(200);
  await call(client, 'HaltSymbol', { symbol: 'ETH-USD' });
  await call(client, 'CancelAll', { account: 2, symbol: '' });
  await waitCaughtUp(host);
  const health = await call(client, 'Health', {});
  client.close();
  expect(await host.stop()).toBe(0);

  // what should have been published: the journal replayed from the start
  const expected: Publication[] = [];
  for await (const chunk of replayPublications(dir, DEFAULT_MARKET, 1, health.lastSeq)) expected.push(...chunk.publications);
  const expectedMarket = inSequence(expected.flatMap((p) => p.market));
  const expectedOrders = expected.flatMap((p) => p.orders);
  expect(expectedMarket.filter((e) => e.type === 'trade').length).toBeGreaterThan(50);
  expect(new Set(expectedOrders.map((e) => e.type))).toEqual(new Set(['deposit', 'accepted', 'fill', 'canceled']));

  // Kinesis: duplicates only as exact copies; after de-duplication exactly the expected events, contiguous per symbol
  const client2 = kinesisClient(kinesis.endpoint, 'us-east-1');
  const raw = await readMarketData(client2, STREAM);
  client2.destroy();
  const byKey = new Map<string, string>();
  for (const e of raw) {
    const k = `${e.symbol}:${e.sequence}`;
    const s = JSON.stringify(e);
    expect(byKey.get(k) ?? s).toBe(s);
    byKey.set(k, s);
  }
  const seen: MarketDataEvent[] = inSequence(raw);
  expect(seen).toEqual(expectedMarket);
  for (const symbol of ['BTC-USD', 'ETH-USD']) {
    const seqs = seen.filter((e) => e.symbol === symbol).map((e) => e.sequence);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  }

  // npm run md:replay: the symbol's events from a point in time, in sequence order (run async:
  // kinesalite lives in this process and must keep answering)
  const script = join(__dirname, '..', '..', '..', 'scripts', 'md-replay.ts');
  const replay = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', script, '--symbol', 'ETH-USD', '--from', new Date(startedAt).toISOString()],
    {
      env: { ...process.env, AWS_ENDPOINT_URL_KINESIS: kinesis.endpoint, KINESIS_STREAM: STREAM },
      encoding: 'utf8',
      timeout: 30_000,
    },
  );
  const printed = replay.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as MarketDataEvent);
  expect(printed).toEqual(expectedMarket.filter((e) => e.symbol === 'ETH-USD'));
  expect(replay.stderr).not.toMatch(/gap/);
  const bad = await promisify(execFile)(process.execPath, ['--import', 'tsx', script, '--symbol', 'btc', '--from', 'yesterday'], {
    encoding: 'utf8',
  }).then(
    () => ({ code: 0, stderr: '' }),
    (e: { code: number; stderr: string }) => e,
  );
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/--symbol[\s\S]*--from/);

  // RabbitMQ: every order event once by messageId, persistent, with the expected content
  const msgs = await drainQueue(`${EXCHANGE}.history`);
  const got = new Map<string, OrderEvent>();
  for (const m of msgs) {
    expect(m.properties.deliveryMode).toBe(2);
    const e = JSON.parse(m.content.toString()) as OrderEvent;
    expect(m.properties.messageId).toBe(`${e.seq}:${e.idx}`);
    expect(m.fields.routingKey).toBe(`order.${e.account}.${e.type}`);
    got.set(m.properties.messageId as string, e);
  }
  expect(got.size).toBe(expectedOrders.length);
  for (const e of expectedOrders) expect(got.get(`${e.seq}:${e.idx}`)).toEqual(e);

  // Redis: the book view equals the recovered engine's book, at the last market data sequence
  const recovered = MatchingHost.open({ dataDir: dir, market: DEFAULT_MARKET });
  const redis = new Redis(REDIS_URL, { keyPrefix: PREFIX });
  try {
    const book = JSON.parse((await redis.get(redisKeys.book('BTC-USD'))) as string) as BookView;
    const l2 = recovered.core.engine.l2('BTC-USD', 100);
    expect(book.sequence).toBe(recovered.core.marketSequence('BTC-USD'));
    expect(book.bids.map(([p, q]) => [p, q])).toEqual(l2.bids.map((l) => [(l.price / 100).toFixed(2), (l.quantity / 1e4).toFixed(4)]));
    expect(book.asks.map(([p, q]) => [p, q])).toEqual(l2.asks.map((l) => [(l.price / 100).toFixed(2), (l.quantity / 1e4).toFixed(4)]));
    const ticker = JSON.parse((await redis.get(redisKeys.ticker('ETH-USD'))) as string) as { status: string; sequence: number };
    expect(ticker).toMatchObject({ status: 'halted', sequence: recovered.core.marketSequence('ETH-USD') });
    // the graceful stop snapshotted, and the snapshot was mirrored for the DR host
    expect(Number(await redis.get(redisKeys.snapshotSeq))).toBe(health.lastSeq);
  } finally {
    redis.disconnect();
    await recovered.close();
  }
}, 120_000);
