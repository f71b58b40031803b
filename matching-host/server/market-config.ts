import type { MarketConfig } from './host-core';

/** The markets the local stack runs with (and tests use): prices in cents, quantities in 1e-4 BTC. */
export const DEFAULT_MARKET: MarketConfig = {
  assets: { USD: { decimals: 6 }, BTC: { decimals: 8 }, ETH: { decimals: 8 } },
  symbols: [
    {
      symbol: 'BTC-USD', base: 'BTC', quote: 'USD', priceDecimals: 2, qtyDecimals: 4,
      tickSize: 1, lotSize: 1, minPrice: 1, maxPrice: 100_000_000, minQty: 1, maxQty: 1_000_000_000, bandBps: 1000,
    },
    {
      symbol: 'ETH-USD', base: 'ETH', quote: 'USD', priceDecimals: 2, qtyDecimals: 4,
      tickSize: 1, lotSize: 1, minPrice: 1, maxPrice: 10_000_000, minQty: 1, maxQty: 1_000_000_000, bandBps: 1000,
    },
  ],
};
