import fc from 'fast-check';
import { DecimalError, fromUnits, toUnits } from './decimal';

const code = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    return e instanceof DecimalError ? e.code : `${(e as Error).name}`;
  }
  return 'no error';
};

describe('toUnits', () => {
  it.each([
    ['42000.50', 2, 4200050],
    ['42000.5', 2, 4200050],
    ['42000', 2, 4200000],
    ['0.01', 2, 1],
    ['0', 2, 0],
    ['0.0', 0, 0],
    ['1.000000', 2, 100],
    ['007.10', 2, 710],
    ['0.1', 8, 10_000_000],
    ['0.000000000000000001', 18, 1],
    ['123', 0, 123],
    ['9007199254740991', 0, Number.MAX_SAFE_INTEGER],
    ['90071992547.40991', 5, Number.MAX_SAFE_INTEGER],
  ])('%s at %i decimals = %d', (s, d, want) => {
    expect(toUnits(s, d)).toBe(want);
  });

  it('is exact where floating point is not', () => {
    expect(toUnits('0.1', 1) + toUnits('0.2', 1)).toBe(toUnits('0.3', 1));
    expect(toUnits('1.005', 3)).toBe(1005);
    expect(toUnits('4.35', 2)).toBe(435); // 4.35 * 100 = 434.99999999999994 in floating point
  });

  it('negative values only when allowed', () => {
    expect(code(() => toUnits('-1.5', 2))).toBe('OUT_OF_RANGE');
    expect(toUnits('-1.5', 2, { allowNegative: true })).toBe(-150);
    expect(Object.is(toUnits('-0.00', 2, { allowNegative: true }), 0)).toBe(true);
  });

  it.each([
    ['', 'INVALID_DECIMAL'],
    ['abc', 'INVALID_DECIMAL'],
    ['1.', 'INVALID_DECIMAL'],
    ['.5', 'INVALID_DECIMAL'],
    ['+1', 'INVALID_DECIMAL'],
    ['1e5', 'INVALID_DECIMAL'],
    [' 1', 'INVALID_DECIMAL'],
    ['1 ', 'INVALID_DECIMAL'],
    ['1,5', 'INVALID_DECIMAL'],
    ['1.2.3', 'INVALID_DECIMAL'],
    ['0x10', 'INVALID_DECIMAL'],
    ['Infinity', 'INVALID_DECIMAL'],
    ['NaN', 'INVALID_DECIMAL'],
    ['--1', 'INVALID_DECIMAL'],
    ['1'.repeat(31), 'INVALID_DECIMAL'],
    ['1.001', 'TOO_MANY_DECIMALS'],
    ['0.123', 'TOO_MANY_DECIMALS'],
    ['9007199254740992', 'OUT_OF_RANGE'],
    ['90071992547409.92', 'OUT_OF_RANGE'],
    ['1'.repeat(30), 'OUT_OF_RANGE'],
  ])('%j at 2 decimals ⇒ %s', (s, want) => {
    expect(code(() => toUnits(s, want === 'OUT_OF_RANGE' && !s.includes('.') ? 0 : 2))).toBe(want);
  });

  it('rejects non-strings and bad scales', () => {
    expect(code(() => toUnits(12 as unknown as string, 2))).toBe('INVALID_DECIMAL');
    expect(code(() => toUnits(null as unknown as string, 2))).toBe('INVALID_DECIMAL');
    expect(code(() => toUnits('1', -1))).toBe('RangeError');
    expect(code(() => toUnits('1', 19))).toBe('RangeError');
    expect(code(() => toUnits('1', 1.5))).toBe('RangeError');
    expect(toUnits('0.000001', 18)).toBe(1e12);
    expect(code(() => toUnits('1', 18))).toBe('OUT_OF_RANGE'); // 10^18 units is beyond 2^53
  });

  it('errors are DecimalErrors with a code and message', () => {
    try {
      toUnits('1.234', 2);
      throw new Error('expected a throw');
    } catch (e) {
      expect(e).toBeInstanceOf(DecimalError);
      expect(e).toBeInstanceOf(Error);
      expect((e as DecimalError).name).toBe('DecimalError');
      expect((e as DecimalError).message).toContain('1.234');
    }
  });
});

describe('fromUnits', () => {
  it.each([
    [4200050, 2, '42000.50'],
    [1, 2, '0.01'],
    [0, 2, '0.00'],
    [0, 0, '0'],
    [5, 3, '0.005'],
    [123, 0, '123'],
    [-5, 2, '-0.05'],
    [-150, 2, '-1.50'],
    [Number.MAX_SAFE_INTEGER, 8, '90071992.54740991'],
    [1, 18, '0.000000000000000001'],
  ])('%d at %i decimals = %s', (u, d, want) => {
    expect(fromUnits(u, d)).toBe(want);
  });

  it('accepts bigints beyond the safe range', () => {
    expect(fromUnits(123456789012345678901234567890n, 10)).toBe('12345678901234567890.1234567890');
    expect(fromUnits(-1n, 3)).toBe('-0.001');
  });

  it('rejects unsafe or fractional numbers', () => {
    expect(() => fromUnits(1.5, 2)).toThrow(RangeError);
    expect(() => fromUnits(2 ** 53, 2)).toThrow(RangeError);
    expect(() => fromUnits(Number.NaN, 2)).toThrow(RangeError);
    expect(() => fromUnits(Infinity, 2)).toThrow(RangeError);
  });
});

describe('round trips', () => {
  const units = fc.oneof(
    fc.integer({ min: -1e6, max: 1e6 }),
    fc.maxSafeInteger(),
    fc.constantFrom(0, 1, -1, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER),
  );
  const decimals = fc.integer({ min: 0, max: 18 });

  it('toUnits(fromUnits(n)) = n', () => {
    fc.assert(
      fc.property(units, decimals, (n, d) => {
        const s = fromUnits(n, d);
        expect(toUnits(s, d, { allowNegative: true })).toBe(n === 0 ? 0 : n);
        // exactly d fraction digits
        expect(s.includes('.') ? s.split('.')[1].length : 0).toBe(d);
      }),
      { numRuns: 300 },
    );
  });

  it('fromUnits(toUnits(s)) is s in canonical form', () => {
    const digits = (min: number, max: number) =>
      fc.array(fc.integer({ min: 0, max: 9 }), { minLength: min, maxLength: max }).map((a) => a.join(''));
    fc.assert(
      fc.property(
        digits(1, 4),
        digits(0, 6),
        fc.integer({ min: 6, max: 10 }),
        fc.integer({ min: 0, max: 4 }),
        (whole, frac, d, extraZeros) => {
          const s = frac.length ? `${whole}.${frac}${'0'.repeat(extraZeros)}` : whole;
          const u = toUnits(s, d);
          const canon = `${BigInt(whole)}.${frac.padEnd(d, '0')}`;
          expect(fromUnits(u, d)).toBe(canon);
          // and scaling is consistent with a coarser/finer scale
          expect(toUnits(s, d + 1)).toBe(u * 10);
        },
      ),
      { numRuns: 300 },
    );
  });
});
