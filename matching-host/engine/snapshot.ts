import { BinaryReader, BinaryWriter } from './binary-codec';
import { MatchingCore } from './engine';
import { flagPostOnly, flagStp, flagTif } from './order-store';
import type { SymbolSpec } from './types';

const MAGIC = 'MEX-SNAP';
const VERSION = 1;

/**
 * Serialize the engine: symbol specs and state, every resting order in priority order (so restore
 * rebuilds identical queues), armed dead-man switches, and the last sequence/time.
 * Prices are delta-coded tick indices and amounts are varints, so a resting order takes ~20 bytes.
 */
export function snapshot(core: MatchingCore): Uint8Array {
  const w = new BinaryWriter();
  const st = core.store;
  w.string(MAGIC);
  w.uint(VERSION);
  w.uint(core.lastSeq);
  w.f64(core.lastTime);
  w.uint(core.books.length);
  for (const b of core.books) {
    w.string(JSON.stringify(b.spec));
    w.uint(b.sequence);
    w.uint(b.lastPrice);
    w.uint(b.halted ? 1 : 0);
    const writeSide = (first: number, step: (t: number) => number, valid: (t: number) => boolean): void => {
      let levels = 0;
      for (let t = first; valid(t); t = step(t)) levels++;
      w.uint(levels);
      let prevTick = 0;
      for (let t = first; valid(t); t = step(t)) {
        w.int(t - prevTick);
        prevTick = t;
        w.uint(b.levelCount(t));
        for (let s = b.levelHead(t); s !== -1; s = st.next(s)) {
          w.uint(st.id(s));
          w.uint(st.account(s));
          const flags = st.flags(s);
          w.uint(flagTif(flags) | (flagPostOnly(flags) << 2) | (flagStp(flags) << 3));
          w.uint(st.quantity(s));
          w.uint(st.leaves(s));
          w.f64(st.time(s));
          w.f64(st.expire(s));
        }
      }
    };
    writeSide(b.bestBid, (t) => b.nextBidBelow(t), (t) => t >= 0);
    writeSide(b.bestAsk, (t) => b.nextAskAbove(t), (t) => t < b.ticks);
  }
  const armed: number[] = [];
  for (let ai = 0; ai < core.accountCount; ai++) if (core.accountDeadline[ai] !== 0) armed.push(ai);
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
  const nBooks = r.uint();
  type OrderRec = [number, number, number, number, number, number, number, number, number];
  const specs: SymbolSpec[] = [];
  const state: { sequence: number; lastPrice: number; halted: boolean; sides: [number, OrderRec[]][][] }[] = [];
  let total = 0;
  for (let i = 0; i < nBooks; i++) {
    specs.push(JSON.parse(r.string()) as SymbolSpec);
    const sequence = r.uint();
    const lastPrice = r.uint();
    const halted = r.uint() === 1;
    const sides: [number, OrderRec[]][][] = [];
    for (let side = 0; side < 2; side++) {
      const levels: [number, OrderRec[]][] = [];
      const n = r.uint();
      let tick = 0;
      for (let l = 0; l < n; l++) {
        tick += r.int();
        const count = r.uint();
        const orders: OrderRec[] = [];
        for (let k = 0; k < count; k++) {
          const id = r.uint();
          const account = r.uint();
          const flags = r.uint();
          orders.push([id, account, flags & 3, (flags >> 2) & 1, (flags >> 3) & 3, r.uint(), r.uint(), r.f64(), r.f64()]);
        }
        total += count;
        levels.push([tick, orders]);
      }
      sides.push(levels);
    }
    state.push({ sequence, lastPrice, halted, sides });
  }
  const core = new MatchingCore({ symbols: specs, orderCapacity: Math.max(options.orderCapacity ?? 0, total + 1024) });
  for (let i = 0; i < nBooks; i++) {
    const s = state[i];
    for (let side = 0; side < 2; side++)
      for (const [tick, orders] of s.sides[side])
        for (const [id, account, tif, postOnly, stp, quantity, leaves, time, expire] of orders)
          core.restoreOrder(i, id, account, side, tif, postOnly, stp, tick, quantity, leaves, time, expire);
    const b = core.books[i];
    b.sequence = s.sequence;
    b.lastPrice = s.lastPrice;
    b.halted = s.halted;
  }
  const armed = r.uint();
  for (let k = 0; k < armed; k++) core.restoreDeadline(r.uint(), r.f64());
  core.lastSeq = lastSeq;
  core.lastTime = lastTime;
  if (!r.done) throw new Error('trailing bytes after snapshot');
  return core;
}
