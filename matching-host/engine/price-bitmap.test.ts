import fc from 'fast-check';
import { PriceBitmap } from './price-bitmap';

/** Reference: a sorted array of the set indices, with binary-search successor/predecessor. */
class Naive {
  private readonly set = new Set<number>();
  private sorted: number[] | null = [];
  add(i: number): void {
    this.set.add(i);
    this.sorted = null;
  }
  delete(i: number): void {
    this.set.delete(i);
    this.sorted = null;
  }
  has(i: number): boolean {
    return this.set.has(i);
  }
  private arr(): number[] {
    if (!this.sorted) this.sorted = [...this.set].sort((a, b) => a - b);
    return this.sorted;
  }
  /** smallest ≥ i or -1 */
  next(i: number): number {
    const a = this.arr();
    let lo = 0;
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (a[mid] < i) lo = mid + 1;
      else hi = mid;
    }
    return lo < a.length ? a[lo] : -1;
  }
  /** largest ≤ i or -1 */
  prev(i: number): number {
    const a = this.arr();
    let lo = 0;
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (a[mid] <= i) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 ? a[lo - 1] : -1;
  }
}

type Op = { k: 'set' | 'clear' | 'next' | 'prev' | 'has'; i: number };

function check(size: number, ops: Op[]): void {
  const bm = new PriceBitmap(size);
  const ref = new Naive();
  for (const { k, i } of ops) {
    switch (k) {
      case 'set':
        if (i >= 0 && i < size) {
          bm.set(i);
          ref.add(i);
        }
        break;
      case 'clear':
        if (i >= 0 && i < size) {
          bm.clear(i);
          ref.delete(i);
        }
        break;
      case 'has':
        if (i >= 0 && i < size) expect(bm.has(i)).toBe(ref.has(i));
        break;
      case 'next':
        expect({ op: k, i, r: bm.next(i) }).toEqual({ op: k, i, r: ref.next(Math.max(0, i)) });
        break;
      case 'prev':
        expect({ op: k, i, r: bm.prev(i) }).toEqual({ op: k, i, r: ref.prev(i) });
        break;
    }
  }
}

/** Random ops over [0, size) clustered around a few hot spots so that words, pages and layers fill and empty. */
const opsFor = (size: number, maxLength: number) => {
  const anywhere = fc.integer({ min: -3, max: size + 3 });
  const hot = fc
    .tuple(
      fc.constantFrom(0, 31, 32, 1023, 1024, 32767, 32768, Math.floor(size / 2), size - 33, size - 1),
      fc.integer({ min: -40, max: 40 }),
    )
    .map(([c, d]) => Math.min(size + 2, Math.max(-2, c + d)));
  const idx = fc.oneof(anywhere, hot, hot);
  return fc.array(fc.record({ k: fc.constantFrom<Op['k']>('set', 'set', 'clear', 'clear', 'next', 'prev', 'has'), i: idx }), {
    minLength: 1,
    maxLength,
    size: 'max',
  });
};

describe('PriceBitmap', () => {
  it('empty bitmap finds nothing', () => {
    for (const size of [1, 31, 32, 33, 1024, 1025, 1e7]) {
      const bm = new PriceBitmap(size);
      expect(bm.next(0)).toBe(-1);
      expect(bm.prev(size - 1)).toBe(-1);
      expect(bm.next(-5)).toBe(-1);
      expect(bm.prev(size + 5)).toBe(-1);
    }
  });

  it('single bits at every interesting position of several sizes', () => {
    for (const size of [1, 2, 31, 32, 33, 63, 64, 65, 1023, 1024, 1025, 32 * 32 * 32 + 1, 1e7]) {
      const bm = new PriceBitmap(size);
      const positions = [0, 1, 30, 31, 32, 33, 63, 64, 1023, 1024, 1025, 32767, 32768, size - 2, size - 1].filter(
        (p) => p >= 0 && p < size,
      );
      for (const p of new Set(positions)) {
        bm.set(p);
        expect(bm.has(p)).toBe(true);
        expect(bm.next(0)).toBe(p);
        expect(bm.next(p)).toBe(p);
        expect(bm.next(p + 1)).toBe(-1);
        expect(bm.prev(size - 1)).toBe(p);
        expect(bm.prev(p)).toBe(p);
        expect(bm.prev(p - 1)).toBe(-1);
        expect(bm.next(-1)).toBe(p);
        expect(bm.prev(size + 100)).toBe(p);
        bm.clear(p);
        expect(bm.has(p)).toBe(false);
        expect(bm.next(0)).toBe(-1);
        expect(bm.prev(size - 1)).toBe(-1);
      }
    }
  });

  it('set and clear are idempotent', () => {
    const bm = new PriceBitmap(100_000);
    bm.set(5000);
    bm.set(5000);
    bm.set(70_000);
    bm.clear(5000);
    expect(bm.next(0)).toBe(70_000);
    bm.clear(5000);
    bm.clear(12345); // never set, in an empty word
    bm.clear(70_001); // never set, in a non-empty word
    expect(bm.next(0)).toBe(70_000);
    expect(bm.prev(99_999)).toBe(70_000);
    expect(bm.has(70_000)).toBe(true);
  });

  it('finds neighbours across a sparse 1e7 bitmap (first, last and far-apart bits)', () => {
    const size = 1e7;
    const bm = new PriceBitmap(size);
    const bits = [0, 31, 32, 1_000_000, 5_000_000, 5_000_001, 9_999_999];
    for (const b of bits) bm.set(b);
    for (let k = 0; k < bits.length; k++) {
      expect(bm.next(bits[k])).toBe(bits[k]);
      expect(bm.next(bits[k] + 1)).toBe(k + 1 < bits.length ? bits[k + 1] : -1);
      expect(bm.prev(bits[k])).toBe(bits[k]);
      expect(bm.prev(bits[k] - 1)).toBe(k > 0 ? bits[k - 1] : -1);
    }
    // walking the whole set both ways
    const up: number[] = [];
    for (let i = bm.next(0); i !== -1; i = bm.next(i + 1)) up.push(i);
    expect(up).toEqual(bits);
    const down: number[] = [];
    for (let i = bm.prev(size - 1); i !== -1; i = bm.prev(i - 1)) down.push(i);
    expect(down).toEqual([...bits].reverse());
  });

  it.each([1, 5, 32, 33, 100, 1024, 1025, 40_000])('matches a naive set under random ops (size %i)', (size) => {
    fc.assert(
      fc.property(opsFor(size, 300), (ops) => check(size, ops)),
      { numRuns: 100 },
    );
  });

  it('matches a naive set under random ops (size 1e7)', () => {
    fc.assert(
      fc.property(opsFor(1e7, 300), (ops) => check(1e7, ops)),
      { numRuns: 40 },
    );
  });

  it('matches a naive set on a dense region', () => {
    const size = 5000;
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: size - 1 }), { minLength: 500, maxLength: 3000 }),
        fc.array(fc.integer({ min: -1, max: size }), { maxLength: 200 }),
        (bits, probes) => {
          const bm = new PriceBitmap(size);
          const ref = new Naive();
          bits.forEach((b, n) => {
            if (n % 3 === 2) {
              bm.clear(b);
              ref.delete(b);
            } else {
              bm.set(b);
              ref.add(b);
            }
          });
          for (const p of probes) {
            expect(bm.next(p)).toBe(ref.next(Math.max(0, p)));
            expect(bm.prev(p)).toBe(ref.prev(p));
          }
        },
      ),
      { numRuns: 50 },
    );
  });
});
