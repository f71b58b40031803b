/**
 * Each test's Redis keys live under a prefix of its own (REDIS_KEY_PREFIX), so test files running
 * side by side, and a developer's npm start, never see each other's: a test removes its own keys,
 * never a whole database.
 */
import Redis from 'ioredis';

/** A prefix no other run or file shares. */
export function testKeyPrefix(name: string): string {
  return `exchange:test-${name}-${process.pid}-${Math.floor(Math.random() * 1e9).toString(36)}:`;
}

/** Delete every key under `prefix` (in the database of `url`). */
export async function deleteKeys(prefix: string, url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'): Promise<void> {
  const redis = new Redis(url);
  try {
    for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 1000 }) as AsyncIterable<string[]>)
      if (keys.length) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}
