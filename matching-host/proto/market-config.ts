/**
 * The markets a host runs (symbols and the assets they trade), shared by the host and its clients:
 * the functions check prices and quantities, convert amounts and settle with the same figures.
 */
import type { SymbolSpec } from '../engine/types';

export type { SymbolSpec };

export interface AssetSpec {
  /** decimal places of the asset's balance unit */
  decimals: number;
}

export interface MarketConfig {
  symbols: SymbolSpec[];
  assets: Record<string, AssetSpec>;
  /** orders' client ids remembered for idempotent retries (most recent; open orders always) */
  idempotencyWindow?: number;
  /** transfer ids: how long each is remembered (journaled time) and how many at most (server/core/reply-window.ts) */
  transferIdWindow?: { ms?: number; capacity?: number };
  /** cancel / replace / cancel-all request ids: the same (see DEFAULT_REQUEST_ID_WINDOW) */
  requestIdWindow?: { ms?: number; capacity?: number };
}

/**
 * The markets the local stack runs with (and tests use): prices in cents, quantities in 1e-4 BTC.
 * Each is listed with a reference price, as a venue lists a market: the ±bandBps band applies
 * around it from the first order until the first trade, so a fat finger cannot set the first price.
 */
export const DEFAULT_MARKET: MarketConfig = {
  assets: { USD: { decimals: 6 }, BTC: { decimals: 8 }, ETH: { decimals: 8 } },
  symbols: [
    {
      symbol: 'BTC-USD',
      base: 'BTC',
      quote: 'USD',
      priceDecimals: 2,
      qtyDecimals: 4,
      tickSize: 1,
      lotSize: 1,
      minPrice: 1,
      maxPrice: 100_000_000,
      minQty: 1,
      maxQty: 1_000_000_000,
      bandBps: 1000,
      referencePrice: 4_200_000, // 42,000.00
    },
    {
      symbol: 'ETH-USD',
      base: 'ETH',
      quote: 'USD',
      priceDecimals: 2,
      qtyDecimals: 4,
      tickSize: 1,
      lotSize: 1,
      minPrice: 1,
      maxPrice: 10_000_000,
      minQty: 1,
      maxQty: 1_000_000_000,
      bandBps: 1000,
      referencePrice: 300_000, // 3,000.00
    },
  ],
};
