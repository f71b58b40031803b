/**
 * How the functions and the matching host connect to Redis: one node (npm start, the machine's
 * Redis) or a Redis Cluster (ElastiCache in cluster mode, sharded). Each side creates its client
 * here and only once (functions/shared/redis.ts, the host's runtime).
 *
 * In cluster mode the URL names the configuration endpoint: `rediss://<user>:<auth token>@host:port`
 * for in-transit encryption with an auth token (ElastiCache), `redis://host:port` without. A
 * cluster has one database only, so the URL names none (or 0). Keys shared by one operation (a
 * MULTI, a script, a multi-key command) carry a hash tag `{…}` so they fall in one slot; the key
 * prefix (REDIS_KEY_PREFIX_PATTERN) holds no braces, so the tags are the keys' own.
 */
import { Cluster, Redis, type ChainableCommander } from 'ioredis';

export type RedisClient = Redis | Cluster;

export interface RedisConnection {
  url: string;
  /** a Redis Cluster (REDIS_CLUSTER=true) instead of one node */
  cluster: boolean;
  keyPrefix: string;
  maxRetriesPerRequest: number;
  connectTimeout?: number;
  /** false: commands fail at once while disconnected instead of queueing */
  enableOfflineQueue?: boolean;
}

/** Why the URL cannot name this Redis (one clear line), or undefined. */
export function redisUrlProblem(url: string, cluster: boolean): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'expected redis://host:port or rediss://user:token@host:port';
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') return `expected redis:// or rediss://, not ${u.protocol}//`;
  if (!u.hostname) return 'the URL names no host';
  if (cluster && !['', '/', '/0'].includes(u.pathname)) return `a Redis Cluster has database 0 only, not ${u.pathname.slice(1)}`;
  return undefined;
}

export function connectRedis(c: RedisConnection): RedisClient {
  const common = { maxRetriesPerRequest: c.maxRetriesPerRequest, connectTimeout: c.connectTimeout ?? 3_000 };
  if (!c.cluster)
    return new Redis(c.url, { ...common, keyPrefix: c.keyPrefix, enableOfflineQueue: c.enableOfflineQueue ?? true, lazyConnect: false });
  const problem = redisUrlProblem(c.url, true);
  if (problem) throw new Error(`REDIS_URL: ${problem}`);
  const u = new URL(c.url);
  const tls = u.protocol === 'rediss:';
  return new Cluster([{ host: u.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(u.port || 6379) }], {
    keyPrefix: c.keyPrefix,
    enableOfflineQueue: c.enableOfflineQueue ?? true,
    lazyConnect: false,
    // the nodes are reached by the names the cluster announces, not by resolved addresses, so a TLS
    // certificate (ElastiCache's names the hosts) is checked against the name it was issued for
    dnsLookup: (address, callback) => callback(null, address),
    redisOptions: {
      ...common,
      username: u.username ? decodeURIComponent(u.username) : undefined,
      password: u.password ? decodeURIComponent(u.password) : undefined,
      tls: tls ? {} : undefined,
    },
  });
}

/** Run a MULTI: its replies, or the first command's error (exec resolves with it; a discarded transaction is one too). */
export async function transaction<T extends unknown[] = unknown[]>(m: ChainableCommander): Promise<T> {
  const res = await m.exec();
  const failed = res?.find(([err]) => err);
  if (!res || failed) throw failed?.[0] ?? new Error('redis transaction discarded');
  return res.map(([, v]) => v) as T;
}
