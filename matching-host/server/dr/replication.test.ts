/**
 * DR replication between two real host runtimes (gRPC streaming, journals on disk): a standby
 * follows, catches up after a restart, holds every acknowledged command (synchronous mode),
 * refuses orders, takes over at a higher epoch, and a rejoining old primary whose history
 * diverged starts over from the new primary's snapshot and says how many commands it dropped.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadHostConfig } from '../config';
import { call, type MatchingHostClient } from '../../proto/host-client';
import { DEFAULT_MARKET } from '../../proto/market-config';
import { startHostRuntime, type HostRuntime } from '../runtime';
import { refusalOf } from '../../../test/support/host-refusal';
import { until } from '../../../test/support/until';
import { connectTestHost } from '../../../test/support/host-tls';
import { freePort } from '../../../scripts/local/region-hosts';

const dirs: string[] = [];
const log = pino({ level: 'silent' });
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'replication-test-'));
  dirs.push(d);
  return d;
}

/** hosts that must know each other's address (a Fence follows only the configured peer): data dir → address, peer */
const fixed = new Map<string, { address: string; peer: string }>();

async function runtime(dir: string, env: Record<string, string> = {}): Promise<HostRuntime> {
  const cfg = loadHostConfig({
    HOST_DATA_DIR: dir,
    HOST_GRPC_ADDRESS: fixed.get(dir)?.address ?? '127.0.0.1:0',
    HOST_PEER_ADDRESS: fixed.get(dir)?.peer ?? '',
    // these tests fence and promote by hand: no host follows its peer on its own
    HOST_PEER_WATCH: 'off',
    HOST_METRICS_ADDRESS: '127.0.0.1:0',
    KINESIS_STREAM: '',
    REDIS_URL: '',
    AMQP_URL: '',
    HOST_SNAPSHOT_INTERVAL_MS: '0',
    HOST_TLS_DIR: process.env.HOST_TLS_DIR,
    ...env,
  });
  return startHostRuntime(cfg, DEFAULT_MARKET, log);
}

interface Health {
  role: string;
  epoch: number;
  lastSeq: number;
  checksum: string;
  replicatedSeq: number;
  replicas: number;
  unreplicatedAcks: number;
  discarded: number;
}

let n = 0;
async function trade(c: MatchingHostClient, count: number): Promise<number[]> {
  const seqs: number[] = [];
  for (let i = 0; i < count; i++) {
    n++;
    const side = n % 2 ? 'buy' : 'sell';
    const r = await call(c, 'PlaceOrder', {
      account: side === 'buy' ? 1 : 2,
      clientOrderId: `o${n}`,
      symbol: 'BTC-USD',
      side,
      type: 'limit',
      price: (42000 + (n % 5)).toFixed(2),
      quantity: '0.5',
    });
    // prices within the band: a refusal would leave the books (and their checksums) empty
    if (r.status === 'REJECTED') throw new Error(`order o${n} refused`);
    seqs.push(r.seq);
  }
  return seqs;
}

async function fund(c: MatchingHostClient): Promise<void> {
  await call(c, 'Deposit', { account: 1, asset: 'USD', amount: '1000000000', transferId: `f1-${n}` });
  await call(c, 'Deposit', { account: 2, asset: 'BTC', amount: '1000', transferId: `f2-${n}` });
}

