/**
 * The market data views the matching host keeps in Redis (ElastiCache) and the markets API reads:
 * where they live and what they hold. Each is stamped with the market data sequence it reflects.
 */
/**
 * Every Redis key of a stack (these views, sessions, rate limits, subscriptions) is written under
 * the stack's prefix (REDIS_KEY_PREFIX, applied by the connection), so stacks sharing one Redis
 * never see each other's. Unless set, a stage's is `exchange:<stage>:`, the same for the host, the
 * functions and the scripts; npm start's (stage local) is the same across restarts.
 */
export const redisKeyPrefixFor = (stage: string): string => `exchange:${stage}:`;
export const DEFAULT_REDIS_KEY_PREFIX = redisKeyPrefixFor('local');
/** `name:` or `name:sub:`…: letters, digits, `.`, `_`, `-`, each part ending in a colon */
export const REDIS_KEY_PREFIX_PATTERN = /^([A-Za-z0-9._-]+:)+$/;

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
  /**
   * The lowest and highest limit price the host accepts now (edges included; beyond them
   * PRICE_OUT_OF_BAND), around `last` or, before the first trade, the market's reference price;
   * null when no band applies.
   */
  priceBand: { low: string; high: string } | null;
}
