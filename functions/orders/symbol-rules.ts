/**
 * An order's price and quantity against its symbol's rules, checked at the edge before the
 * matching host is asked (the host checks again): decimals, tick, lot, min/max, and the price band
 * the host publishes. Refusals carry the engine's own reason codes.
 */
import { DecimalError, toUnits } from '../../matching-host/proto/decimal';
import type { SymbolSpec } from '../../matching-host/proto/market-config';
import type { Ticker } from '../../matching-host/proto/market-data-views';
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

/**
 * `band`: the band the host last published in its ticker (null: none applies, or no ticker yet).
 * The host computes it from the specs and state it runs with (recovered specs, its last trade),
 * so the edge refuses only by that; without one the host decides. A ticker may trail the host by
 * a moment, when a trade has just moved the band.
 */
export function checkPrice(spec: SymbolSpec, price: string, band: Ticker['priceBand']): number {
  const p = units(price, spec.priceDecimals, 'price');
  if (p <= 0) throw badRequest('INVALID_PRICE', 'price must be positive');
  if (p % spec.tickSize !== 0) throw badRequest('PRICE_OFF_TICK', `price must be a multiple of ${fmt(spec.tickSize, spec.priceDecimals)}`);
  if (p < spec.minPrice || p > spec.maxPrice)
    throw badRequest(
      'PRICE_OUT_OF_RANGE',
      `price must be between ${fmt(spec.minPrice, spec.priceDecimals)} and ${fmt(spec.maxPrice, spec.priceDecimals)}`,
    );
  const edges = band && bandUnits(band, spec.priceDecimals);
  if (edges && (p < edges[0] || p > edges[1]))
    throw badRequest('PRICE_OUT_OF_BAND', `price must be within the band in force: ${band.low} to ${band.high}`);
  return p;
}

/** null for a band in other decimals than this edge's listing (a host on other specs): the host decides. */
function bandUnits(band: NonNullable<Ticker['priceBand']>, decimals: number): [number, number] | null {
  try {
    return [toUnits(band.low, decimals), toUnits(band.high, decimals)];
  } catch (e) {
    if (e instanceof DecimalError) return null;
    throw e;
  }
}

function fmt(u: number, decimals: number): string {
  const s = u.toString().padStart(decimals + 1, '0');
  return decimals ? `${s.slice(0, -decimals)}.${s.slice(-decimals)}` : s;
}
