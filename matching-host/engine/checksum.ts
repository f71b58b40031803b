import type { MatchingCore } from './engine';

/**
 * Two independent 32-bit FNV-style lanes (64 bits together) over a canonical walk of a book:
 * levels from best to worst, orders in queue order. Deterministic by construction: same book,
 * same priority order ⇒ same checksum, on any host.
 */
class Hash64 {
  private a = 0x811c9dc5 | 0;
  private b = 0x9747b28c | 0;

  word(x: number): void {
    this.a = Math.imul(this.a ^ x, 0x01000193);
    this.b = Math.imul(this.b ^ x, 0x5bd1e995);
    this.b ^= this.b >>> 13;
  }

  /** a non-negative number, by its integer part */
  num(n: number): void {
    this.word(n >>> 0);
    this.word(Math.floor(n / 4294967296) >>> 0);
  }

  hex(): string {
    return (this.a >>> 0).toString(16).padStart(8, '0') + (this.b >>> 0).toString(16).padStart(8, '0');
  }
}

function hashBook(core: MatchingCore, book: number, h: Hash64): void {
  const b = core.books[book];
  const st = core.store;
  h.num(b.index);
  h.num(b.sequence);
  h.num(b.lastPrice);
  h.word(b.halted ? 1 : 0);
  const side = (first: number, step: (t: number) => number, valid: (t: number) => boolean): void => {
    for (let t = first; valid(t); t = step(t)) {
      h.num(t);
      h.num(b.levelQty(t));
      h.num(b.levelCount(t));
      for (let s = b.levelHead(t); s !== -1; s = st.next(s)) {
        h.num(st.id(s));
        h.num(st.account(s));
        h.num(st.quantity(s));
        h.num(st.leaves(s));
        h.num(st.flags(s));
        h.num(st.time(s));
        h.num(st.expire(s));
      }
    }
  };
  h.word(0xb1d5);
  side(b.bestBid, (t) => b.nextBidBelow(t), (t) => t >= 0);
  h.word(0xa5c5);
  side(b.bestAsk, (t) => b.nextAskAbove(t), (t) => t < b.ticks);
}

/** Checksum of one symbol's book (with its sequence and last price), as 16 hex digits. */
export function bookChecksum(core: MatchingCore, book: number): string {
  const h = new Hash64();
  hashBook(core, book, h);
  return h.hex();
}

/** Checksum of the whole engine: every book, armed dead-man switches and the command sequence. */
export function engineChecksum(core: MatchingCore): string {
  const h = new Hash64();
  h.num(core.lastSeq);
  for (let i = 0; i < core.books.length; i++) hashBook(core, i, h);
  const armed: [number, number][] = [];
  for (let ai = 0; ai < core.accountCount; ai++)
    if (core.accountDeadline[ai] !== 0) armed.push([core.accountIds[ai], core.accountDeadline[ai]]);
  armed.sort((x, y) => x[0] - y[0]);
  for (const [acc, dl] of armed) {
    h.num(acc);
    h.num(dl);
  }
  return h.hex();
}
