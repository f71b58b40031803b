/**
 * Resting orders as a struct of arrays: one typed array per field, indexed by slot. Slots are
 * recycled through a free stack, so placing and removing orders allocates nothing and the GC
 * never sees per-order objects. Capacity is reserved up front and doubles if ever exhausted.
 */
export class OrderStore {
  capacity: number;
  id!: Float64Array;
  account!: Int32Array;
  accountIdx!: Int32Array;
  book!: Int32Array;
  side!: Uint8Array;
  tif!: Uint8Array;
  postOnly!: Uint8Array;
  stp!: Uint8Array;
  /** tick index of the limit price within its book */
  tick!: Int32Array;
  quantity!: Float64Array;
  leaves!: Float64Array;
  filled!: Float64Array;
  time!: Float64Array;
  expire!: Float64Array;
  /** FIFO links within a price level */
  next!: Int32Array;
  prev!: Int32Array;
  /** links within the owning account's order list */
  accNext!: Int32Array;
  accPrev!: Int32Array;
  private free!: Int32Array;
  private freeTop = 0;
  live = 0;

  constructor(capacity = 1 << 16) {
    this.capacity = 0;
    this.resize(Math.max(16, capacity));
  }

  alloc(): number {
    if (this.freeTop === 0) this.resize(this.capacity * 2);
    this.live++;
    return this.free[--this.freeTop];
  }

  release(slot: number): void {
    this.id[slot] = 0;
    this.live--;
    this.free[this.freeTop++] = slot;
  }

  private resize(cap: number): void {
    const old = this.capacity;
    const grow = <T extends Float64Array | Int32Array | Uint8Array>(a: T | undefined, make: (n: number) => T): T => {
      const b = make(cap);
      if (a) b.set(a);
      return b;
    };
    const f64 = (n: number): Float64Array => new Float64Array(n);
    const i32 = (n: number): Int32Array => new Int32Array(n);
    const u8 = (n: number): Uint8Array => new Uint8Array(n);
    this.id = grow(this.id, f64);
    this.account = grow(this.account, i32);
    this.accountIdx = grow(this.accountIdx, i32);
    this.book = grow(this.book, i32);
    this.side = grow(this.side, u8);
    this.tif = grow(this.tif, u8);
    this.postOnly = grow(this.postOnly, u8);
    this.stp = grow(this.stp, u8);
    this.tick = grow(this.tick, i32);
    this.quantity = grow(this.quantity, f64);
    this.leaves = grow(this.leaves, f64);
    this.filled = grow(this.filled, f64);
    this.time = grow(this.time, f64);
    this.expire = grow(this.expire, f64);
    this.next = grow(this.next, i32);
    this.prev = grow(this.prev, i32);
    this.accNext = grow(this.accNext, i32);
    this.accPrev = grow(this.accPrev, i32);
    // Free stack: new slots pushed so the lowest index pops first.
    const free = new Int32Array(cap);
    if (this.free) free.set(this.free.subarray(0, this.freeTop));
    for (let s = cap - 1; s >= old; s--) free[this.freeTop++] = s;
    this.free = free;
    this.capacity = cap;
  }
}
