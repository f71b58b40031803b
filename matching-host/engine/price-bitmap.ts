/**
 * Hierarchical bitset over the tick indices of one book: bit i is set when price level i holds
 * orders. Each upper layer has one bit per non-empty word below it, so finding the next occupied
 * level above or below any price costs one word scan per layer (≤ 6 layers for 2^30 ticks),
 * independent of how many empty prices lie in between.
 *
 * One bitmap serves both sides: the book is never crossed, so from a bid the next occupied price
 * downward is a bid and from an ask the next occupied price upward is an ask.
 */
export class PriceBitmap {
  private readonly layers: Int32Array[] = [];
  /** layers[0], kept in its own field: most operations end in the first word they touch */
  private readonly base: Int32Array;

  constructor(readonly size: number) {
    let n = size;
    do {
      const words = Math.max(1, Math.ceil(n / 32));
      this.layers.push(new Int32Array(words));
      n = words;
    } while (n > 1);
    this.base = this.layers[0];
  }

  set(i: number): void {
    const w0 = i >>> 5;
    const was0 = this.base[w0];
    this.base[w0] = was0 | (1 << (i & 31));
    if (was0 !== 0) return;
    const layers = this.layers;
    i = w0;
    for (let l = 1; l < layers.length; l++) {
      const w = i >>> 5;
      const a = layers[l];
      const was = a[w];
      a[w] = was | (1 << (i & 31));
      if (was !== 0) return;
      i = w;
    }
  }

  clear(i: number): void {
    const w0 = i >>> 5;
    const now0 = this.base[w0] & ~(1 << (i & 31));
    this.base[w0] = now0;
    if (now0 !== 0) return;
    const layers = this.layers;
    i = w0;
    for (let l = 1; l < layers.length; l++) {
      const w = i >>> 5;
      const a = layers[l];
      const now = a[w] & ~(1 << (i & 31));
      a[w] = now;
      if (now !== 0) return;
      i = w;
    }
  }

  has(i: number): boolean {
    return (this.base[i >>> 5] & (1 << (i & 31))) !== 0;
  }

  /** Smallest set index ≥ i, or -1. */
  next(i: number): number {
    if (i < 0) i = 0;
    if (i >= this.size) return -1;
    const bits0 = this.base[i >>> 5] & (-1 << (i & 31));
    if (bits0 !== 0) return (i & ~31) + (31 - Math.clz32(bits0 & -bits0));
    return this.nextFrom(1, (i >>> 5) + 1);
  }

  /** Largest set index ≤ i, or -1. */
  prev(i: number): number {
    if (i < 0) return -1;
    if (i >= this.size) i = this.size - 1;
    const bits0 = this.base[i >>> 5] & (-1 >>> (31 - (i & 31)));
    if (bits0 !== 0) return (i & ~31) + (31 - Math.clz32(bits0));
    return this.prevFrom(1, (i >>> 5) - 1);
  }

  /** Climb from bit i of layer l until a layer has a set bit at or after it, then descend to layer 0. */
  private nextFrom(l: number, i: number): number {
    const layers = this.layers;
    for (;;) {
      if (l === layers.length) return -1;
      const a = layers[l];
      const w = i >>> 5;
      if (w < a.length) {
        const bits = a[w] & (-1 << (i & 31));
        if (bits !== 0) {
          i = (w << 5) + (31 - Math.clz32(bits & -bits));
          break;
        }
      }
      l++;
      i = w + 1;
    }
    // descend taking the lowest set bit of each word
    while (l > 0) {
      const bits = layers[--l][i];
      i = (i << 5) + (31 - Math.clz32(bits & -bits));
    }
    return i;
  }

  /** Climb from bit i of layer l until a layer has a set bit at or before it, then descend. */
  private prevFrom(l: number, i: number): number {
    const layers = this.layers;
    for (;;) {
      if (l === layers.length || i < 0) return -1;
      const w = i >>> 5;
      const bits = layers[l][w] & (-1 >>> (31 - (i & 31)));
      if (bits !== 0) {
        i = (w << 5) + (31 - Math.clz32(bits));
        break;
      }
      l++;
      i = w - 1;
    }
    // descend taking the highest set bit of each word
    while (l > 0) {
      const bits = layers[--l][i];
      i = (i << 5) + (31 - Math.clz32(bits));
    }
    return i;
  }
}
