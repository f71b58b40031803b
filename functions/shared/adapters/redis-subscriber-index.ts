import type { RedisClient } from '../../../matching-host/proto/redis-connection';
import type { SubscriberIndex } from '../ports/subscriber-index';
import { CONNECTION_RECORD_TTL_S } from '../ports/connection-store';

const KEY = (subscription: string): string => `ws:sub:${subscription}`;

export class RedisSubscriberIndex implements SubscriberIndex {
  constructor(private readonly redis: RedisClient) {}

  /**
   * One transaction per subscription: subscriptions spread over a cluster's slots (each set is its
   * own key), and nothing needs them changed together.
   */
  async add(connectionId: string, keys: string[]): Promise<void> {
    await Promise.all(keys.map((k) => this.redis.multi().sadd(KEY(k), connectionId).expire(KEY(k), CONNECTION_RECORD_TTL_S).exec()));
  }

  async remove(connectionId: string, keys: string[]): Promise<void> {
    await Promise.all(keys.map((k) => this.redis.srem(KEY(k), connectionId)));
  }

  subscribers(key: string): Promise<string[]> {
    return this.redis.smembers(KEY(key));
  }
}
