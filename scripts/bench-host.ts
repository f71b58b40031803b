/**
 * Matching host benchmark: PlaceOrder over gRPC from this process to a host in a child process
 * (fsync on, journal on the temp disk), open-loop at fixed arrival rates; the same load against a
 * gRPC server whose handlers answer at once (the floor gRPC and this machine set) in the same run.
 * Then recovery: a journal of 1,000,000 commands replayed from scratch, and a host whose
 * 1,000,000-command history is covered by its periodic snapshots (what a restart really does).
 *
 *   npm run bench:host              2k, 5k, 10k orders/s
 *   npm run bench:host -- --quick   shorter runs, 200k-command recovery
 *   npm run bench:host -- --replicated [--quick]
 *       what RPO 0 costs: the same rates against a primary with a standby replicating
 *       synchronously (an ack waits for the standby's fsync too), and against a lone primary, in
 *       the same run; no recovery runs. Last line: {"replicated":[…],"alone":[…],"standby_caught_up":…}
 *
 * Last line: {"rates":[{"target":10000,"achieved":…,"p50_ms":…,"p99_ms":…,"p999_ms":…},…],
 *             "baseline":[…], "fsync":{…}, "recovery_1m_s":…, "replay_1m_s":…, …}
 * (recovery figures: median of three restarts, each in a fresh process; the runs are listed too)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call, connectHost } from '../matching-host/proto/host-client';
import { spawnHost, type HostProcess } from './local/host-process';
import { ENGINE_NODE_FLAGS } from '../matching-host/engine/node-flags';
import { H2GrpcClient } from './bench/h2-grpc-client';
import { openLoop, type LoadResult } from './bench/open-loop';
import { benchPlaceRequest } from './bench/recovery';
import { DEFAULT_SNAPSHOT_EVERY } from '../matching-host/server/config';
import { tlsFromDir } from '../matching-host/proto/host-tls';
import type { HostRole } from '../matching-host/proto/host-roles';
import { ensureHostCa } from './local/host-ca';

// the hosts serve mutual TLS only: the checkout's local CA (npm start's), made if missing
const TLS_DIR = ensureHostCa(process.env.HOST_TLS_DIR ?? join(__dirname, '..', '.data', 'host-ca'));
process.env.HOST_TLS_DIR = TLS_DIR;
const tlsAs = (role: HostRole): ReturnType<typeof tlsFromDir> => tlsFromDir(TLS_DIR, role);

const quick = process.argv.includes('--quick');
const RATES = [2000, 5000, 10000];
const SECONDS = quick ? 2 : 5;
const ACCOUNTS = 200;

const order =
  (offset: number) =>
  (i: number): Record<string, unknown> =>
    benchPlaceRequest(offset + i, 1 + ((offset + i) % ACCOUNTS));

async function drive(port: number, label: string): Promise<LoadResult[]> {
  const client = new H2GrpcClient(`127.0.0.1:${port}`, tlsAs('trading'));
  let offset = 0;
  // warm-up: JIT, connection, journal file; not reported
  await openLoop(client, 2000, quick ? 2000 : 6000, order(offset));
  offset += 1_000_000;
  const out: LoadResult[] = [];
  for (const rate of RATES) {
    const r = await openLoop(client, rate, rate * SECONDS, order(offset));
    offset += 1_000_000;
    process.stderr.write(
      `${label} ${rate}/s: achieved ${r.achieved}/s p50 ${r.p50_ms} ms p99 ${r.p99_ms} ms p99.9 ${r.p999_ms} ms max ${r.max_ms} ms errors ${r.errors}\n`,
    );
    out.push(r);
    await new Promise((res) => setTimeout(res, 500));
  }
  client.close();
  return out;
}

/** Approximate quantiles from a Prometheus histogram's cumulative buckets. */
function histogram(text: string, name: string): { count: number; p50_ms: number; p99_ms: number; mean: number } {
  const buckets: [number, number][] = [];
  let sum = 0;
  let count = 0;
  for (const line of text.split('\n')) {
    const b = new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} (\\d+)`).exec(line);
    if (b) buckets.push([b[1] === '+Inf' ? Infinity : Number(b[1]), Number(b[2])]);
    if (line.startsWith(`${name}_sum`)) sum = Number(line.split(' ')[1]);
    if (line.startsWith(`${name}_count`)) count = Number(line.split(' ')[1]);
  }
  const q = (p: number): number => (buckets.find(([, c]) => c >= p * count)?.[0] ?? NaN) * 1000;
  return { count, p50_ms: q(0.5), p99_ms: q(0.99), mean: count ? sum / count : 0 };
}

async function hostRun(
  replicated = false,
): Promise<{ rates: LoadResult[]; fsync: Record<string, number>; standby?: { caughtUp: boolean; unreplicatedAcks: number } }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-host-'));
  let host: HostProcess | undefined;
  let standby: HostProcess | undefined;
  const quiet = { KINESIS_STREAM: '', REDIS_URL: '', AMQP_URL: '', HOST_SNAPSHOT_INTERVAL_MS: '0' };
  try {
    host = await spawnHost({ HOST_DATA_DIR: join(dir, 'primary'), ...quiet });
    const client = connectHost(`127.0.0.1:${host.grpcPort}`, tlsAs('trading'));
    const funding = connectHost(`127.0.0.1:${host.grpcPort}`, tlsAs('accounts'));
    if (replicated) {
      standby = await spawnHost(
        { HOST_DATA_DIR: join(dir, 'standby'), HOST_ROLE: 'standby', HOST_REPLICATE_FROM: `127.0.0.1:${host.grpcPort}`, ...quiet },
        { name: 'standby' },
      );
      for (let i = 0; i < 200 && (await call(client, 'Health', {})).replicas < 1; i++) await new Promise((r) => setTimeout(r, 50));
    }
    for (let a = 1; a <= ACCOUNTS; a++) {
      await call(funding, 'Deposit', { account: a, asset: 'USD', amount: '1000000000', transferId: `u${a}` });
      await call(funding, 'Deposit', { account: a, asset: 'BTC', amount: '100000', transferId: `b${a}` });
    }
    const rates = await drive(host.grpcPort, 'host');
    const metrics = await (await fetch(`http://127.0.0.1:${host.metricsPort}/metrics`)).text();
    const fs = histogram(metrics, 'exchange_host_journal_fsync_seconds');
    const batch = histogram(metrics, 'exchange_host_journal_batch_records');
    let standbyState: { caughtUp: boolean; unreplicatedAcks: number } | undefined;
    if (standby) {
      const p = await call(client, 'Health', {});
      const sc = connectHost(`127.0.0.1:${standby.grpcPort}`, tlsAs('trading'));
      let sh = await call(sc, 'Health', {});
      for (let i = 0; i < 100 && sh.lastSeq < p.lastSeq; i++) {
        await new Promise((r) => setTimeout(r, 50));
        sh = await call(sc, 'Health', {});
      }
      sc.close();
      standbyState = { caughtUp: sh.lastSeq === p.lastSeq && sh.checksum === p.checksum, unreplicatedAcks: p.unreplicatedAcks };
      await standby.stop();
    }
    client.close();
    funding.close();
    await host.stop();
    return {
      standby: standbyState,
      rates,
      fsync: {
        group_commits: fs.count,
        fsync_p50_ms_le: fs.p50_ms,
        fsync_p99_ms_le: fs.p99_ms,
        fsync_mean_ms: +(fs.mean * 1000).toFixed(3),
        batch_mean_records: +batch.mean.toFixed(2),
      },
    };
  } finally {
    if (standby && standby.child.exitCode === null) await standby.kill();
    if (host && host.child.exitCode === null) await host.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Synchronous replication against a lone primary, same rates, same run. */
async function replicationRun(): Promise<void> {
  const alone = await hostRun(false);
  const replicated = await hostRun(true);
  const row = (r: LoadResult): Record<string, number> => ({
    target: r.target,
    achieved: r.achieved,
    p50_ms: r.p50_ms,
    p99_ms: r.p99_ms,
    p999_ms: r.p999_ms,
    errors: r.errors,
  });
  console.log(
    JSON.stringify({
      replicated: replicated.rates.map((r, i) => ({
        ...row(r),
        p50_over_alone: +(r.p50_ms / alone.rates[i].p50_ms).toFixed(2),
        achieved_over_alone: +(r.achieved / alone.rates[i].achieved).toFixed(2),
      })),
      alone: alone.rates.map(row),
      standby_caught_up: replicated.standby?.caughtUp ?? false,
      unreplicated_acks: replicated.standby?.unreplicatedAcks ?? null,
      fsync_replicated: replicated.fsync,
      fsync_alone: alone.fsync,
    }),
  );
}

async function baselineRun(): Promise<LoadResult[]> {
  const noop = await spawnHost({}, { script: join(__dirname, 'bench', 'noop-host.ts') });
  try {
    return await drive(noop.grpcPort, 'grpc-noop');
  } finally {
    await noop.kill();
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const seconds = (ms: number): number => +(ms / 1000).toFixed(3);

/** Each recovery runs RESTARTS times in a fresh process (the VM's spread between runs is wide): median, min, max. */
const RESTARTS = 3;

function recovery(commands: number): {
  replay_s: number;
  snapshotted_s: number;
  replay_runs_s: number[];
  snapshotted_runs_s: number[];
  snapshot_seq: number;
} {
  const dir = mkdtempSync(join(tmpdir(), 'bench-recovery-'));
  const helper = join(__dirname, 'bench', 'recovery.ts');
  const run = (...args: string[]): string => {
    const r = spawnSync(process.execPath, [...ENGINE_NODE_FLAGS, '--import', 'tsx', helper, ...args], {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    });
    if (r.status !== 0) throw new Error(`recovery helper failed: ${r.stderr}`);
    return r.stdout.trim().split('\n').pop() as string;
  };
  type Report = { ms: number; replayed: number; checksum: string; snapshotSeq: number };
  const restarts = (): Report[] => Array.from({ length: RESTARTS }, () => JSON.parse(run('open', dir)) as Report);
  try {
    const made = JSON.parse(run('make', dir, String(commands))) as { commands: number; restingOrders: number };
    // journal only: every command replayed
    const replay = restarts();
    // the same history with the host's periodic snapshots, in the worst case: the newest one
    // is a whole interval old when the host stops (DEFAULT_SNAPSHOT_EVERY - 1 commands after it)
    const snap = JSON.parse(run('snapshot', dir, String(commands - DEFAULT_SNAPSHOT_EVERY + 1))) as { seq: number };
    const restart = restarts();
    for (const r of [...replay, ...restart])
      if (r.checksum !== replay[0].checksum) throw new Error('recoveries disagree on the book checksum');
    const replayMs = replay.map((r) => r.ms);
    const restartMs = restart.map((r) => r.ms);
    const range = (ms: number[]): string =>
      `median ${(median(ms) / 1000).toFixed(2)} s (${ms.map((m) => (m / 1000).toFixed(2)).join(', ')})`;
    process.stderr.write(
      `recovery: ${made.commands} commands (${made.restingOrders} resting at the end), ${RESTARTS} restarts each: full replay ${range(replayMs)}; ` +
        `with the snapshot at seq ${snap.seq}: ${range(restartMs)}, ${restart[0].replayed} replayed\n`,
    );
    return {
      replay_s: seconds(median(replayMs)),
      snapshotted_s: seconds(median(restartMs)),
      replay_runs_s: replayMs.map(seconds),
      snapshotted_runs_s: restartMs.map(seconds),
      snapshot_seq: restart[0].snapshotSeq,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (process.argv.includes('--replicated')) return replicationRun();
  const host = await hostRun();
  const baseline = await baselineRun();
  const rec = recovery(quick ? 200_000 : 1_000_000);
  const rates = host.rates.map((r, i) => ({
    ...r,
    baseline_p99_ms: baseline[i].p99_ms,
    p99_over_baseline: +(r.p99_ms / baseline[i].p99_ms).toFixed(2),
  }));
  console.log(
    JSON.stringify({
      rates: rates.map(({ target, achieved, p50_ms, p99_ms, p999_ms, max_ms, errors, baseline_p99_ms, p99_over_baseline }) => ({
        target,
        achieved,
        p50_ms,
        p99_ms,
        p999_ms,
        max_ms,
        errors,
        baseline_p99_ms,
        p99_over_baseline,
      })),
      baseline: baseline.map(({ target, achieved, p50_ms, p99_ms, p999_ms }) => ({ target, achieved, p50_ms, p99_ms, p999_ms })),
      fsync: host.fsync,
      recovery_1m_s: rec.snapshotted_s,
      replay_1m_s: rec.replay_s,
      recovery_runs_s: rec.snapshotted_runs_s,
      replay_runs_s: rec.replay_runs_s,
      commands: quick ? 200_000 : 1_000_000,
    }),
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:host failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
