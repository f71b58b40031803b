import type Redis from 'ioredis';
import type { SubscriberIndex } from '../ports/subscriber-index';
import { CONNECTION_RECORD_TTL_S } from '../ports/connection-store';

const KEY = (subscription: string): string => `ws:sub:${subscription}`;

export class RedisSubscriberIndex implements SubscriberIndex {
  constructor(private readonly redis: Redis) {}

  async add(connectionId: string, keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    const m = this.redis.multi();
    for (const k of keys) m.sadd(KEY(k), connectionId).expire(KEY(k), CONNECTION_RECORD_TTL_S);
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
