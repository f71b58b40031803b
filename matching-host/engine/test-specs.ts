import type { SymbolSpec } from './types';

/** A plain symbol spec for tests: integer prices 1..1,000,000, tick and lot 1, no price band. */
export function testSpec(symbol: string, over: Partial<SymbolSpec> = {}): SymbolSpec {
  return {
    symbol,
    base: symbol.split('-')[0],
    quote: 'USD',
    priceDecimals: 2,
    qtyDecimals: 3,
    tickSize: 1,
    lotSize: 1,
    minPrice: 1,
    maxPrice: 1_000_000,
    minQty: 1,
    maxQty: 1_000_000,
    bandBps: 0,
    ...over,
  };
}
