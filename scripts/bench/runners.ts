/** Drive one engine over a stream, timing it the same way for ours and the peer. */
import { OrderBook, SelfTradePreventionMode, Side as PeerSide } from 'nodejs-order-book';
import { MatchingCore } from '../../matching-host/engine/matching-core';
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
 * Times a run: every 64th command is timed on its own (per-command tail latency) and the time of
 * each 64-command block is recorded (GC pauses show there). Each runner inlines its own loop
 * around it rather than passing a callback, so the loop is one monomorphic function that V8
 * optimizes the same way in every process, for both engines alike.
 */
class Timing {
  private readonly samples: Float64Array;
  private sampleCount = 0;
  private worst = 0;
  private readonly start = performance.now();
  private blockStart = this.start;
  private t0 = 0;

  constructor(private readonly n: number) {
    this.samples = new Float64Array(Math.ceil(n / WINDOW));
  }

  /** true when command i is to be timed on its own: call before and after it */
  static sampled(i: number): boolean {
    return (i & (WINDOW - 1)) === 0;
  }

  before(): void {
    const t0 = performance.now();
    const block = t0 - this.blockStart;
    if (block > this.worst) this.worst = block;
    this.blockStart = t0;
    this.t0 = t0;
  }

  after(): void {
    this.samples[this.sampleCount++] = performance.now() - this.t0;
  }

  finish(): { opsPerSec: number; p99Ns: number; worstWindowMs: number } {
    const end = performance.now();
    const worst = Math.max(this.worst, end - this.blockStart);
    const count = this.sampleCount;
    const sorted = this.samples.subarray(0, count).sort();
    return {
      opsPerSec: this.n / ((end - this.start) / 1000),
      p99Ns: sorted[Math.min(count - 1, Math.floor(count * 0.99))] * 1e6,
      worstWindowMs: worst,
    };
  }
}

/** Order capacity provisioned for a stream: its peak resting orders with 25 % headroom. */
export function provisionedCapacity(s: Stream): number {
  return Math.max(1024, Math.ceil(s.peakLive * 1.25));
}

/**
 * The measured loops live in functions of their own that return as soon as the stream is done,
 * so the set-up and book inspection around them never deoptimize the loop's code between runs.
 */
function oursLoop(core: MatchingCore, s: Stream): { timing: ReturnType<Timing['finish']>; events: number } {
  const { op, side, price, qty, id, account } = s;
  let events = 0;
  const timer = new Timing(s.n);
  for (let i = 0; i < s.n; i++) {
    const sampled = Timing.sampled(i);
    if (sampled) timer.before();
    const seq = i + 1;
    const o = op[i];
    if (o === Op.LIMIT)
      core.place(seq, seq, 0, id[i], account[i], side[i], OrderType.LIMIT, TimeInForce.GTC, price[i], qty[i], 0, Stp.CANCEL_NEWEST, 0);
    else if (o === Op.CANCEL) core.cancel(seq, seq, id[i], account[i]);
    else core.place(seq, seq, 0, id[i], account[i], side[i], OrderType.MARKET, TimeInForce.IOC, 0, qty[i], 0, Stp.CANCEL_NEWEST, 0);
    events += core.events.length;
    if (sampled) timer.after();
  }
  return { timing: timer.finish(), events };
}

export function runOurs(s: Stream): RunResult {
  const core = new MatchingCore({ symbols: [BENCH_SYMBOL], orderCapacity: provisionedCapacity(s) });
  const { timing, events } = oursLoop(core, s);
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

function peerLoop(
  ob: OrderBook,
  s: Stream,
  ids: readonly string[],
  accounts: readonly string[],
): { timing: ReturnType<Timing['finish']>; results: number } {
  const { op, side, price, qty, account } = s;
  let results = 0;
  const timer = new Timing(s.n);
  for (let i = 0; i < s.n; i++) {
    const sampled = Timing.sampled(i);
    if (sampled) timer.before();
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
    if (sampled) timer.after();
  }
  return { timing: timer.finish(), results };
}

export function runPeer(s: Stream): RunResult {
  const ob = new OrderBook();
  // String ids and account names are prepared outside the timed loop: the peer's API needs them.
  const ids: string[] = new Array<string>(s.n);
  for (let i = 0; i < s.n; i++) ids[i] = String(s.id[i]);
  const accounts: string[] = [];
  for (let a = 0; a <= ACCOUNTS; a++) accounts.push(`acct-${a}`);
  const { timing, results } = peerLoop(ob, s, ids, accounts);
  const [asks, bids] = ob.depth();
  let restingQty = 0;
  for (const [, size] of asks) restingQty += size;
  for (const [, size] of bids) restingQty += size;
  return { ...timing, restingOrders: -1, restingQty, bidLevels: bids.length, askLevels: asks.length, events: results };
}
