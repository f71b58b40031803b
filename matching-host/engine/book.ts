import { priceBand } from './price-band';
import { PriceBitmap } from './price-bitmap';
import type { SymbolSpec } from './types';

// where it was first defined; the edge's own band check imports it from here
export { priceBand } from './price-band';

export const PAGE_BITS = 12;
const PAGE_SIZE = 1 << PAGE_BITS;
export const PAGE_MASK = PAGE_SIZE - 1;
/**
 * Largest order quantity a spec may allow: level totals are float64 sums of integers, exact below
 * 2^53, so this leaves room for 8 192 maximum-size orders at one price.
 */
export const MAX_ORDER_QTY = 2 ** 40;
/** Bound on ticks per book so level pages and the bitmap stay small (2^27 ticks ⇒ 16 MiB bitmap). */
export const MAX_TICKS = 1 << 27;

/**
 * A price level is a 32-byte record in its page: int32 [head slot, tail slot, order count] at
 * (offset << LEVEL_INT_SHIFT) and the float64 total of leaves at (offset << LEVEL_NUM_SHIFT) + QTY.
 */
export const LevelInt = { HEAD: 0, TAIL: 1, COUNT: 2 } as const;
export const LevelNum = { QTY: 2 } as const;
export const LEVEL_INT_SHIFT = 3;
export const LEVEL_NUM_SHIFT = 2;

function newPage(): ArrayBuffer {
  const buffer = new ArrayBuffer(PAGE_SIZE * 32);
  const ints = new Int32Array(buffer);
  for (let o = 0; o < ints.length; o += 8) {
    ints[o + LevelInt.HEAD] = -1;
    ints[o + LevelInt.TAIL] = -1;
  }
  return buffer;
}

/**
 * One symbol's book: price levels addressed directly by tick index (O(1)) in pages of 4 096
 * ticks allocated on first use, a bitmap to find the next occupied level, and the cached best
 * bid/ask. Orders live in the OrderStore; a level is a FIFO doubly-linked list of slots
 * (head = oldest = first to match).
 */
export class Book {
  readonly ticks: number;
  private readonly pageInts: (Int32Array | undefined)[];
  private readonly pageNums: (Float64Array | undefined)[];
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
  readonly minPrice: number;
  readonly maxPrice: number;
  readonly tickSize: number;
  readonly lotSize: number;
  readonly minQty: number;
  readonly maxQty: number;
  readonly bandBps: number;
  /** band reference before the first trade, 0 when none is configured */
  readonly referencePrice: number;
  /** price band [bandLow, bandHigh] around bandRef, recomputed only when the reference moves */
  bandRef = 0;
  bandLow = 0;
  bandHigh = 0;

  constructor(
    readonly index: number,
    readonly spec: SymbolSpec,
  ) {
    this.ticks = (spec.maxPrice - spec.minPrice) / spec.tickSize + 1;
    const pages = Math.ceil(this.ticks / PAGE_SIZE);
    this.pageInts = new Array<Int32Array | undefined>(pages).fill(undefined);
    this.pageNums = new Array<Float64Array | undefined>(pages).fill(undefined);
    this.bitmap = new PriceBitmap(this.ticks);
    this.bestAsk = this.ticks;
    this.minPrice = spec.minPrice;
    this.maxPrice = spec.maxPrice;
    this.tickSize = spec.tickSize;
    this.lotSize = spec.lotSize;
    this.minQty = spec.minQty;
    this.maxQty = spec.maxQty;
    this.bandBps = spec.bandBps;
    this.referencePrice = spec.referencePrice ?? 0;
  }

  /** Int32 view of the page holding `tick` (allocating it); the level is at `(tick & PAGE_MASK) << LEVEL_INT_SHIFT`. */
  page(tick: number): Int32Array {
    const p = tick >>> PAGE_BITS;
    let page = this.pageInts[p];
    if (page === undefined) {
      const buffer = newPage();
      page = new Int32Array(buffer);
      this.pageInts[p] = page;
      this.pageNums[p] = new Float64Array(buffer);
    }
    return page;
  }

  /** Float64 view of the page holding `tick`; call page(tick) first. */
  nums(tick: number): Float64Array {
    return this.pageNums[tick >>> PAGE_BITS] as Float64Array;
  }

  /** Band reference: the last trade, else the configured reference price, else 0 (no band yet). */
  bandReference(): number {
    return this.lastPrice || this.referencePrice;
  }

  /** Bring bandLow/bandHigh up to date for reference `ref` (> 0). */
  updateBand(ref: number): void {
    if (ref === this.bandRef) return;
    const [low, high] = priceBand(ref, this.bandBps);
    this.bandRef = ref;
    this.bandLow = low;
    this.bandHigh = high;
  }

  /** Tick index of an on-tick price (no division for the common tick size of one unit). */
  tickOf(price: number): number {
    return this.tickSize === 1 ? price - this.minPrice : (price - this.minPrice) / this.tickSize;
  }

  priceOf(tick: number): number {
    return this.minPrice + tick * this.tickSize;
  }

  levelQty(tick: number): number {
    const page = this.pageNums[tick >>> PAGE_BITS];
    return page === undefined ? 0 : page[((tick & PAGE_MASK) << LEVEL_NUM_SHIFT) + LevelNum.QTY];
  }

  levelCount(tick: number): number {
    const page = this.pageInts[tick >>> PAGE_BITS];
    return page === undefined ? 0 : page[((tick & PAGE_MASK) << LEVEL_INT_SHIFT) + LevelInt.COUNT];
  }

  levelHead(tick: number): number {
    const page = this.pageInts[tick >>> PAGE_BITS];
    return page === undefined ? -1 : page[((tick & PAGE_MASK) << LEVEL_INT_SHIFT) + LevelInt.HEAD];
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
  if (spec.maxQty > MAX_ORDER_QTY) return `${spec.symbol}: maxQty above 2^40 (a price level's total must stay exact below 2^53)`;
  if (
    spec.referencePrice !== undefined &&
    (!Number.isSafeInteger(spec.referencePrice) ||
      spec.referencePrice < spec.minPrice ||
      spec.referencePrice > spec.maxPrice ||
      spec.referencePrice % spec.tickSize !== 0)
  )
    return `${spec.symbol}: referencePrice must be an on-tick price within [minPrice, maxPrice]`;
  return null;
}