describe('journal replication', () => {
  const east = tempDir();
  const west = tempDir();
  let primary: HostRuntime;
  let standby: HostRuntime;
  let pc: MatchingHostClient;
  let sc: MatchingHostClient;
  const health = (c: MatchingHostClient): Promise<Health> => call(c, 'Health', {});

  beforeAll(async () => {
    const [e, w] = [`127.0.0.1:${await freePort()}`, `127.0.0.1:${await freePort()}`];
    fixed.set(east, { address: e, peer: w });
    fixed.set(west, { address: w, peer: e });
  });
  afterAll(async () => {
    pc?.close();
    sc?.close();
    await standby?.stop({ snapshot: false }).catch(() => undefined);
    await primary?.stop({ snapshot: false }).catch(() => undefined);
  });

  it('a standby follows the primary; every acknowledged command is already on the standby', async () => {
    primary = await runtime(east);
    pc = connectTestHost(`127.0.0.1:${primary.grpcPort}`);
    await fund(pc);
    await trade(pc, 20);
    // started late: catches up from the primary's journal, then follows live
    standby = await runtime(west, { HOST_ROLE: 'standby', HOST_REPLICATE_FROM: `127.0.0.1:${primary.grpcPort}` });
    sc = connectTestHost(`127.0.0.1:${standby.grpcPort}`);
    await until(
      'the standby in sync',
      () => health(pc),
      (h) => h.replicas === 1,
    );
    const before = (await health(pc)).unreplicatedAcks;
    const seqs = await Promise.all([trade(pc, 30), trade(pc, 30)]);
    // synchronous: each ack came after the standby confirmed it, so the primary counted none unreplicated
    const p = await health(pc);
    expect(p.unreplicatedAcks).toBe(before);
    expect(p.replicatedSeq).toBeGreaterThanOrEqual(Math.max(...seqs.flat()));
    const s = await until(
      'standby at the primary',
      () => health(sc),
      (h) => h.lastSeq === p.lastSeq,
    );
    expect(s).toMatchObject({ role: 'standby', checksum: p.checksum, replicas: 1 });
    expect(await refusalOf(trade(sc, 1))).toMatchObject({ reason: 'FENCED' });
  });

  it('a restarted standby resumes from its own last seq', async () => {
    await standby.stop({ snapshot: false });
    sc.close();
    await trade(pc, 10);
    standby = await runtime(west, { HOST_ROLE: 'standby', HOST_REPLICATE_FROM: `127.0.0.1:${primary.grpcPort}` });
    sc = connectTestHost(`127.0.0.1:${standby.grpcPort}`);
    expect(standby.host.recovery.replayed).toBeGreaterThan(0);
    const p = await health(pc);
    const s = await until(
      'standby caught up',
      () => health(sc),
      (h) => h.lastSeq === p.lastSeq,
    );
    expect(s.checksum).toBe(p.checksum);
  });

  it('without a standby the primary goes on and counts what it acknowledged unreplicated', async () => {
    await standby.stop({ snapshot: false });
    sc.close();
    await until(
      'standby detached',
      () => health(pc),
      (h) => h.replicas === 0,
    );
    const before = (await health(pc)).unreplicatedAcks;
    await trade(pc, 5);
    expect((await health(pc)).unreplicatedAcks).toBe(before + 5);
  });

  it('failover: the standby is promoted at a higher epoch; the old primary rejoins, drops its diverged commands and follows', async () => {
    // the primary stops with 5 commands the standby never got (the previous test)
    const oldPrimary = await health(pc);
    await primary.stop({ snapshot: false });
    pc.close();
    standby = await runtime(west, { HOST_ROLE: 'standby' });
    sc = connectTestHost(`127.0.0.1:${standby.grpcPort}`);
    const before = await health(sc);
    expect(oldPrimary.lastSeq - before.lastSeq).toBe(5);
    await call(sc, 'Promote', { epoch: 2 });
    await trade(sc, 7);
    // the old primary comes back as it was configured (primary, epoch 1) and is fenced to follow
    primary = await runtime(east);
    pc = connectTestHost(`127.0.0.1:${primary.grpcPort}`);
    expect((await health(pc)).role).toBe('primary');
    await call(pc, 'Fence', { epoch: 2, replicateFrom: `127.0.0.1:${standby.grpcPort}` });
    const w = await health(sc);
    const e = await until(
      'old primary caught up',
      () => health(pc),
      (h) => h.lastSeq === w.lastSeq && h.checksum === w.checksum,
    );
    expect(e).toMatchObject({ role: 'standby', epoch: 2, discarded: 5 });
    expect(readdirSync(east).some((f) => f.startsWith('set-aside-'))).toBe(true);
    expect(await refusalOf(trade(pc, 1))).toMatchObject({ reason: 'FENCED' });

    // failback: fence the new primary, let the old one take everything, promote it, west follows
    await call(sc, 'Fence', { epoch: 3 });
    const fenced = await health(sc);
    await until(
      'east has all of west',
      () => health(pc),
      (h) => h.lastSeq === fenced.lastSeq,
    );
    await call(pc, 'Promote', { epoch: 3 });
    await call(sc, 'Fence', { epoch: 3, replicateFrom: `127.0.0.1:${primary.grpcPort}` });
    await until(
      'west follows east',
      () => health(pc),
      (h) => h.replicas === 1,
    );
    await trade(pc, 4);
    const p = await health(pc);
    const s = await until(
      'west at east',
      () => health(sc),
      (h) => h.lastSeq === p.lastSeq,
    );
    expect(s).toMatchObject({ role: 'standby', epoch: 3, checksum: p.checksum, discarded: 0 });
  });

  it('a restart keeps the role and epoch a host was last given', async () => {
    await standby.stop({ snapshot: false });
    sc.close();
    // configured as primary at epoch 1, but it was fenced at epoch 3
    standby = await runtime(west, { HOST_ROLE: 'primary', HOST_REPLICATE_FROM: `127.0.0.1:${primary.grpcPort}` });
    sc = connectTestHost(`127.0.0.1:${standby.grpcPort}`);
    expect(await health(sc)).toMatchObject({ role: 'standby', epoch: 3 });
  });

  it('a fence under load lets everything accepted before it reach the standby: the fenced last seq is one the standby holds', async () => {
    // east is primary at epoch 3 with west following (the test before restarted west)
    await until(
      'west following',
      () => health(pc),
      (h) => h.replicas === 1,
    );
    const before = (await health(pc)).unreplicatedAcks;
    const load = Promise.allSettled(Array.from({ length: 8 }, () => trade(pc, 40)));
    await new Promise((r) => setTimeout(r, 30));
    const fenced = await call(pc, 'Fence', { epoch: 4 });
    const results = await load;
    const acked = results.flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
    expect(results.some((r) => r.status === 'rejected')).toBe(true);
    expect(fenced.role).toBe('standby');
    expect(Math.max(...acked)).toBeLessThanOrEqual(fenced.lastSeq);
    const s = await until(
      "west holding the fenced primary's last seq",
      () => health(sc),
      (h) => h.lastSeq >= fenced.lastSeq,
    );
    expect(s.lastSeq).toBe(fenced.lastSeq);
    expect(s.checksum).toBe(fenced.checksum);
    expect((await health(pc)).unreplicatedAcks).toBe(before);
  });
});

