/**
 * An order's price and quantity against its symbol's rules, checked at the edge before the
 * matching host is asked (the host checks again): decimals, tick, lot, min/max and the price band
 * around the last trade. Refusals carry the engine's own reason codes.
 */
import { DecimalError, toUnits } from '../../matching-host/engine/decimal';
import { priceBand } from '../../matching-host/engine/book';
import type { SymbolSpec } from '../../matching-host/engine/types';
import { badRequest } from '../shared/errors';

function units(value: string, decimals: number, field: 'price' | 'quantity'): number {
  try {
    return toUnits(value, decimals);
  } catch (e) {
    if (e instanceof DecimalError) throw badRequest(field === 'price' ? 'INVALID_PRICE' : 'INVALID_QUANTITY', `${field}: ${e.message}`);
    throw e;
  }
}

export function checkQuantity(spec: SymbolSpec, quantity: string): number {
  const q = units(quantity, spec.qtyDecimals, 'quantity');
  if (q <= 0) throw badRequest('INVALID_QUANTITY', 'quantity must be positive');
  if (q % spec.lotSize !== 0) throw badRequest('QUANTITY_OFF_LOT', `quantity must be a multiple of ${fmt(spec.lotSize, spec.qtyDecimals)}`);
  if (q < spec.minQty) throw badRequest('QUANTITY_BELOW_MIN', `quantity must be at least ${fmt(spec.minQty, spec.qtyDecimals)}`);
  if (q > spec.maxQty) throw badRequest('QUANTITY_ABOVE_MAX', `quantity must be at most ${fmt(spec.maxQty, spec.qtyDecimals)}`);
  return q;
}

/** `last`: the last trade's price (decimal string) when known: the band is around it. */
export function checkPrice(spec: SymbolSpec, price: string, last: string | null): number {
  const p = units(price, spec.priceDecimals, 'price');
  if (p <= 0) throw badRequest('INVALID_PRICE', 'price must be positive');
  if (p % spec.tickSize !== 0) throw badRequest('PRICE_OFF_TICK', `price must be a multiple of ${fmt(spec.tickSize, spec.priceDecimals)}`);
  if (p < spec.minPrice || p > spec.maxPrice)
    throw badRequest('PRICE_OUT_OF_RANGE', `price must be between ${fmt(spec.minPrice, spec.priceDecimals)} and ${fmt(spec.maxPrice, spec.priceDecimals)}`);
  const ref = last !== null ? units(last, spec.priceDecimals, 'price') : spec.referencePrice;
  if (spec.bandBps > 0 && ref !== undefined && ref > 0) {
    const [lo, hi] = priceBand(ref, spec.bandBps);
    if (p < lo || p > hi) throw badRequest('PRICE_OUT_OF_BAND', `price must be within ${spec.bandBps / 100}% of ${fmt(ref, spec.priceDecimals)}: ${fmt(lo, spec.priceDecimals)} to ${fmt(hi, spec.priceDecimals)}`);
  }
  return p;
}

function fmt(u: number, decimals: number): string {
  const s = u.toString().padStart(decimals + 1, '0');
  return decimals ? `${s.slice(0, -decimals)}.${s.slice(-decimals)}` : s;
}
