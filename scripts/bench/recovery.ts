/**
 * Recovery benchmark helpers, run as child processes by bench-host:
 *   make <dir> <n>   write a journal of n commands (deposits, then limit orders with some cancels)
 *   snapshot <dir> <seq>  write the snapshot the host would have taken after command <seq>
 *   open <dir>       recover a host from <dir> and print its recovery report as JSON
 */
import { closeSync, mkdirSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { HostCore, stateChunksInSlices } from '../../matching-host/server/core/host-core';
import type { HostCommand } from '../../matching-host/server/core/types';
import { MatchingHost } from '../../matching-host/server/host';
import { encodeRecord, listSegments, scanSegment, segmentName } from '../../matching-host/server/durability/journal';
import { encodeSnapshotChunks, writeSnapshotAsync } from '../../matching-host/server/durability/snapshot-store';
import { DEFAULT_MARKET } from '../../matching-host/proto/market-config';

const ACCOUNTS = 200;

export function benchOrder(i: number, account: number): Omit<Extract<HostCommand, { type: 'place' }>, 'seq' | 'time'> {
  // prices within ±10 ticks of the mid, so about half the orders cross and the book stays bounded
  const offset = ((i * 7919) % 21) - 10;
  const side = (i >> 1) % 2 === 0 ? 'buy' : 'sell';
  return {
    type: 'place',
    account,
    clientOrderId: `o${i}`,
    symbol: 'BTC-USD',
    side,
    orderType: 'limit',
    timeInForce: 'GTC',
    price: 4_200_000 + offset * 50,
    quantity: 10,
    postOnly: false,
    stp: 'cancel_newest',
    expireTime: 0,
  };
}

/** benchOrder as the gRPC PlaceOrder request carries it (decimal strings) */
export function benchPlaceRequest(i: number, account: number): Record<string, unknown> {
  const o = benchOrder(i, account);
  return {
    account: o.account,
    clientOrderId: o.clientOrderId,
    symbol: o.symbol,
    side: o.side,
    type: 'limit',
    timeInForce: 'GTC',
    price: (o.price / 100).toFixed(2),
    quantity: (o.quantity / 10_000).toFixed(4),
  };
}

function make(dir: string, n: number): void {
  mkdirSync(dir, { recursive: true });
  const core = new HostCore(DEFAULT_MARKET);
  const fd = openSync(join(dir, segmentName(1)), 'w');
  let chunk: Buffer[] = [];
  let bytes = 0;
  const write = (cmd: HostCommand): void => {
    core.execute(cmd, { publish: false });
    const rec = encodeRecord(cmd);
    chunk.push(rec);
    bytes += rec.length;
    if (bytes > 1 << 22) {
      writeSync(fd, Buffer.concat(chunk));
      chunk = [];
      bytes = 0;
    }
  };
  let seq = 0;
  const time = 1_700_000_000_000;
  for (let a = 1; a <= ACCOUNTS && seq < n; a++) {
    write({ type: 'deposit', account: a, asset: 'USD', amount: '1000000000000000', transferId: `u${a}`, seq: ++seq, time });
    write({ type: 'deposit', account: a, asset: 'BTC', amount: '100000000000', transferId: `b${a}`, seq: ++seq, time });
  }
  const open: number[] = [];
  for (let i = 0; seq < n; i++) {
    if (i % 3 === 2 && open.length > 0) {
      const orderId = open.splice((i * 31) % open.length, 1)[0];
      const o = core.engine.getOrder(orderId);
      write({ type: 'cancel', account: o ? o.account : 1, orderId, seq: ++seq, time: time + seq });
    } else {
      write({ ...benchOrder(i, 1 + (i % ACCOUNTS)), seq: ++seq, time: time + seq });
      if (core.engine.getOrder(core.nextOrderId - 1)) open.push(core.nextOrderId - 1);
    }
  }
  writeSync(fd, Buffer.concat(chunk));
  closeSync(fd);
  process.stdout.write(`${JSON.stringify({ commands: seq, restingOrders: open.length, checksum: core.engine.checksum() })}\n`);
}

/** As the host does at a snapshot: write it, and start a new journal segment after it. */
async function snapshotAt(dir: string, seq: number): Promise<void> {
  const core = new HostCore(DEFAULT_MARKET);
  const before: Buffer[] = [];
  const after: Buffer[] = [];
  for (const seg of listSegments(dir)) {
    scanSegment(seg.file, (rec) => {
      if (rec.seq <= seq) {
        core.execute(rec, { publish: false });
        before.push(encodeRecord(rec));
      } else after.push(encodeRecord(rec));
    });
    rmSync(seg.file);
  }
  writeFileSync(join(dir, segmentName(1)), Buffer.concat(before));
  if (after.length > 0) writeFileSync(join(dir, segmentName(seq + 1)), Buffer.concat(after));
  await writeSnapshotAsync(dir, core.lastSeq, encodeSnapshotChunks(core.engine.snapshot(), await stateChunksInSlices(core.captureState())));
  process.stdout.write(`${JSON.stringify({ seq: core.lastSeq })}\n`);
}

async function recover(dir: string): Promise<void> {
  const host = MatchingHost.open({ dataDir: dir, market: DEFAULT_MARKET });
  process.stdout.write(`${JSON.stringify(host.recovery)}\n`);
  await host.close();
}

if (require.main === module) {
  const [mode, dir, n] = process.argv.slice(2);
  if (mode === 'make') make(dir, Number(n));
  else if (mode === 'snapshot') void snapshotAt(dir, Number(n));
  else if (mode === 'open') void recover(dir);
  else {
    process.stderr.write('usage: recovery.ts make <dir> <n> | snapshot <dir> <seq> | open <dir>\n');
    process.exit(2);
  }
}
