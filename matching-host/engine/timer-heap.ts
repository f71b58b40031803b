/**
 * Binary min-heap of (time, key, slot) in typed arrays. Ties on time are broken by key so the
 * order in which timers fire never depends on insertion history: a book restored from a
 * snapshot fires its timers in the same order as the original.
 */
export class TimerHeap {
  private time: Float64Array;
  private key: Float64Array;
  private slot: Int32Array;
  size = 0;

  constructor(capacity = 1024) {
    this.time = new Float64Array(capacity);
    this.key = new Float64Array(capacity);
    this.slot = new Int32Array(capacity);
  }

  /** time of the earliest timer, Infinity when empty */
  peekTime(): number {
    return this.size === 0 ? Infinity : this.time[0];
  }

  peekKey(): number {
    return this.key[0];
  }

  peekSlot(): number {
    return this.slot[0];
  }

  push(time: number, key: number, slot: number): void {
    if (this.size === this.time.length) this.grow();
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(time, key, this.time[p], this.key[p])) break;
      this.move(p, i);
      i = p;
    }
    this.time[i] = time;
    this.key[i] = key;
    this.slot[i] = slot;
  }

  pop(): void {
    const n = --this.size;
    if (n === 0) return;
    const t = this.time[n];
    const k = this.key[n];
    const s = this.slot[n];
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && this.less(this.time[c + 1], this.key[c + 1], this.time[c], this.key[c])) c++;
      if (!this.less(this.time[c], this.key[c], t, k)) break;
      this.move(c, i);
      i = c;
    }
    this.time[i] = t;
    this.key[i] = k;
    this.slot[i] = s;
  }

  /**
   * Drop entries for which `live(time, key, slot)` is false and restore the heap order. Callers
   * leave canceled timers in place (lazy deletion); this bounds how many can pile up.
   */
  compact(live: (time: number, key: number, slot: number) => boolean): void {
    let n = 0;
    for (let i = 0; i < this.size; i++) {
      if (!live(this.time[i], this.key[i], this.slot[i])) continue;
      this.time[n] = this.time[i];
      this.key[n] = this.key[i];
      this.slot[n] = this.slot[i];
      n++;
    }
    // Re-insert the kept entries in place: push(j) only writes slots 0..j, all already re-inserted.
    this.size = 0;
    for (let j = 0; j < n; j++) this.push(this.time[j], this.key[j], this.slot[j]);
  }

  private less(t1: number, k1: number, t2: number, k2: number): boolean {
    return t1 < t2 || (t1 === t2 && k1 < k2);
  }

  private move(from: number, to: number): void {
    this.time[to] = this.time[from];
    this.key[to] = this.key[from];
    this.slot[to] = this.slot[from];
  }

  private grow(): void {
    const cap = this.time.length * 2;
    const t = new Float64Array(cap);
    t.set(this.time);
    const k = new Float64Array(cap);
    k.set(this.key);
    const s = new Int32Array(cap);
    s.set(this.slot);
    this.time = t;
    this.key = k;
    this.slot = s;
  }
}
