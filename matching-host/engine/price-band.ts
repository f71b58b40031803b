/**
 * The price band around a symbol's reference price: limit prices outside it are PRICE_OUT_OF_BAND.
 * The engine checks against `priceBand` (Book.updateBand); `acceptedBand` turns the same numbers
 * into what a client can act on, the lowest and highest limit price the engine would accept.
 */
import type { SymbolSpec } from './types';

export type BandSpec = Pick<SymbolSpec, 'tickSize' | 'minPrice' | 'maxPrice' | 'bandBps' | 'referencePrice'>;

/** The prices [low, high] a limit order may have around reference `ref` (price units) with a band of `bps`; both edges inclusive. */
export function priceBand(ref: number, bps: number): [number, number] {
  const band = Math.floor((ref * bps) / 10000);
  return [ref - band, ref + band];
}

/** What the band is around: the last trade's price, else the listing's reference price; 0 when neither exists. */
export function bandReference(spec: BandSpec, lastPrice: number): number {
  return lastPrice || (spec.referencePrice ?? 0);
}

/**
 * Lowest and highest limit price (price units) the engine accepts with last trade `lastPrice` (0:
 * none yet), or null when no band applies (band off, or no trade and no reference price). The
 * edges are brought onto the tick grid and into [minPrice, maxPrice], because a price off the grid
 * or out of range is refused too; the reference itself always lies within.
 */
export function acceptedBand(spec: BandSpec, lastPrice: number): { low: number; high: number } | null {
  const ref = bandReference(spec, lastPrice);
  if (spec.bandBps === 0 || ref === 0) return null;
  const [low, high] = priceBand(ref, spec.bandBps);
  const tick = spec.tickSize;
  return { low: Math.max(Math.ceil(low / tick) * tick, spec.minPrice), high: Math.min(Math.floor(high / tick) * tick, spec.maxPrice) };
}
