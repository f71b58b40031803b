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
