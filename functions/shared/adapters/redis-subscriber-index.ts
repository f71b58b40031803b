import type Redis from 'ioredis';
import type { SubscriberIndex } from '../ports/subscriber-index';

const KEY = (subscription: string): string => `ws:sub:${subscription}`;
/** a set outlives its last member's connection by at most API Gateway's 2-hour connection limit */
const TTL_S = 2 * 3600 + 300;

export class RedisSubscriberIndex implements SubscriberIndex {
  constructor(private readonly redis: Redis) {}

  async add(connectionId: string, keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    const m = this.redis.multi();
    for (const k of keys) m.sadd(KEY(k), connectionId).expire(KEY(k), TTL_S);
    await m.exec();
  }

  async remove(connectionId: string, keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    const m = this.redis.multi();
    for (const k of keys) m.srem(KEY(k), connectionId);
    await m.exec();
  }

  subscribers(key: string): Promise<string[]> {
    return this.redis.smembers(KEY(key));
  }
}
