/** Drive one engine over a stream, timing it the same way for ours and the peer. */
import { OrderBook, SelfTradePreventionMode, Side as PeerSide } from 'nodejs-order-book';
import { MatchingCore } from '../../matching-host/engine/engine';
import * as T from '../../matching-host/engine/types';
import { ACCOUNTS, BENCH_SYMBOL, Op as OpImport, type Stream } from './streams';

// local copies: imported bindings are getters under CommonJS
const { OrderType, Side, Stp, TimeInForce } = T;
const Op = OpImport;

export interface RunResult {
  opsPerSec: number;
  /** p99 of single-command latency, sampled on 1 command in 64 */
  p99Ns: number;
  /** longest wall time of a block of 64 consecutive commands */
  worstWindowMs: number;
  restingOrders: number;
  restingQty: number;
  bidLevels: number;
  askLevels: number;
  events: number;
}

const WINDOW = 64;

/**
 * Run `exec` for every command. Every 64th command is timed on its own, and the time of each
 * 64-command block is recorded: the first shows per-command tail latency, the second GC pauses.
 */
function timeLoop(n: number, exec: (i: number) => void): { opsPerSec: number; p99Ns: number; worstWindowMs: number } {
  const samples = new Float64Array(Math.ceil(n / WINDOW));
  let sampleCount = 0;
  let worst = 0;
  const start = performance.now();
  let blockStart = start;
  for (let i = 0; i < n; i++) {
    if ((i & (WINDOW - 1)) === 0) {
      const t0 = performance.now();
      const block = t0 - blockStart;
      if (block > worst) worst = block;
      blockStart = t0;
      exec(i);
      samples[sampleCount++] = performance.now() - t0;
    } else exec(i);
  }
  const end = performance.now();
  if (end - blockStart > worst) worst = end - blockStart;
  const sorted = samples.subarray(0, sampleCount).sort();
  return {
    opsPerSec: n / ((end - start) / 1000),
    p99Ns: sorted[Math.min(sampleCount - 1, Math.floor(sampleCount * 0.99))] * 1e6,
    worstWindowMs: worst,
  };
}

/** Order capacity provisioned for a stream: its peak resting orders with 25 % headroom. */
export function provisionedCapacity(s: Stream): number {
  return Math.max(1024, Math.ceil(s.peakLive * 1.25));
}

export function runOurs(s: Stream): RunResult {
  const core = new MatchingCore({ symbols: [BENCH_SYMBOL], orderCapacity: provisionedCapacity(s) });
  const { op, side, price, qty, id, account } = s;
  let events = 0;
  const timing = timeLoop(s.n, (i) => {
    const seq = i + 1;
    const o = op[i];
    if (o === Op.LIMIT)
      core.place(seq, seq, 0, id[i], account[i], side[i], OrderType.LIMIT, TimeInForce.GTC, price[i], qty[i], 0, Stp.CANCEL_NEWEST, 0);
    else if (o === Op.CANCEL) core.cancel(seq, seq, id[i], account[i]);
    else core.place(seq, seq, 0, id[i], account[i], side[i], OrderType.MARKET, TimeInForce.IOC, 0, qty[i], 0, Stp.CANCEL_NEWEST, 0);
    events += core.events.length;
  });
  const b = core.books[0];
  let restingQty = 0;
  let bidLevels = 0;
  let askLevels = 0;
  for (let t = b.bestBid; t >= 0; t = b.nextBidBelow(t)) {
    restingQty += b.levelQty(t);
    bidLevels++;
  }
  for (let t = b.bestAsk; t < b.ticks; t = b.nextAskAbove(t)) {
    restingQty += b.levelQty(t);
    askLevels++;
  }
  return { ...timing, restingOrders: core.store.live, restingQty, bidLevels, askLevels, events };
}

export function runPeer(s: Stream): RunResult {
  const ob = new OrderBook();
  const { op, side, price, qty, id, account } = s;
  // String ids and account names are prepared outside the timed loop: the peer's API needs them.
  const ids: string[] = new Array<string>(s.n);
  for (let i = 0; i < s.n; i++) ids[i] = String(id[i]);
  const accounts: string[] = [];
  for (let a = 0; a <= ACCOUNTS; a++) accounts.push(`acct-${a}`);
  let results = 0;
  const timing = timeLoop(s.n, (i) => {
    const o = op[i];
    const sd = side[i] === Side.BUY ? PeerSide.BUY : PeerSide.SELL;
    if (o === Op.LIMIT) {
      const r = ob.limit({
        side: sd,
        id: ids[i],
        size: qty[i],
        price: price[i],
        accountId: accounts[account[i]],
        stpMode: SelfTradePreventionMode.EXPIRE_TAKER,
      });
      results += r.done.length;
    } else if (o === Op.CANCEL) {
      if (ob.cancel(ids[i]) !== undefined) results++;
    } else {
      const r = ob.market({ side: sd, size: qty[i], accountId: accounts[account[i]], stpMode: SelfTradePreventionMode.EXPIRE_TAKER });
      results += r.done.length;
    }
  });
  const [asks, bids] = ob.depth();
  let restingQty = 0;
  for (const [, size] of asks) restingQty += size;
  for (const [, size] of bids) restingQty += size;
  return { ...timing, restingOrders: -1, restingQty, bidLevels: bids.length, askLevels: asks.length, events: results };
}
