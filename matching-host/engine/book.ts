import { PriceBitmap } from './price-bitmap';
import type { SymbolSpec } from './types';

const PAGE_BITS = 12;
const PAGE_SIZE = 1 << PAGE_BITS;
const PAGE_MASK = PAGE_SIZE - 1;
/** Bound on ticks per book so level pages and the bitmap stay small (2^27 ticks ⇒ 16 MiB bitmap). */
export const MAX_TICKS = 1 << 27;

/** Price levels for 4 096 consecutive ticks. Allocated the first time a price in it is used. */
export class LevelPage {
  readonly head = new Int32Array(PAGE_SIZE).fill(-1);
  readonly tail = new Int32Array(PAGE_SIZE).fill(-1);
  readonly qty = new Float64Array(PAGE_SIZE);
  readonly count = new Int32Array(PAGE_SIZE);
}

/**
 * One symbol's book: price levels addressed directly by tick index (O(1)), a bitmap to find the
 * next occupied level, and the cached best bid/ask. Orders themselves live in the OrderStore;
 * a level is a FIFO doubly-linked list of slots (head = oldest = first to match).
 */
export class Book {
  readonly ticks: number;
  private readonly pages: (LevelPage | undefined)[];
  readonly bitmap: PriceBitmap;
  /** best bid tick index, -1 when no bids */
  bestBid = -1;
  /** best ask tick index, `ticks` when no asks */
  bestAsk: number;
  /** last trade price in price units, 0 before the first trade */
  lastPrice = 0;
  /** per-symbol event sequence number (last one issued) */
  sequence = 0;
  halted = false;

  constructor(
    readonly index: number,
    readonly spec: SymbolSpec,
  ) {
    this.ticks = (spec.maxPrice - spec.minPrice) / spec.tickSize + 1;
    this.pages = new Array<LevelPage | undefined>(Math.ceil(this.ticks / PAGE_SIZE)).fill(undefined);
    this.bitmap = new PriceBitmap(this.ticks);
    this.bestAsk = this.ticks;
  }

  page(tick: number): LevelPage {
    const p = tick >>> PAGE_BITS;
    let page = this.pages[p];
    if (page === undefined) {
      page = new LevelPage();
      this.pages[p] = page;
    }
    return page;
  }

  /** offset of a tick within its page */
  static slot(tick: number): number {
    return tick & PAGE_MASK;
  }

  priceOf(tick: number): number {
    return this.spec.minPrice + tick * this.spec.tickSize;
  }

  tickOf(price: number): number {
    return (price - this.spec.minPrice) / this.spec.tickSize;
  }

  levelQty(tick: number): number {
    const page = this.pages[tick >>> PAGE_BITS];
    return page === undefined ? 0 : page.qty[tick & PAGE_MASK];
  }

  levelCount(tick: number): number {
    const page = this.pages[tick >>> PAGE_BITS];
    return page === undefined ? 0 : page.count[tick & PAGE_MASK];
  }

  levelHead(tick: number): number {
    const page = this.pages[tick >>> PAGE_BITS];
    return page === undefined ? -1 : page.head[tick & PAGE_MASK];
  }

  /** Next occupied bid level below `tick`, or -1. */
  nextBidBelow(tick: number): number {
    return this.bitmap.prev(tick - 1);
  }

  /** Next occupied ask level above `tick`, or `ticks`. */
  nextAskAbove(tick: number): number {
    const t = this.bitmap.next(tick + 1);
    return t < 0 ? this.ticks : t;
  }
}

export function validateSpec(spec: SymbolSpec): string | null {
  const ints: (keyof SymbolSpec)[] = ['tickSize', 'lotSize', 'minPrice', 'maxPrice', 'minQty', 'maxQty', 'bandBps'];
  for (const k of ints) {
    const v = spec[k];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) return `${spec.symbol}: ${k} must be a non-negative integer`;
  }
  if (spec.tickSize < 1 || spec.lotSize < 1) return `${spec.symbol}: tickSize and lotSize must be ≥ 1`;
  if (spec.minPrice < spec.tickSize || spec.minPrice % spec.tickSize !== 0 || spec.maxPrice % spec.tickSize !== 0)
    return `${spec.symbol}: minPrice/maxPrice must be positive multiples of tickSize`;
  if (spec.maxPrice < spec.minPrice) return `${spec.symbol}: maxPrice < minPrice`;
  if ((spec.maxPrice - spec.minPrice) / spec.tickSize + 1 > MAX_TICKS) return `${spec.symbol}: more than ${MAX_TICKS} ticks`;
  if (spec.maxPrice > 2 ** 31 - 1) return `${spec.symbol}: maxPrice above 2^31-1`;
  if (spec.minQty < spec.lotSize || spec.minQty % spec.lotSize !== 0 || spec.maxQty % spec.lotSize !== 0 || spec.maxQty < spec.minQty)
    return `${spec.symbol}: minQty/maxQty must be multiples of lotSize with minQty ≥ lotSize`;
  if (spec.bandBps > 10000) return `${spec.symbol}: bandBps above 10000`;
  if (spec.referencePrice !== undefined && (!Number.isSafeInteger(spec.referencePrice) || spec.referencePrice <= 0))
    return `${spec.symbol}: referencePrice must be a positive integer`;
  return null;
}
