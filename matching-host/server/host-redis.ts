/**
 * The host's one Redis connection (the market data views, the snapshot mirror): one node, or a
 * Redis Cluster when REDIS_CLUSTER is true. It fails fast while disconnected: the view writer
 * retries with backoff instead of queueing unboundedly.
 */
import { redisKeys } from '../proto/market-data-views';
import { connectRedis, transaction, type RedisClient } from '../proto/redis-connection';
import type { HostConfig } from './config';

export function hostRedis(cfg: Pick<HostConfig, 'REDIS_URL' | 'REDIS_CLUSTER' | 'REDIS_KEY_PREFIX'>): RedisClient | undefined {
  if (!cfg.REDIS_URL) return undefined;
  return connectRedis({
    url: cfg.REDIS_URL,
    cluster: cfg.REDIS_CLUSTER,
    keyPrefix: cfg.REDIS_KEY_PREFIX,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
  });
}

/** A copy of the newest snapshot with its sequence, both or neither (the keys share a slot). */
export async function mirrorSnapshot(redis: RedisClient, seq: number, bytes: Buffer): Promise<void> {
  await transaction(redis.multi().set(redisKeys.snapshot, bytes).set(redisKeys.snapshotSeq, String(seq)));
}
