/**
 * The last trades of each symbol, kept by the host so the public trades view can be rebuilt after
 * a restart or when Redis lost it (the engine keeps only the last price). It is host state outside
 * the engine: HostCore updates it from every command's events, replay included, and carries it in
 * its snapshots, so like the rest of HostCore it is a function of the journal. A fixed ring per
 * symbol in typed arrays: nothing for the collector on the hot path.
 */
import { SIDE_NAMES, type SideName } from '../../engine/types';
import { FIRST_EPOCH } from './epochs';

/** as many as the trades view holds (and the markets API serves) */
export const RECENT_TRADES = 100;

export interface RecentTrade {
  /** market data sequence of the trade */
  sequence: number;
  /** the DR epoch it happened in (its id carries both) */
  epoch: number;
  time: number;
  /** price and quantity units */
  price: number;
  quantity: number;
  /** the taker's side */
  side: SideName;
}

/**
 * As snapshots store it: per symbol with trades, its oldest-first [sequence, time, price, quantity,
 * side code, epoch] tuples (snapshots from before trades carried their epoch have five: epoch 1).
 */
export type RecentTradesJSON = [string, [number, number, number, number, number, number?][]][];

const FIELDS = 6;

export class RecentTrades {
  /** per book: FIELDS numbers per slot */
  private readonly rings: Float64Array[];
  /** per book: slot of the next write, and how many slots are filled */
  private readonly next: Int32Array;
  private readonly count: Int32Array;

  constructor(
    books: number,
    readonly capacity = RECENT_TRADES,
  ) {
    this.rings = Array.from({ length: books }, () => new Float64Array(capacity * FIELDS));
    this.next = new Int32Array(books);
    this.count = new Int32Array(books);
  }

  push(book: number, sequence: number, time: number, price: number, quantity: number, side: number, epoch: number): void {
    const r = this.rings[book];
    const o = this.next[book] * FIELDS;
    r[o] = sequence;
    r[o + 1] = time;
    r[o + 2] = price;
    r[o + 3] = quantity;
    r[o + 4] = side;
    r[o + 5] = epoch;
    this.next[book] = (this.next[book] + 1) % this.capacity;
    if (this.count[book] < this.capacity) this.count[book]++;
  }

  /** The book's trades, newest first. */
  list(book: number): RecentTrade[] {
    const r = this.rings[book];
    const out: RecentTrade[] = [];
    for (let k = 1; k <= this.count[book]; k++) {
      const o = ((this.next[book] - k + this.capacity) % this.capacity) * FIELDS;
      out.push({ sequence: r[o], epoch: r[o + 5], time: r[o + 1], price: r[o + 2], quantity: r[o + 3], side: SIDE_NAMES[r[o + 4]] });
    }
    return out;
  }

  /** `symbols[book]` names each book. */
  toJSON(symbols: readonly string[]): RecentTradesJSON {
    const out: RecentTradesJSON = [];
    for (let b = 0; b < this.rings.length; b++) {
      if (this.count[b] === 0) continue;
      const oldestFirst = this.list(b).reverse();
      out.push([symbols[b], oldestFirst.map((t) => [t.sequence, t.time, t.price, t.quantity, SIDE_NAMES.indexOf(t.side), t.epoch])]);
    }
    return out;
  }

  /** Refill an empty instance from `toJSON` output; `bookOf` maps a symbol to its book. */
  restore(json: RecentTradesJSON, bookOf: (symbol: string) => number | undefined): void {
    for (const [symbol, trades] of json) {
      const book = bookOf(symbol);
      if (book === undefined) throw new Error(`snapshot has recent trades for ${symbol}, which has no book`);
      for (const [sequence, time, price, quantity, side, epoch] of trades)
        this.push(book, sequence, time, price, quantity, side, epoch ?? FIRST_EPOCH);
    }
  }
}
