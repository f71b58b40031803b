import type { MatchingCore } from './matching-core';
import { ORDER_INT_SHIFT, OrderInt, OrderNum } from './order-store';

const { ACCOUNT, FLAGS, TICK } = OrderInt;
const { ID, LEAVES, QUANTITY, ENTRY } = OrderNum;
const IS = ORDER_INT_SHIFT;
/** The int32 words of an order record that are hashed: id, leaves, quantity and entry (a float64 field is two words), account, flags, tick. */
const ORDER_WORDS = Int32Array.of(
  ID << 1,
  (ID << 1) + 1,
  LEAVES << 1,
  (LEAVES << 1) + 1,
  QUANTITY << 1,
  (QUANTITY << 1) + 1,
  ENTRY << 1,
  (ENTRY << 1) + 1,
  ACCOUNT,
  FLAGS,
  TICK,
);

/**
 * Book checksums, 64 bits as 16 hex digits.
 *
 * A book is fully determined by the set of its resting orders, each with its price tick and the
 * sequence number of the command that queued it (queue order within a level is ascending entry
 * sequence). So each order is hashed on its own — id, account, flags, tick, leaves, quantity,
 * time, expiry and entry sequence, as raw 32-bit words — and the order hashes are added up in
 * two independent 32-bit lanes. The sum does not depend on where orders sit in memory, so the
 * checksum is one sequential scan over the order store (cache-friendly, a few ns per order)
 * instead of a pointer walk through the book, and a restored engine gives the same value.
 */
function mixA(h: number, x: number): number {
  return Math.imul(h ^ x, 0x01000193);
}
function mixB(h: number, x: number): number {
  const m = Math.imul(h ^ x, 0x5bd1e995);
  return m ^ (m >>> 13);
}

function hex(a: number, b: number): string {
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

/** Lane sums of the order hashes per book, in one pass over the live slots. */
function orderSums(core: MatchingCore): Int32Array {
  const st = core.store;
  const ints = st.ints; // the float64 fields are read as their int32 halves through the same buffer
  const cold = new Int32Array(st.cold.buffer, st.cold.byteOffset, st.cold.length * 2);
  const sums = new Int32Array(core.books.length * 2);
  for (let s = 0; s < st.highWater; s++) {
    const oi = s << IS;
    const id = oi + (ID << 1);
    if (ints[id] === 0 && ints[id + 1] === 0) continue; // free slot (id 0)
    let a = 0x811c9dc5 | 0;
    let b = 0x9747b28c | 0;
    for (let k = 0; k < ORDER_WORDS.length; k++) {
      const w = ints[oi + ORDER_WORDS[k]];
      a = mixA(a, w);
      b = mixB(b, w);
    }
    for (let c = s << 2, end = c + 4; c < end; c++) {
      a = mixA(a, cold[c]);
      b = mixB(b, cold[c]);
    }
    const book = ints[oi + FLAGS] >>> 8;
    sums[book * 2] = (sums[book * 2] + a) | 0;
    sums[book * 2 + 1] = (sums[book * 2 + 1] + b) | 0;
  }
  return sums;
}

/**
 * Fold a book's state (sequence, last price, halt flag, the band's width and reference price: they
 * decide which orders are accepted) and its order sums into the lanes.
 */
function foldBook(core: MatchingCore, book: number, sums: Int32Array, lanes: [number, number]): void {
  const b = core.books[book];
  const words = [
    book,
    b.sequence >>> 0,
    Math.floor(b.sequence / 4294967296),
    b.lastPrice >>> 0,
    b.halted ? 1 : 0,
    b.bandBps,
    b.referencePrice >>> 0,
    sums[book * 2],
    sums[book * 2 + 1],
  ];
  for (const w of words) {
    lanes[0] = mixA(lanes[0], w);
    lanes[1] = mixB(lanes[1], w);
  }
}

/** Checksum of one symbol's book (its orders, sequence number, last price, halt state and band). */
export function bookChecksum(core: MatchingCore, book: number): string {
  const lanes: [number, number] = [0x811c9dc5 | 0, 0x9747b28c | 0];
  foldBook(core, book, orderSums(core), lanes);
  return hex(lanes[0], lanes[1]);
}

/** Checksum of the whole engine: every book, armed dead-man switches, the command sequence and time. */
export function engineChecksum(core: MatchingCore): string {
  const lanes: [number, number] = [0x811c9dc5 | 0, 0x9747b28c | 0];
  const add = (w: number): void => {
    lanes[0] = mixA(lanes[0], w);
    lanes[1] = mixB(lanes[1], w);
  };
  add(core.lastSeq >>> 0);
  add(Math.floor(core.lastSeq / 4294967296));
  // the engine's clock is state too: it decides which GTD times and deadlines are still valid
  add(core.lastTime >>> 0);
  add(Math.floor(core.lastTime / 4294967296));
  const sums = orderSums(core);
  for (let i = 0; i < core.books.length; i++) foldBook(core, i, sums, lanes);
  const armed: [number, number][] = [];
  for (let ai = 0; ai < core.accountCount; ai++)
    if (core.accountDeadline[ai] !== 0) armed.push([core.accountIds[ai], core.accountDeadline[ai]]);
  armed.sort((x, y) => x[0] - y[0]);
  for (const [acc, dl] of armed) {
    add(acc >>> 0);
    add(dl >>> 0);
    add(Math.floor(dl / 4294967296));
  }
  return hex(lanes[0], lanes[1]);
}
