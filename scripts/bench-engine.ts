/**
 * Engine benchmark: our matching engine vs the `nodejs-order-book` npm package on the same seeded
 * command streams, each engine in its own child process (fresh heap, no GC interference).
 *
 *   npm run bench:engine              two 1,000,000-command streams
 *   npm run bench:engine -- --quick   100,000 commands each
 *
 * Each engine first runs the first 100 000 commands five times on throwaway instances (JIT
 * warm-up), then the whole stream on a fresh one; this is done in three separate processes per
 * engine: throughput and p99 are the medians of the three, the worst window the worst of all. Our engine is provisioned for the stream's peak resting orders.
 *
 * Last line of output is JSON: {"uniform":{ours_ops_s,peer_ops_s,ratio,p99_ns,worst_window_ms,…},"deep":{…}}
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateStream, prefix, readStream, STREAM_KINDS, writeStream, type StreamKind } from './bench/streams';
import { runOurs, runPeer, type RunResult } from './bench/runners';
import { ENGINE_NODE_FLAGS } from '../matching-host/engine/node-flags';

interface Row {
  ours_ops_s: number;
  peer_ops_s: number;
  ratio: number;
  p99_ns: number;
  worst_window_ms: number;
  peer_p99_ns: number;
  peer_worst_window_ms: number;
  commands: number;
  resting_orders_end: number;
  books_agree: boolean;
}

/**
 * Before measuring, each engine runs the first 100 000 commands five times on throwaway
 * instances, so both are measured with optimized code. The warm-up instances are small and left
 * to the collector as usual: forcing a full GC here would also flush the optimized code.
 */
const WARMUP = 100_000;
const WARMUP_ROUNDS = 5;
/**
 * Measured runs per engine, each in a fresh process (so no run collects another's garbage):
 * throughput and p99 are their medians.
 */
const MEASURED_RUNS = 3;

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Median throughput and p99 over the runs; the worst window is the worst of all runs. */
function summarize(runs: RunResult[]): RunResult {
  const mid = runs.find((r) => r.opsPerSec === median(runs.map((x) => x.opsPerSec))) as RunResult;
  return {
    ...mid,
    p99Ns: median(runs.map((r) => r.p99Ns)),
    worstWindowMs: Math.max(...runs.map((r) => r.worstWindowMs)),
  };
}

function child(engine: string, file: string): void {
  const stream = readStream(file);
  const run = engine === 'ours' ? runOurs : runPeer;
  for (let k = 0; k < WARMUP_ROUNDS; k++) run(prefix(stream, WARMUP));
  process.stdout.write(`${JSON.stringify(run(stream))}\n`);
}

/**
 * Each engine runs under its best-known node flags: ours under the flags the matching host uses,
 * the peer under node's defaults (our flags make it slower and noisier: 0.49–0.62 M vs 0.60 M).
 */
const NODE_FLAGS = { ours: ENGINE_NODE_FLAGS, peer: [] as readonly string[] };

function runChild(engine: 'ours' | 'peer', file: string): RunResult {
  const out = spawnSync(process.execPath, [...NODE_FLAGS[engine], ...process.execArgv, __filename, '--child', engine, file], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (out.status !== 0) throw new Error(`${engine} run failed: ${out.stderr}`);
  const last = out.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as RunResult;
}

function main(): void {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return child(args[1], args[2]);
  const quick = args.includes('--quick');
  const seedArg = args.indexOf('--seed');
  const seed = seedArg >= 0 ? Number(args[seedArg + 1]) : 20261125;
  const n = quick ? 100_000 : 1_000_000;
  const dir = mkdtempSync(join(tmpdir(), 'bench-engine-'));
  const rows: Partial<Record<StreamKind, Row>> = {};
  try {
    for (const kind of STREAM_KINDS) {
      const t0 = performance.now();
      const stream = generateStream(kind, n, seed);
      const file = join(dir, `${kind}.bin`);
      writeFileSync(file, writeStream(stream));
      process.stderr.write(`${kind}: generated ${n} commands in ${(performance.now() - t0).toFixed(0)} ms\n`);
      const ours = summarize(Array.from({ length: MEASURED_RUNS }, () => runChild('ours', file)));
      process.stderr.write(`${kind}: ours ${Math.round(ours.opsPerSec).toLocaleString()} ops/s\n`);
      const peer = summarize(Array.from({ length: MEASURED_RUNS }, () => runChild('peer', file)));
      process.stderr.write(`${kind}: peer ${Math.round(peer.opsPerSec).toLocaleString()} ops/s\n`);
      rows[kind] = {
        ours_ops_s: Math.round(ours.opsPerSec),
        peer_ops_s: Math.round(peer.opsPerSec),
        ratio: Number((ours.opsPerSec / peer.opsPerSec).toFixed(2)),
        p99_ns: Math.round(ours.p99Ns),
        worst_window_ms: Number(ours.worstWindowMs.toFixed(3)),
        peer_p99_ns: Math.round(peer.p99Ns),
        peer_worst_window_ms: Number(peer.worstWindowMs.toFixed(3)),
        commands: n,
        resting_orders_end: ours.restingOrders,
        books_agree: ours.restingQty === peer.restingQty && ours.bidLevels === peer.bidLevels && ours.askLevels === peer.askLevels,
      };
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const table = STREAM_KINDS.map((k) => {
    const r = rows[k] as Row;
    return {
      stream: k,
      'ours ops/s': r.ours_ops_s.toLocaleString(),
      'peer ops/s': r.peer_ops_s.toLocaleString(),
      ratio: `${r.ratio}×`,
      'ours p99 ns': r.p99_ns,
      'peer p99 ns': r.peer_p99_ns,
      'ours worst 64 ms': r.worst_window_ms,
      'peer worst 64 ms': r.peer_worst_window_ms,
      'resting at end': r.resting_orders_end,
      'books agree': r.books_agree,
    };
  });
  console.table(table);
  console.log(JSON.stringify(rows));
}

main();
