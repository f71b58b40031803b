/**
 * Which orders a trader placed in the last few minutes. The order history is written from the
 * order-event queue a moment after the host answers, so an order that left the book at once (an
 * IOC, a fill, a quick cancel) may be in neither the host nor the history yet: this note tells
 * GET /v1/orders/{orderId} to wait for the history instead of answering 404. It is kept per user
 * (not per account number) so a stranger's id never matches, and only well past the history's lag.
 */
import type { RedisClient } from '../../matching-host/proto/redis-connection';

export interface RecentOrders {
  remember(userId: string, orderId: number): Promise<void>;
  placedRecently(userId: string, orderId: number): Promise<boolean>;
}

const KEY = (userId: string, orderId: number): string => `orders:recent:${userId}:${orderId}`;

export class RedisRecentOrders implements RecentOrders {
  constructor(
    private readonly redis: RedisClient,
    /** longer than the history normally trails the host (seconds), short enough to stay small at full order rate */
    private readonly ttlS = 120,
  ) {}

  async remember(userId: string, orderId: number): Promise<void> {
    await this.redis.set(KEY(userId, orderId), '1', 'EX', this.ttlS);
  }

  async placedRecently(userId: string, orderId: number): Promise<boolean> {
    return (await this.redis.exists(KEY(userId, orderId))) === 1;
  }
}
