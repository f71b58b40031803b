import { alignedBuffer } from './aligned-buffer';

/**
 * Resting orders as fixed 64-byte records (one cache line) in one ArrayBuffer, seen through an
 * Int32Array for links and small fields and a Float64Array for ids and quantities, so the hot
 * path works on native int32 and float64 values without conversions. Rarely read fields (entry
 * time, GTD expiry) sit in a separate cold array. Slots are recycled through a free stack, so
 * placing and removing orders allocates nothing and the GC never sees per-order objects.
 * Capacity is reserved up front and doubles if ever exhausted.
 */

/** int32 fields: index (slot << ORDER_INT_SHIFT) + field. Bytes 0..31 of the record. */
export const OrderInt = {
  /** next slot in the price level (FIFO), -1 at the tail */
  NEXT: 0,
  PREV: 1,
  ACCOUNT: 2,
  /** tick index of the limit price within its book */
  TICK: 3,
  /** side | tif << 1 | postOnly << 3 | stp << 4 | book << 8 */
  FLAGS: 4,
  /** links within the owning account's order list */
  ACC_NEXT: 5,
  ACC_PREV: 6,
  ACC_IDX: 7,
} as const;

/** float64 fields: index (slot << ORDER_NUM_SHIFT) + field. Bytes 32..55 of the record. */
export const OrderNum = {
  LEAVES: 4,
  ID: 5,
  QUANTITY: 6,
  /** sequence number of the command that put the order at its place in the queue */
  ENTRY: 7,
} as const;

export const ORDER_INT_SHIFT = 4;
export const ORDER_NUM_SHIFT = 3;
const RECORD_BYTES = 64;

export function packFlags(side: number, tif: number, postOnly: number, stp: number, book: number): number {
  return side | (tif << 1) | (postOnly << 3) | (stp << 4) | (book << 8);
}
export const flagSide = (flags: number): number => flags & 1;
export const flagTif = (flags: number): number => (flags >> 1) & 3;
export const flagPostOnly = (flags: number): number => (flags >> 3) & 1;
export const flagStp = (flags: number): number => (flags >> 4) & 3;
export const flagBook = (flags: number): number => flags >>> 8;

export class OrderStore {
  capacity = 0;
  ints = new Int32Array(0);
  nums = new Float64Array(0);
  /** [time, expire] per slot */
  cold = new Float64Array(0);
  private free = new Int32Array(0);
  private freeTop = 0;
  live = 0;
  /** one past the highest slot ever handed out: live slots all lie below it */
  highWater = 0;

  constructor(capacity = 1024) {
    this.resize(Math.max(16, capacity));
  }

  alloc(): number {
    if (this.freeTop === 0) this.resize(this.capacity * 2);
    this.live++;
    const slot = this.free[--this.freeTop];
    if (slot >= this.highWater) this.highWater = slot + 1;
    return slot;
  }

  release(slot: number): void {
    this.nums[(slot << ORDER_NUM_SHIFT) + OrderNum.ID] = 0;
    this.live--;
    this.free[this.freeTop++] = slot;
  }

  // Accessors for cold code (queries, snapshots, checksums); the engine indexes the arrays directly.
  id(s: number): number {
    return this.nums[(s << ORDER_NUM_SHIFT) + OrderNum.ID];
  }
  leaves(s: number): number {
    return this.nums[(s << ORDER_NUM_SHIFT) + OrderNum.LEAVES];
  }
  quantity(s: number): number {
    return this.nums[(s << ORDER_NUM_SHIFT) + OrderNum.QUANTITY];
  }
  account(s: number): number {
    return this.ints[(s << ORDER_INT_SHIFT) + OrderInt.ACCOUNT];
  }
  next(s: number): number {
    return this.ints[(s << ORDER_INT_SHIFT) + OrderInt.NEXT];
  }
  accountNext(s: number): number {
    return this.ints[(s << ORDER_INT_SHIFT) + OrderInt.ACC_NEXT];
  }
  tick(s: number): number {
    return this.ints[(s << ORDER_INT_SHIFT) + OrderInt.TICK];
  }
  entry(s: number): number {
    return this.nums[(s << ORDER_NUM_SHIFT) + OrderNum.ENTRY];
  }
  flags(s: number): number {
    return this.ints[(s << ORDER_INT_SHIFT) + OrderInt.FLAGS];
  }
  time(s: number): number {
    return this.cold[s << 1];
  }
  expire(s: number): number {
    return this.cold[(s << 1) + 1];
  }

  private resize(cap: number): void {
    const old = this.capacity;
    const buffer = alignedBuffer(cap * RECORD_BYTES);
    const ints = new Int32Array(buffer);
    // Touch every page now: first-touch page faults would otherwise land on live orders.
    ints.fill(0);
    ints.set(this.ints);
    this.ints = ints;
    this.nums = new Float64Array(buffer);
    const cold = new Float64Array(cap * 2);
    cold.set(this.cold);
    this.cold = cold;
    // Free stack: new slots pushed so the lowest index pops first (recent orders stay close).
    const free = new Int32Array(cap);
    free.set(this.free.subarray(0, this.freeTop));
    for (let s = cap - 1; s >= old; s--) free[this.freeTop++] = s;
    this.free = free;
    this.capacity = cap;
  }
}
