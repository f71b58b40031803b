/**
 * The market data views the matching host keeps in Redis (ElastiCache) and the markets API reads:
 * where they live and what they hold. Each is stamped with the market data sequence it reflects.
 */
export const redisKeys = {
  book: (symbol: string): string => `md:${symbol}:book`,
  ticker: (symbol: string): string => `md:${symbol}:ticker`,
  /** newest first (LPUSH), at most 100; each entry a JSON TradeView */
  trades: (symbol: string): string => `md:${symbol}:trades`,
  snapshot: 'host:snapshot',
  snapshotSeq: 'host:snapshot:seq',
};

/** Top of the book: levels as [price, quantity, orders], best first. */
export interface BookView {
  symbol: string;
  sequence: number;
  time: number;
  bids: [string, string, number][];
  asks: [string, string, number][];
}

export interface Ticker {
  symbol: string;
  sequence: number;
  time: number;
  last: string | null;
  lastQuantity: string | null;
  bestBid: string | null;
  bestAsk: string | null;
  status: 'trading' | 'halted';
}
