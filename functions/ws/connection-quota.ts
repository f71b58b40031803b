/**
 * Open anonymous WebSocket connections per source address. The handshake budget (`wsConnect`)
 * limits how fast an address opens connections, not how many it holds: each one open costs
 * connection minutes and a place in every fan-out for up to 2 hours. A sorted set per address
 * holds its connections scored by when they expire at the latest, so one whose $disconnect was
 * lost stops counting by itself.
 */
import type { RedisClient } from '../../matching-host/proto/redis-connection';
import { CONNECTION_RECORD_TTL_S } from '../shared/ports/connection-store';

/** anonymous connections one address may hold open at once */
export const ANONYMOUS_SOCKETS_PER_IP = 50;

const KEY = (ip: string): string => `ws:anon:${ip}`;

const CLAIM = `
local t = redis.call('TIME')
local now = tonumber(t[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[3]))
return 1
`;

export class ConnectionQuota {
  constructor(
    private readonly redis: RedisClient,
    private readonly perIp: number = ANONYMOUS_SOCKETS_PER_IP,
  ) {}

  /** Count the connection against its address; false when the address holds its quota already. */
  async claim(ip: string, connectionId: string): Promise<boolean> {
    return (await this.redis.eval(CLAIM, 1, KEY(ip), connectionId, this.perIp, CONNECTION_RECORD_TTL_S)) === 1;
  }

  async release(ip: string, connectionId: string): Promise<void> {
    await this.redis.zrem(KEY(ip), connectionId);
  }
}
