/**
 * Open-addressing hash map from positive safe integers to integer values, in one typed array.
 *
 * Why not `Map`: a JS Map of millions of entries is a heap object graph the GC has to trace, and
 * it rehashes all at once when it grows (tens of ms on a deep book). Here entries live in a flat
 * array the GC never scans, and capacity is reserved up front.
 *
 * Robin Hood linear probing with backward-shift deletion: no tombstones, and both a miss and a
 * delete stop as soon as they meet an entry that is closer to its home slot than they are, so
 * long runs of sequential ids cost nothing to delete from.
 */
export class IntMap {
  /** interleaved [key, value] pairs, so a probe touches one cache line; key 0 = empty */
  private table: Float64Array;
  private mask: number;
  private count = 0;

  constructor(expectedEntries = 1024) {
    let cap = 16;
    while (cap < expectedEntries * 2) cap *= 2;
    this.table = new Float64Array(cap * 2);
    // Touch every page now rather than fault them in one by one under load.
    this.table.fill(0);
    this.mask = cap - 1;
  }

  get size(): number {
    return this.count;
  }

  /**
   * Ids are issued sequentially, so the low bits alone spread them perfectly and keep the live
   * (recent) ids in neighbouring cache lines; a scrambling hash would make every lookup a cache
   * miss on a large table. High bits are folded in for keys above 2^32. The price: keys chosen
   * to share their low bits collide, so keys must come from the host, never from clients
   * (clients' own ids are clientOrderIds, mapped by the host).
   */
  private home(key: number): number {
    if (key < 4294967296) return key & this.mask;
    return ((key >>> 0) ^ Math.imul((key / 4294967296) >>> 0, 0x9e3779b1)) & this.mask;
  }

  /** Table index holding key, or -1 (always -1 for keys below 1, which cannot be stored). */
  private find(key: number): number {
    if (!(key >= 1)) return -1;
    const t = this.table;
    const mask = this.mask;
    let i = this.home(key);
    for (let dist = 0; ; dist++) {
      const k = t[i << 1];
      if (k === key) return i;
      if (k === 0 || ((i - this.home(k)) & mask) < dist) return -1;
      i = (i + 1) & mask;
    }
  }

  /** Value for key, or -1. */
  get(key: number): number {
    const i = this.find(key);
    return i < 0 ? -1 : this.table[(i << 1) + 1];
  }

  has(key: number): boolean {
    return this.get(key) !== -1;
  }

  /** Insert or overwrite. Key must be a safe integer ≥ 1. */
  set(key: number, value: number): void {
    if (!(key >= 1 && key <= Number.MAX_SAFE_INTEGER)) throw new RangeError(`IntMap key out of range: ${key}`);
    if ((this.count + 1) * 2 > this.mask + 1) this.grow();
    const t = this.table;
    const mask = this.mask;
    let i = this.home(key);
    let dist = 0;
    for (;;) {
      const k = t[i << 1];
      if (k === 0) {
        t[i << 1] = key;
        t[(i << 1) + 1] = value;
        this.count++;
        return;
      }
      if (k === key) {
        t[(i << 1) + 1] = value;
        return;
      }
      const kDist = (i - this.home(k)) & mask;
      if (kDist < dist) {
        // Robin Hood: the entry nearer its home gives up the slot and probes on
        const v = t[(i << 1) + 1];
        t[i << 1] = key;
        t[(i << 1) + 1] = value;
        key = k;
        value = v;
        dist = kDist;
      }
      i = (i + 1) & mask;
      dist++;
    }
  }

  /** Remove key; returns its value or -1. */
  delete(key: number): number {
    let i = this.find(key);
    if (i < 0) return -1;
    const t = this.table;
    const mask = this.mask;
    const removed = t[(i << 1) + 1];
    // Backward shift until an empty slot or an entry already at its home.
    for (;;) {
      const j = (i + 1) & mask;
      const k = t[j << 1];
      if (k === 0 || this.home(k) === j) break;
      t[i << 1] = k;
      t[(i << 1) + 1] = t[(j << 1) + 1];
      i = j;
    }
    t[i << 1] = 0;
    this.count--;
    return removed;
  }

  clear(): void {
    this.table.fill(0);
    this.count = 0;
  }

  forEach(fn: (key: number, value: number) => void): void {
    const t = this.table;
    for (let i = 0; i < t.length; i += 2) if (t[i] !== 0) fn(t[i], t[i + 1]);
  }

  private grow(): void {
    const old = this.table;
    this.table = new Float64Array(old.length * 2);
    this.mask = old.length - 1;
    this.count = 0;
    for (let i = 0; i < old.length; i += 2) if (old[i] !== 0) this.set(old[i], old[i + 1]);
  }
}
