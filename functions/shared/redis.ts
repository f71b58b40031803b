import Redis from 'ioredis';
import { config } from './config';

let shared: Redis | undefined;

/** The container's Redis connection; commands fail fast instead of queueing while it is down. */
export function redis(): Redis {
  shared ??= new Redis(config().REDIS_URL, {
    keyPrefix: config().REDIS_KEY_PREFIX,
    maxRetriesPerRequest: 2,
    connectTimeout: 3_000,
    lazyConnect: false,
  });
  return shared;
}

/** Close the connection (tests, scripts); the next `redis()` opens a new one. */
export async function closeRedis(): Promise<void> {
  const r = shared;
  shared = undefined;
  await r?.quit();
}
