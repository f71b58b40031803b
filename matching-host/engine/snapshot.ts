import { BinaryReader, BinaryWriter } from './binary-codec';
import type { Book } from './book';
import { MatchingCore } from './matching-core';
import { flagPostOnly, flagStp, flagTif } from './order-store';
import type { SymbolSpec } from './types';

const MAGIC = 'MEX-SNAP';
const VERSION = 2;

/** Slots of a book's resting orders in priority order: bids best first, then asks best first. */
function slotsInPriority(core: MatchingCore, b: Book): { bids: Int32Array; asks: Int32Array; bidLevels: number; askLevels: number } {
  const st = core.store;
  const collect = (first: number, isBid: boolean): { slots: Int32Array; levels: number } => {
    const out: number[] = [];
    let levels = 0;
    for (let t = first; isBid ? t >= 0 : t < b.ticks; t = isBid ? b.nextBidBelow(t) : b.nextAskAbove(t)) {
      levels++;
      for (let s = b.levelHead(t); s !== -1; s = st.next(s)) out.push(s);
    }
    return { slots: Int32Array.from(out), levels };
  };
  const bids = collect(b.bestBid, true);
  const asks = collect(b.bestAsk, false);
  return { bids: bids.slots, asks: asks.slots, bidLevels: bids.levels, askLevels: asks.levels };
}

/**
 * Serialize the engine: symbol specs, each book's state and resting orders in priority order
 * (so restore rebuilds identical queues), armed dead-man switches, and the last sequence/time.
 * Prices are delta-coded ticks and amounts varints: a resting order takes ~25 bytes.
 *
 * Layout: magic, version, lastSeq, lastTime, total orders, specs…, then per book: sequence,
 * lastPrice, halted, and per side: order count, then per order: tick delta, id, account, flags,
 * quantity, leaves, time, expire, entry sequence; then dead-man deadlines.
 */
export function snapshot(core: MatchingCore): Uint8Array {
  const w = new BinaryWriter();
  const st = core.store;
  w.string(MAGIC);
  w.uint(VERSION);
  w.uint(core.lastSeq);
  w.f64(core.lastTime);
  w.uint(st.live);
  w.uint(core.books.length);
  for (const b of core.books) w.string(JSON.stringify(b.spec));
  for (const b of core.books) {
    w.uint(b.sequence);
    w.uint(b.lastPrice);
    w.uint(b.halted ? 1 : 0);
    const { bids, asks } = slotsInPriority(core, b);
    for (const slots of [bids, asks]) {
      w.uint(slots.length);
      let prevTick = 0;
      for (let k = 0; k < slots.length; k++) {
        const s = slots[k];
        const tick = st.tick(s);
        w.int(tick - prevTick);
        prevTick = tick;
        const flags = st.flags(s);
        w.uint(st.id(s));
        w.uint(st.account(s));
        w.uint(flagTif(flags) | (flagPostOnly(flags) << 2) | (flagStp(flags) << 3));
        w.uint(st.quantity(s));
        w.uint(st.leaves(s));
        w.f64(st.time(s));
        w.f64(st.expire(s));
        w.uint(st.entry(s));
      }
    }
  }
  // by account id, so the bytes depend only on the state, not on the order accounts appeared in
  const armed: number[] = [];
  for (let ai = 0; ai < core.accountCount; ai++) if (core.accountDeadline[ai] !== 0) armed.push(ai);
  armed.sort((x, y) => core.accountIds[x] - core.accountIds[y]);
  w.uint(armed.length);
  for (const ai of armed) {
    w.uint(core.accountIds[ai]);
    w.f64(core.accountDeadline[ai]);
  }
  return w.finish();
}

/** Rebuild an engine from `snapshot()` output. Throws on a malformed or foreign buffer. */
export function restore(bytes: Uint8Array, options: { orderCapacity?: number } = {}): MatchingCore {
  const r = new BinaryReader(bytes);
  if (r.string() !== MAGIC) throw new Error('not an engine snapshot');
  const version = r.uint();
  if (version !== VERSION) throw new Error(`unsupported snapshot version ${version}`);
  const lastSeq = r.uint();
  const lastTime = r.f64();
  const total = r.uint();
  const nBooks = r.uint();
  const specs: SymbolSpec[] = [];
  for (let i = 0; i < nBooks; i++) specs.push(JSON.parse(r.string()) as SymbolSpec);
  const core = new MatchingCore({ symbols: specs, orderCapacity: Math.max(options.orderCapacity ?? 0, total + 1024) });
  for (let i = 0; i < nBooks; i++) {
    const sequence = r.uint();
    const lastPrice = r.uint();
    const halted = r.uint() === 1;
    for (let side = 0; side < 2; side++) {
      const n = r.uint();
      let tick = 0;
      for (let k = 0; k < n; k++) {
        tick += r.int();
        const id = r.uint();
        const account = r.uint();
        const flags = r.uint();
        const quantity = r.uint();
        const leaves = r.uint();
        const time = r.f64();
        const expire = r.f64();
        const entry = r.uint();
        const tif = flags & 3;
        const valid =
          tick >= 0 &&
          tick < core.books[i].ticks &&
          id >= 1 &&
          leaves >= 1 &&
          leaves <= quantity &&
          account >= 1 &&
          account <= 2 ** 31 - 1 &&
          flags < 1 << 5 &&
          flags >> 3 !== 3 &&
          (tif === 0 || tif === 3) &&
          (tif === 3) === expire > 0 &&
          core.orderIndex.get(id) === -1;
        if (!valid) throw new Error(`snapshot holds an invalid order (id ${id})`);
        core.restoreOrder(i, id, account, side, flags & 3, (flags >> 2) & 1, (flags >> 3) & 3, tick, quantity, leaves, time, expire, entry);
      }
    }
    const b = core.books[i];
    if (b.bestBid >= b.bestAsk) throw new Error(`snapshot holds a crossed book for ${b.spec.symbol}`);
    b.sequence = sequence;
    b.lastPrice = lastPrice;
    b.halted = halted;
  }
  const armed = r.uint();
  for (let k = 0; k < armed; k++) core.restoreDeadline(r.uint(), r.f64());
  core.lastSeq = lastSeq;
  core.lastTime = lastTime;
  if (!r.done) throw new Error('trailing bytes after snapshot');
  return core;
}