describe('a standby far behind', () => {
  it('starts from a snapshot larger than a default gRPC message (4 MiB)', async () => {
    const dir = tempDir();
    const p = await runtime(dir, { HOST_SNAPSHOT_EVERY: '20000' });
    const c = connectTestHost(`127.0.0.1:${p.grpcPort}`);
    let s: HostRuntime | undefined;
    let sc2: MatchingHostClient | undefined;
    try {
      for (let a = 1; a <= 50; a++) await call(c, 'Deposit', { account: a, asset: 'USD', amount: '100000000', transferId: `big-${a}` });
      // resting orders that never cross: a big book, and a journal pruned behind two snapshots
      const place = (i: number): Promise<unknown> =>
        call(c, 'PlaceOrder', {
          account: 1 + (i % 50),
          clientOrderId: `rest-${i}`,
          symbol: 'BTC-USD',
          side: 'buy',
          type: 'limit',
          price: (38000 + (i % 5000) / 100).toFixed(2),
          quantity: '0.001',
        });
      for (let i = 0; i < 60_000; i += 500) await Promise.all(Array.from({ length: 500 }, (_, k) => place(i + k)));
      await call(c, 'Health', {});
      const snap = readdirSync(dir).filter((f) => f.startsWith('snapshot-'));
      expect(snap.length).toBeGreaterThan(0);
      expect(
        readdirSync(dir)
          .filter((f) => f.startsWith('journal-'))
          .sort()[0],
      ).not.toBe('journal-0000000000000001.log');
      s = await runtime(tempDir(), { HOST_ROLE: 'standby', HOST_REPLICATE_FROM: `127.0.0.1:${p.grpcPort}` });
      sc2 = connectTestHost(`127.0.0.1:${s.grpcPort}`);
      const ph = await call(c, 'Health', {});
      const sh = await until(
        'the standby restored from the snapshot',
        () => call(sc2 as MatchingHostClient, 'Health', {}),
        (h) => h.lastSeq === ph.lastSeq,
        30_000,
      );
      expect(sh.checksum).toBe(ph.checksum);
      expect(
        statSync(join(s.host.options.dataDir, readdirSync(s.host.options.dataDir).filter((f) => f.startsWith('snapshot-'))[0])).size,
      ).toBeGreaterThan(4 << 20);
    } finally {
      c.close();
      sc2?.close();
      await s?.stop({ snapshot: false });
      await p.stop({ snapshot: false });
    }
  }, 120_000);
});

