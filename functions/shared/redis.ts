import { connectRedis, type RedisClient } from '../../matching-host/proto/redis-connection';
import { config } from './config';

export type { RedisClient };

let shared: RedisClient | undefined;

/**
 * The container's Redis connection (a Redis Cluster client when REDIS_CLUSTER is true); commands
 * fail fast instead of queueing while it is down.
 */
export function redis(): RedisClient {
  shared ??= connectRedis({
    url: config().REDIS_URL,
    cluster: config().REDIS_CLUSTER,
    keyPrefix: config().REDIS_KEY_PREFIX,
    maxRetriesPerRequest: 2,
    connectTimeout: 3_000,
  });
  return shared;
}

/** Close the connection (tests, scripts); the next `redis()` opens a new one. */
export async function closeRedis(): Promise<void> {
  const r = shared;
  shared = undefined;
  await r?.quit();
}
