/**
 * Open-addressing hash map from positive safe integers to int32 values, stored in typed arrays.
 *
 * Why not `Map`: a JS Map of millions of entries is a heap object graph the GC has to trace, and
 * it rehashes all at once when it grows (tens of ms on a deep book). Here keys and values live in
 * two flat arrays the GC never scans, capacity is reserved up front, and deletion uses backward
 * shifting so there are no tombstones to clean up.
 */
export class IntMap {
  private keys: Float64Array;
  private vals: Int32Array;
  private mask: number;
  private shift: number;
  private count = 0;

  constructor(expectedEntries = 1024) {
    let cap = 16;
    while (cap < expectedEntries * 2) cap *= 2;
    this.keys = new Float64Array(cap);
    this.vals = new Int32Array(cap);
    this.mask = cap - 1;
    this.shift = 32 - Math.log2(cap);
  }

  get size(): number {
    return this.count;
  }

  private slotOf(key: number): number {
    // Fibonacci hashing of both 32-bit halves; keys are usually sequential ids.
    const lo = key >>> 0;
    const hi = (key / 4294967296) >>> 0;
    return Math.imul(lo ^ Math.imul(hi, 0x27d4eb2d), 0x9e3779b1) >>> this.shift;
  }

  /** Value for key, or -1. Key must be ≥ 1 (0 marks an empty slot). */
  get(key: number): number {
    const keys = this.keys;
    const mask = this.mask;
    let i = this.slotOf(key);
    for (;;) {
      const k = keys[i];
      if (k === key) return this.vals[i];
      if (k === 0) return -1;
      i = (i + 1) & mask;
    }
  }

  has(key: number): boolean {
    return this.get(key) !== -1;
  }

  /** Insert or overwrite. */
  set(key: number, value: number): void {
    if ((this.count + 1) * 2 > this.keys.length) this.grow();
    const keys = this.keys;
    const mask = this.mask;
    let i = this.slotOf(key);
    for (;;) {
      const k = keys[i];
      if (k === key) {
        this.vals[i] = value;
        return;
      }
      if (k === 0) {
        keys[i] = key;
        this.vals[i] = value;
        this.count++;
        return;
      }
      i = (i + 1) & mask;
    }
  }

  /** Remove key; returns its value or -1. */
  delete(key: number): number {
    const keys = this.keys;
    const vals = this.vals;
    const mask = this.mask;
    let i = this.slotOf(key);
    for (;;) {
      const k = keys[i];
      if (k === 0) return -1;
      if (k === key) break;
      i = (i + 1) & mask;
    }
    const removed = vals[i];
    // Backward-shift: pull later entries of the probe run into the hole.
    let hole = i;
    let j = (i + 1) & mask;
    for (;;) {
      const k = keys[j];
      if (k === 0) break;
      const home = this.slotOf(k);
      // move k if its home is not within (hole, j] cyclically
      const dist = (j - home) & mask;
      const holeDist = (j - hole) & mask;
      if (dist >= holeDist) {
        keys[hole] = k;
        vals[hole] = vals[j];
        hole = j;
      }
      j = (j + 1) & mask;
    }
    keys[hole] = 0;
    this.count--;
    return removed;
  }

  forEach(fn: (key: number, value: number) => void): void {
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== 0) fn(keys[i], this.vals[i]);
  }

  clear(): void {
    this.keys.fill(0);
    this.count = 0;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldVals = this.vals;
    const cap = oldKeys.length * 2;
    this.keys = new Float64Array(cap);
    this.vals = new Int32Array(cap);
    this.mask = cap - 1;
    this.shift = 32 - Math.log2(cap);
    this.count = 0;
    for (let i = 0; i < oldKeys.length; i++) if (oldKeys[i] !== 0) this.set(oldKeys[i], oldVals[i]);
  }
}
