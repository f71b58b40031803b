import { connectRedis, type RedisClient } from '../../matching-host/proto/redis-connection';
import { config } from './config';
import { secretField } from './secret-store';

export type { RedisClient };

let shared: RedisClient | undefined;
/** the auth token, once read (AWS: REDIS_AUTH_SECRET); the local Redis has none */
let token: string | undefined;

/**
 * Read what connecting needs before the first command: the auth token from the secret store (once
 * per container). Every middy stack awaits it (middleware/observed.ts); without a secret it is a no-op.
 */
export async function redisReady(): Promise<void> {
  const cfg = config();
  if (cfg.REDIS_AUTH_SECRET && token === undefined) token = await secretField(cfg.REDIS_AUTH_SECRET, 'token', cfg.STAGE);
}

/** REDIS_URL with the auth token read at run time, never carried in the environment. */
function urlWithToken(url: string): string {
  if (!config().REDIS_AUTH_SECRET) return url;
  if (token === undefined) throw new Error('Redis used before redisReady(): its auth token has not been read');
  const u = new URL(url);
  u.password = encodeURIComponent(token);
  return u.toString();
}

/**
 * The container's Redis connection (a Redis Cluster client when REDIS_CLUSTER is true); commands
 * fail fast instead of queueing while it is down.
 */
export function redis(): RedisClient {
  shared ??= connectRedis({
    url: urlWithToken(config().REDIS_URL),
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
