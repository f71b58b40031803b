import fc from 'fast-check';
import { IntMap } from './int-map';

type Op = { k: 'set' | 'delete' | 'get'; key: number; value: number };

function check(initial: number, ops: Op[]): void {
  const m = new IntMap(initial);
  const ref = new Map<number, number>();
  const fail = (what: string, got: unknown, want: unknown): never => {
    throw new Error(`${what}: got ${String(got)}, want ${String(want)}`);
  };
  for (const { k, key, value } of ops) {
    switch (k) {
      case 'set':
        m.set(key, value);
        ref.set(key, value);
        break;
      case 'delete': {
        const want = ref.has(key) ? ref.get(key)! : -1;
        ref.delete(key);
        const got = m.delete(key);
        if (got !== want) fail(`delete(${key})`, got, want);
        break;
      }
      case 'get': {
        const want = ref.has(key) ? ref.get(key)! : -1;
        if (m.get(key) !== want) fail(`get(${key})`, m.get(key), want);
        if (m.has(key) !== ref.has(key)) fail(`has(${key})`, m.has(key), ref.has(key));
        break;
      }
    }
    if (m.size !== ref.size) fail('size', m.size, ref.size);
  }
  // full comparison at the end: every key, and forEach enumerates exactly the map
  for (const [key, value] of ref) if (m.get(key) !== value) fail(`final get(${key})`, m.get(key), value);
  const seen = new Map<number, number>();
  m.forEach((key, value) => {
    if (seen.has(key)) fail(`forEach repeats ${key}`, true, false);
    seen.set(key, value);
  });
  expect(seen).toEqual(ref);
}

/** Keys from a tiny pool (collisions, re-insertion after delete), sequential ids, and large keys. */
const keyArb = fc.oneof(
  fc.integer({ min: 1, max: 40 }),
  fc.integer({ min: 1, max: 5000 }),
  fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
  fc.integer({ min: 0, max: 64 }).map((n) => 2 ** 32 + n * 2 ** 32 + 1), // same low 32 bits, different high halves
  fc.integer({ min: 1, max: 64 }).map((n) => n * 1024), // multiples of the table size
);
const opArb = fc.record({
  k: fc.constantFrom<Op['k']>('set', 'set', 'set', 'delete', 'delete', 'get'),
  key: keyArb,
  value: fc.oneof(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.constant(0)),
});

/** keys that land in the same home slot of a 16-slot table (found by trying, via observed probe behaviour) */
function sameSlotKeys(count: number): number[] {
  // Fibonacci hash of a small key: slot = (key * 0x9e3779b1 >>> 0) >>> 28 for a 16-slot table
  const slot = (k: number) => Math.imul(k >>> 0, 0x9e3779b1) >>> 28;
  const out: number[] = [];
  for (let k = 1; out.length < count; k++) if (slot(k) === slot(1)) out.push(k);
  return out;
}

describe('IntMap', () => {
  it('basic set/get/overwrite/delete', () => {
    const m = new IntMap(4);
    expect(m.get(1)).toBe(-1);
    m.set(1, 10);
    m.set(2, 0);
    expect(m.get(1)).toBe(10);
    expect(m.get(2)).toBe(0);
    expect(m.has(2)).toBe(true);
    m.set(1, 11);
    expect(m.size).toBe(2);
    expect(m.get(1)).toBe(11);
    expect(m.delete(1)).toBe(11);
    expect(m.delete(1)).toBe(-1);
    expect(m.get(1)).toBe(-1);
    expect(m.size).toBe(1);
    m.clear();
    expect(m.size).toBe(0);
    expect(m.get(2)).toBe(-1);
    m.set(2, 5);
    expect(m.get(2)).toBe(5);
  });

  it('handles keys across the whole safe-integer range', () => {
    const m = new IntMap(2);
    const keys = [
      1,
      2 ** 31 - 1,
      2 ** 31,
      2 ** 32 - 1,
      2 ** 32,
      2 ** 32 + 1,
      2 ** 52 + 3,
      Number.MAX_SAFE_INTEGER,
      Number.MAX_SAFE_INTEGER - 1,
    ];
    keys.forEach((k, i) => m.set(k, i));
    keys.forEach((k, i) => expect(m.get(k)).toBe(i));
    expect(m.size).toBe(keys.length);
  });

  it('long probe runs: deleting from the middle of a cluster keeps the rest reachable', () => {
    const keys = sameSlotKeys(6);
    for (let del = 0; del < keys.length; del++) {
      const m = new IntMap(8); // 16 slots, no growth with 6 keys
      keys.forEach((k, i) => m.set(k, i));
      expect(m.delete(keys[del])).toBe(del);
      keys.forEach((k, i) => expect(m.get(k)).toBe(i === del ? -1 : i));
      m.set(keys[del], 99);
      expect(m.get(keys[del])).toBe(99);
      expect(m.size).toBe(keys.length);
    }
  });

  it('wrap-around clusters at the end of the table', () => {
    // keys whose home slot is the last slot of a 16-slot table
    const slot = (k: number) => Math.imul(k >>> 0, 0x9e3779b1) >>> 28;
    const tail: number[] = [];
    const head: number[] = [];
    for (let k = 1; tail.length < 3 || head.length < 3; k++) {
      if (slot(k) === 15 && tail.length < 3) tail.push(k);
      else if (slot(k) === 0 && head.length < 3) head.push(k);
    }
    const all = [...tail, ...head];
    for (let del = 0; del < all.length; del++) {
      const m = new IntMap(8);
      all.forEach((k, i) => m.set(k, i));
      m.delete(all[del]);
      all.forEach((k, i) => expect(m.get(k)).toBe(i === del ? -1 : i));
    }
  });

  it('grows from a tiny table through many doublings', () => {
    const m = new IntMap(1);
    const n = 100_000;
    for (let i = 1; i <= n; i++) m.set(i * 7, i);
    expect(m.size).toBe(n);
    let wrong = 0;
    for (let i = 1; i <= n; i++) if (m.get(i * 7) !== i) wrong++;
    expect(wrong).toBe(0);
    for (let i = 1; i <= n; i += 2) if (m.delete(i * 7) !== i) wrong++;
    expect(wrong).toBe(0);
    expect(m.size).toBe(n / 2);
    for (let i = 1; i <= n; i++) if (m.get(i * 7) !== (i % 2 ? -1 : i)) wrong++;
    expect(wrong).toBe(0);
  });

  it.each([1, 8, 64])('matches a Map under random set/delete/get (initial capacity %i)', (initial) => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 400, size: 'max' }), (ops) => check(initial, ops)),
      { numRuns: 200 },
    );
  });

  it('matches a Map with heavy churn in a tiny key pool', () => {
    const churn = fc.record({
      k: fc.constantFrom<Op['k']>('set', 'delete', 'get'),
      key: fc.integer({ min: 1, max: 24 }),
      value: fc.integer({ min: 0, max: 1000 }),
    });
    fc.assert(
      fc.property(fc.array(churn, { minLength: 50, maxLength: 600, size: 'max' }), (ops) => check(4, ops)),
      { numRuns: 200 },
    );
  });
});
