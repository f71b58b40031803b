/**
 * Exact conversion between decimal strings ("42000.50") and integer units (4200050 at 2 decimals).
 * Done on the digits themselves, never through floating point, so "0.1" + "0.2" style errors
 * cannot reach the book.
 */
export type DecimalErrorCode = 'INVALID_DECIMAL' | 'TOO_MANY_DECIMALS' | 'OUT_OF_RANGE';

export class DecimalError extends Error {
  constructor(
    readonly code: DecimalErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DecimalError';
  }
}

const DECIMAL = /^(-?)(\d{1,30})(?:\.(\d{1,30}))?$/;

/** Parse a decimal string into integer units of 10^-decimals. Trailing zeros beyond the scale are fine. */
export function toUnits(value: string, decimals: number, options: { allowNegative?: boolean } = {}): number {
  const units = toBigUnits(value, decimals, options);
  if (units > BigInt(Number.MAX_SAFE_INTEGER) || units < -BigInt(Number.MAX_SAFE_INTEGER))
    throw new DecimalError('OUT_OF_RANGE', `${value} is too large`);
  return Number(units);
}

/** toUnits without the safe-integer limit: ledger amounts (up to 30 whole digits). */
export function toBigUnits(value: string, decimals: number, options: { allowNegative?: boolean } = {}): bigint {
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 18) throw new RangeError('decimals must be 0..18');
  const m = typeof value === 'string' ? DECIMAL.exec(value) : null;
  if (!m) throw new DecimalError('INVALID_DECIMAL', `not a decimal number: ${JSON.stringify(value)}`);
  const [, sign, whole, frac = ''] = m;
  if (sign && !options.allowNegative) throw new DecimalError('OUT_OF_RANGE', `negative amount: ${value}`);
  const significant = frac.replace(/0+$/, '');
  if (significant.length > decimals) throw new DecimalError('TOO_MANY_DECIMALS', `${value} has more than ${decimals} decimal places`);
  const units = BigInt(whole + significant.padEnd(decimals, '0'));
  return sign ? -units : units;
}

/** Format integer units as a decimal string with exactly `decimals` places. */
export function fromUnits(units: number | bigint, decimals: number): string {
  if (typeof units === 'number' && !Number.isSafeInteger(units)) throw new RangeError(`not a safe integer: ${units}`);
  let v = BigInt(units);
  const negative = v < 0n;
  if (negative) v = -v;
  const digits = v.toString().padStart(decimals + 1, '0');
  const whole = digits.slice(0, digits.length - decimals);
  const frac = digits.slice(digits.length - decimals);
  return (negative ? '-' : '') + (decimals > 0 ? `${whole}.${frac}` : whole);
}
