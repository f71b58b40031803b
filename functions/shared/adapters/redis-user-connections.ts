import type { RedisClient } from '../../../matching-host/proto/redis-connection';
import type { SocketSession, UserConnections } from '../ports/user-connections';
import { CONNECTION_RECORD_TTL_S } from '../ports/connection-store';

/** `ws:user:<userId>:conns` → hash connectionId → "<sessionId> <rolesVersion>". */
const KEY = (userId: string): string => `ws:user:${userId}:conns`;

export class RedisUserConnections implements UserConnections {
  constructor(private readonly redis: RedisClient) {}

  async add(userId: string, s: SocketSession): Promise<void> {
    await this.redis
      .multi()
      .hset(KEY(userId), s.connectionId, `${s.sessionId} ${s.rolesVersion}`)
      .expire(KEY(userId), CONNECTION_RECORD_TTL_S)
      .exec();
  }

  async remove(userId: string, connectionId: string): Promise<void> {
    await this.redis.hdel(KEY(userId), connectionId);
  }

  async of(userId: string): Promise<SocketSession[]> {
    const all = await this.redis.hgetall(KEY(userId));
    return Object.entries(all).map(([connectionId, v]) => {
      const [sessionId, rv] = v.split(' ');
      return { connectionId, sessionId, rolesVersion: Number(rv) };
    });
  }
}
