/**
 * Resting orders as fixed-size records in one Float64Array (array of structs). A record is 16
 * doubles; the fields matching touches (links, leaves, account, id) come first so a maker costs
 * one cache line. Slots are recycled through a free stack, so placing and removing orders
 * allocates nothing and the GC never sees per-order objects. Capacity is reserved up front and
 * doubles if ever exhausted.
 */
export const OrderField = {
  /** next slot in the price level (FIFO), -1 at the tail */
  NEXT: 0,
  PREV: 1,
  LEAVES: 2,
  ACCOUNT: 3,
  ID: 4,
  /** tick index of the limit price within its book */
  TICK: 5,
  BOOK: 6,
  /** side | tif << 1 | postOnly << 3 | stp << 4 */
  FLAGS: 7,
  /** links within the owning account's order list */
  ACC_NEXT: 8,
  ACC_PREV: 9,
  ACC_IDX: 10,
  QUANTITY: 11,
  TIME: 12,
  EXPIRE: 13,
} as const;

export const ORDER_STRIDE = 16;
export const ORDER_SHIFT = 4;

export function packFlags(side: number, tif: number, postOnly: number, stp: number): number {
  return side | (tif << 1) | (postOnly << 3) | (stp << 4);
}
export const flagSide = (flags: number): number => flags & 1;
export const flagTif = (flags: number): number => (flags >> 1) & 3;
export const flagPostOnly = (flags: number): number => (flags >> 3) & 1;
export const flagStp = (flags: number): number => (flags >> 4) & 3;

export class OrderStore {
  capacity = 0;
  /** the records: field F of slot s is at (s << ORDER_SHIFT) + F */
  data = new Float64Array(0);
  private free = new Int32Array(0);
  private freeTop = 0;
  live = 0;

  constructor(capacity = 1 << 16) {
    this.resize(Math.max(16, capacity));
  }

  alloc(): number {
    if (this.freeTop === 0) this.resize(this.capacity * 2);
    this.live++;
    return this.free[--this.freeTop];
  }

  release(slot: number): void {
    this.data[(slot << ORDER_SHIFT) + OrderField.ID] = 0;
    this.live--;
    this.free[this.freeTop++] = slot;
  }

  get(slot: number, field: number): number {
    return this.data[(slot << ORDER_SHIFT) + field];
  }

  private resize(cap: number): void {
    const old = this.capacity;
    const data = new Float64Array(cap * ORDER_STRIDE);
    data.set(this.data);
    this.data = data;
    // Free stack: new slots pushed so the lowest index pops first (recent orders stay close).
    const free = new Int32Array(cap);
    free.set(this.free.subarray(0, this.freeTop));
    for (let s = cap - 1; s >= old; s--) free[this.freeTop++] = s;
    this.free = free;
    this.capacity = cap;
  }
}
