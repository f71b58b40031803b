import fc from 'fast-check';
import { IdempotencyWindow } from './idempotency-window';

describe('IdempotencyWindow', () => {
  it('remembers per account and evicts the oldest keys beyond its capacity', () => {
    const w = new IdempotencyWindow<number>(3);
    w.set(1, 'a', 1);
    w.set(2, 'a', 2);
    w.set(1, 'b', 3);
    expect([w.get(1, 'a'), w.get(2, 'a'), w.get(1, 'b')]).toEqual([1, 2, 3]);
    w.set(1, 'c', 4);
    expect(w.get(1, 'a')).toBeUndefined();
    expect(w.size).toBe(3);
    expect(w.toArray()).toEqual([2, 3, 4]);
  });

  it('never evicts a pinned key (an open order) and evicts it once unpinned', () => {
    const open = new Set([1]);
    const w = new IdempotencyWindow<number>(2, (v) => open.has(v));
    w.set(1, 'open', 1);
    for (let i = 2; i < 50; i++) w.set(1, `k${i}`, i);
    expect(w.get(1, 'open')).toBe(1);
    expect(w.size).toBe(2);
    open.clear();
    // a pinned key went to the back of the queue when passed over; two newer keys push it out
    w.set(1, 'next', 99);
    w.set(1, 'next2', 100);
    expect(w.get(1, 'open')).toBeUndefined();
    expect(w.size).toBe(2);
  });

  it('evicts the same keys for the same sequence of inserts (replay agrees with the live host)', () => {
    const run = (): number[] => {
      const w = new IdempotencyWindow<number>(100, (v) => v % 7 === 0);
      for (let i = 0; i < 5000; i++) w.set(i % 13, `k${i}`, i);
      return w.toArray();
    };
    expect(run()).toEqual(run());
  });
});

describe('IdempotencyWindow against a reference model', () => {
  /** The same contract with plain Maps and arrays: what the typed-array version must match. */
  class Reference {
    private readonly map = new Map<string, number>();
    private queue: [number, string][] = [];
    constructor(
      private readonly capacity: number,
      private readonly pinned: (v: number) => boolean,
    ) {}
    get(account: number, key: string): number | undefined {
      return this.map.get(`${account}\u0000${key}`);
    }
    set(account: number, key: string, value: number): void {
      const k = `${account}\u0000${key}`;
      const had = this.map.has(k);
      this.map.set(k, value);
      if (had) return;
      this.queue.push([account, key]);
      let budget = this.queue.length;
      while (this.map.size > this.capacity && budget-- > 0) {
        const [a, kk] = this.queue.shift() as [number, string];
        const full = `${a}\u0000${kk}`;
        if (this.pinned(this.map.get(full) as number)) this.queue.push([a, kk]);
        else this.map.delete(full);
      }
    }
    values(): number[] {
      return this.queue.map(([a, k]) => this.get(a, k) as number);
    }
  }

  it('agrees on every lookup through growth, pinning and eviction', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1500 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 2000 }), fc.boolean()), {
          minLength: 500,
          maxLength: 4000,
        }),
        (capacity, ops) => {
          const open = new Set<number>();
          const pinned = (v: number): boolean => open.has(v);
          const dropped: number[] = [];
          const w = new IdempotencyWindow<number>(capacity, pinned, (v) => dropped.push(v));
          const ref = new Reference(capacity, pinned);
          let value = 0;
          for (const [account, k, pin] of ops) {
            const key = `k${k}`;
            expect(w.get(account, key)).toBe(ref.get(account, key));
            if (ref.get(account, key) === undefined) {
              value++;
              if (pin) open.add(value);
              w.set(account, key, value);
              ref.set(account, key, value);
            } else if (pin) open.clear();
          }
          expect(w.toArray()).toEqual(ref.values());
          expect(w.size).toBe(ref.values().length);
          for (const v of dropped) expect(w.toArray()).not.toContain(v);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('finds keys whose hashes collide in the index', () => {
    // 1,000 keys in a window that grows its index several times, then removal of every other one
    const keep = new Set<number>();
    const w = new IdempotencyWindow<number>(500, (v) => keep.has(v));
    for (let i = 0; i < 1000; i++) {
      if (i % 2 === 0) keep.add(i);
      w.set(i % 3, `id-${i}`, i);
    }
    for (let i = 0; i < 1000; i++) expect(w.get(i % 3, `id-${i}`)).toBe(i % 2 === 0 ? i : undefined);
    expect(w.get(1, 'id-0')).toBeUndefined();
  });
});

describe('IdempotencyWindow.restore', () => {
  it('appends as recorded, over capacity if the snapshot was, evicting nothing; a key twice is refused', () => {
    const w = new IdempotencyWindow<number>(2);
    for (let i = 1; i <= 4; i++) w.restore(1, `k${i}`, i);
    expect(w.toArray()).toEqual([1, 2, 3, 4]);
    expect(() => w.restore(1, 'k2', 9)).toThrow(/twice/);
    // the next insert evicts down to capacity, oldest first, as the live window would have
    w.set(1, 'k5', 5);
    expect(w.toArray()).toEqual([4, 5]);
  });
});