describe('epochs on every command and batch', () => {
  it('a stale primary refuses a caller that knows a newer epoch (FENCED), so a client never trades on a host it knows is old', async () => {
    const p = await runtime(tempDir());
    const c = connectTestHost(`127.0.0.1:${p.grpcPort}`);
    try {
      const req = {
        account: 1,
        clientOrderId: 'stale-1',
        symbol: 'BTC-USD',
        side: 'buy',
        type: 'limit',
        price: '42000.00',
        quantity: '0.1',
      };
      expect(await refusalOf(call(c, 'PlaceOrder', req, 5_000, { epoch: 2 }))).toMatchObject({ reason: 'FENCED' });
      // the DR runbooks still reach it, whatever epoch they know
      expect((await call(c, 'Health', {}, 5_000, { epoch: 9 })).role).toBe('primary');
      // nothing was executed: the same id is a new order at the host's own epoch
      expect((await call(c, 'PlaceOrder', req, 5_000, { epoch: 1 })).duplicate).toBe(false);
    } finally {
      c.close();
      await p.stop({ snapshot: false });
    }
  });

  it('a follower refuses batches from a primary below its own epoch (a failed-over primary’s work counts for nothing)', async () => {
    const p = await runtime(tempDir());
    const c = connectTestHost(`127.0.0.1:${p.grpcPort}`);
    const s = await runtime(tempDir(), { HOST_ROLE: 'standby', HOST_EPOCH: '3', HOST_REPLICATE_FROM: `127.0.0.1:${p.grpcPort}` });
    try {
      await call(c, 'Deposit', { account: 1, asset: 'USD', amount: '1000', transferId: 'stale-batch-1' });
      const st = await until(
        'the follower refused the stream',
        () => Promise.resolve(s.dr.status()),
        (x) => (x.lastError ?? '').includes('below'),
        10_000,
      );
      expect(st.lastError).toContain('epoch 1, below');
      expect(s.host.lastSeq).toBe(0);
    } finally {
      c.close();
      await s.stop({ snapshot: false });
      await p.stop({ snapshot: false });
    }
  }, 30_000);

  it('an asynchronous follower (the DR replica) is never waited for, and its lag is reported', async () => {
    const p = await runtime(tempDir());
    const c = connectTestHost(`127.0.0.1:${p.grpcPort}`);
    const s = await runtime(tempDir(), { HOST_ROLE: 'standby', HOST_FOLLOW_MODE: 'async', HOST_REPLICATE_FROM: `127.0.0.1:${p.grpcPort}` });
    try {
      await until(
        'the follower attached',
        () => Promise.resolve(p.dr.status()),
        (x) => x.lagKnown,
        10_000,
      );
      await call(c, 'Deposit', { account: 1, asset: 'USD', amount: '1000', transferId: 'async-1' });
      const ph = p.dr.status();
      // no synchronous standby: the ack went out without one, and says so
      expect(ph.replicas).toBe(0);
      expect(ph.unreplicatedAcks).toBe(1);
      await until(
        'the follower caught up',
        () => Promise.resolve(s.host.lastSeq),
        (seq) => seq === p.host.lastSeq,
        10_000,
      );
      await until(
        'no lag',
        () => Promise.resolve(p.dr.status()),
        (x) => x.lagCommands === 0 && x.lagMs === 0,
        10_000,
      );
    } finally {
      c.close();
      await s.stop({ snapshot: false });
      await p.stop({ snapshot: false });
    }
  }, 30_000);
});
