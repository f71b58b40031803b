import type Redis from 'ioredis';
import type { SocketSession, UserConnections } from '../ports/user-connections';

/** `ws:user:<userId>:conns` → hash connectionId → "<sessionId> <rolesVersion>". */
const KEY = (userId: string): string => `ws:user:${userId}:conns`;
/** API Gateway closes a WebSocket after 2 hours: the hash outlives its newest connection a little */
const TTL_S = 2 * 3600 + 300;

export class RedisUserConnections implements UserConnections {
  constructor(private readonly redis: Redis) {}

  async add(userId: string, s: SocketSession): Promise<void> {
    await this.redis.multi().hset(KEY(userId), s.connectionId, `${s.sessionId} ${s.rolesVersion}`).expire(KEY(userId), TTL_S).exec();
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
