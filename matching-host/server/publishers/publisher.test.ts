/**
 * The publisher loop against a real host (journal on disk) and an in-memory sink that can be
 * made to fail: order, retries, catch-up from the journal once the memory window has moved on,
 * cursor persistence, and that nothing is readable before it is durable.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { MatchingHost } from '../host';
import { DEFAULT_MARKET } from '../../proto/market-config';
import type { Publication } from '../core/types';
import { JournalGapError, replayPublications } from './publication-replay';
import { CursorFile } from './cursor-file';
import { Publisher, type PublicationSink } from './publisher';

class RecordingSink implements PublicationSink {
  readonly name = 'recording';
  received: Publication[] = [];
  failuresLeft = 0;
  down = false;
  publish(batch: Publication[]): Promise<void> {
    if (this.down || this.failuresLeft-- > 0) return Promise.reject(new Error('downstream unavailable'));
    this.received.push(...batch);
    return Promise.resolve();
  }
  async close(): Promise<void> {}
}

const log = pino({ level: 'silent' });
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function open(options: { outboxCapacity?: number; snapshotEvery?: number; retainFrom?: () => number } = {}): {
  host: MatchingHost;
  dir: string;
} {
  const dir = mkdtempSync(join(tmpdir(), 'publisher-test-'));
  dirs.push(dir);
  return { host: MatchingHost.open({ dataDir: dir, market: DEFAULT_MARKET, ...options }), dir };
}

async function trade(host: MatchingHost, n: number, tag: string): Promise<void> {
  await Promise.all(
    Array.from({ length: n }, (_, i) =>
      host.submit({
        type: 'place',
        account: 1 + (i % 2),
        clientOrderId: `${tag}${i}`,
        symbol: 'BTC-USD',
        side: i % 2 ? 'buy' : 'sell',
        orderType: 'limit',
        timeInForce: 'GTC',
        price: 4_200_000 + (i % 3),
        quantity: 10,
        postOnly: false,
        stp: 'cancel_newest',
        expireTime: 0,
      }),
    ),
  );
}

async function fund(host: MatchingHost): Promise<void> {
  for (const a of [1, 2]) {
    await host.submit({ type: 'deposit', account: a, asset: 'USD', amount: '100000000000', transferId: `u${a}` });
    await host.submit({ type: 'deposit', account: a, asset: 'BTC', amount: '100000000000', transferId: `b${a}` });
  }
}

async function expectedFrom(dir: string, from: number, to: number): Promise<Publication[]> {
  const out: Publication[] = [];
  for await (const c of replayPublications(dir, DEFAULT_MARKET, from, to)) out.push(...c.publications);
  return out;
}

it('publishes in journal order, retries a failing downstream, and moves the cursor only after success', async () => {
  const { host, dir } = open();
  const sink = new RecordingSink();
  sink.failuresLeft = 3;
  const cursorFile = new CursorFile(dir, 'recording');
  const p = new Publisher({
    sink,
    outbox: host.outbox,
    replay: (f, t) => replayPublications(dir, DEFAULT_MARKET, f, t),
    cursorFile,
    startSeq: 0,
    log,
  });
  p.start();
  await fund(host);
  await trade(host, 40, 'a');
  expect(await p.caughtUp()).toBe(true);
  expect(sink.received.map((x) => x.seq)).toEqual([...sink.received.map((x) => x.seq)].sort((a, b) => a - b));
  expect(sink.received).toEqual(await expectedFrom(dir, 1, host.lastSeq));
  await p.stop();
  expect(cursorFile.load()).toBe(host.lastSeq);
  await host.close();
});

it('catches up from the journal when it fell behind the in-memory window, across snapshots', async () => {
  let cursor = (): number => 0;
  // retention must respect the lagging publisher even though snapshots are taken meanwhile
  const { host, dir } = open({ outboxCapacity: 5, snapshotEvery: 25, retainFrom: () => cursor() + 1 });
  const sink = new RecordingSink();
  const p = new Publisher({ sink, outbox: host.outbox, replay: (f, t) => replayPublications(dir, DEFAULT_MARKET, f, t), startSeq: 0, log });
  cursor = () => p.cursor;
  sink.down = true;
  p.start();
  await fund(host);
  await trade(host, 120, 'b');
  await host.snapshot();
  expect(host.outbox.coveredFrom).toBeGreaterThan(1);
  sink.down = false;
  expect(await p.caughtUp(20_000)).toBe(true);
  expect(sink.received).toEqual(await expectedFrom(dir, 1, host.lastSeq));
  // market data sequences are contiguous per symbol across the replayed and the live part
  await trade(host, 10, 'c');
  expect(await p.caughtUp()).toBe(true);
  const seqs = sink.received.flatMap((x) => x.market).map((e) => e.sequence);
  expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  await p.stop();
  await host.close();
});

it('exposes a publication only once its command is durable', async () => {
  const { host } = open();
  const pending = host.submit({ type: 'deposit', account: 1, asset: 'USD', amount: '5', transferId: 'x' });
  // executed but the group commit has not run yet
  expect(host.outbox.read(1, 10)?.publications ?? []).toEqual([]);
  await pending;
  expect(host.outbox.read(1, 10)?.publications.map((p) => p.seq)).toEqual([1]);
  await host.close();
});

it('resumes where its cursor on disk says, which is what retention keeps', async () => {
  const { host, dir } = open();
  const sink = new RecordingSink();
  const cursorFile = new CursorFile(dir, 'recording');
  cursorFile.save(0);
  // saves at most once per hour: the on-disk cursor lags the one in memory, as after a crash
  const p = new Publisher({
    sink,
    outbox: host.outbox,
    replay: (f, t) => replayPublications(dir, DEFAULT_MARKET, f, t),
    cursorFile,
    startSeq: 0,
    log,
    saveEveryMs: 3_600_000,
  });
  p.start();
  await fund(host);
  expect(await p.caughtUp()).toBe(true);
  const saved = cursorFile.load() as number;
  sink.down = true;
  await trade(host, 30, 'r');
  await new Promise((r) => setTimeout(r, 50));
  expect(p.resumeSeq).toBe(saved);
  expect(p.cursor).toBeGreaterThanOrEqual(saved);
  await p.stop();
  await host.close();
});

it('reports a range the journal no longer covers with the point where it can resume', async () => {
  const { host, dir } = open({ snapshotEvery: 10 });
  await fund(host);
  await trade(host, 40, 'g');
  await host.snapshot();
  await trade(host, 5, 'h');
  // no retention for publishers: the oldest snapshot and the journal after it are all that is left
  const gen = replayPublications(dir, DEFAULT_MARKET, 1, host.lastSeq);
  const err = await gen.next().then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(JournalGapError);
  expect((err as JournalGapError).resumeAfter).toBeGreaterThan(0);
  const chunks: Publication[] = [];
  for await (const c of replayPublications(dir, DEFAULT_MARKET, (err as JournalGapError).resumeAfter + 1, host.lastSeq))
    chunks.push(...c.publications);
  expect(chunks.length).toBeGreaterThan(0);
  await host.close();
});
