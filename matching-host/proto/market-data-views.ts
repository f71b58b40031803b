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

/**
 * `{…}` is a Redis Cluster hash tag: a symbol's three views are written in one transaction, and
 * the snapshot with its sequence, so each group lives in one slot (ElastiCache in cluster mode
 * refuses a transaction across slots: CROSSSLOT). Different symbols spread over the shards.
 */
export const redisKeys = {
  book: (symbol: string): string => `md:{${symbol}}:book`,
  ticker: (symbol: string): string => `md:{${symbol}}:ticker`,
  /** newest first (LPUSH), at most 100; each entry a JSON TradeView */
  trades: (symbol: string): string => `md:{${symbol}}:trades`,
  snapshot: 'host:{snapshot}',
  snapshotSeq: 'host:{snapshot}:seq',
};

/** their shapes, declared once with the other published messages (zod: every reader validates) */
export { BookView, Ticker } from './messages';
