/**
 * Threat: ElastiCache in cluster mode (sharded) refuses any operation whose keys hash to different
 * slots (CROSSSLOT), and a Lua script may touch only the keys it is given. An operation that spans
 * slots would fail in AWS only: logins, refreshes (and with them refresh-token reuse detection),
 * lockouts, rate limits, socket indexes, market data. Here every Redis adapter of the functions and
 * the host's market data view writer run against a real three-master Redis Cluster, through the
 * clients both sides create with REDIS_CLUSTER=true. Each key group is exercised with many ids, so
 * keys that lost their hash tag land on different slots (and nodes) and the test fails.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster } from 'ioredis';
import { DEFAULT_MARKET, type SymbolSpec } from '../matching-host/proto/market-config';
import { redisKeys } from '../matching-host/proto/market-data-views';
import { connectRedis, type RedisClient } from '../matching-host/proto/redis-connection';
import type { MarketState } from '../matching-host/server/core/host-core';
import type { Publication } from '../matching-host/server/core/types';
import { loadHostConfig } from '../matching-host/server/config';
import { hostRedis, mirrorSnapshot } from '../matching-host/server/host-redis';
import { RedisSink } from '../matching-host/server/publishers/redis-sink';
import { startRedisCluster, type RedisClusterUnderTest } from './support/redis-cluster';
import { testKeyPrefix } from './support/redis-keys';
import { until } from './support/until';
import { RedisLoginGuard } from '../functions/auth/adapters/redis-login-guard';
import { RedisMfaGuard } from '../functions/auth/adapters/redis-mfa-guard';
import { RedisRecentOrders } from '../functions/orders/recent-orders';
import { ConnectionQuota } from '../functions/ws/connection-quota';
import { RedisMarketData } from '../functions/shared/adapters/redis-market-data';
import { RedisSessionStore } from '../functions/shared/adapters/redis-session-store';
import { RedisSubscriberIndex } from '../functions/shared/adapters/redis-subscriber-index';
import { RedisUserConnections } from '../functions/shared/adapters/redis-user-connections';
import { loadConfig } from '../functions/shared/config';
import { BUDGETS, RateLimiter, type Budget } from '../functions/shared/rate-limit';
import { closeRedis, redis, redisReady } from '../functions/shared/redis';

const PREFIX = testKeyPrefix('cluster');
const many = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));
const rid = (): string => randomBytes(9).toString('base64url');

describe('the REDIS_CLUSTER setting', () => {
  const base = { JWT_VERIFY_JWKS: '[]' };

  it('is off unless set, and a cluster URL naming a database other than 0 is refused on both sides', () => {
    expect(loadConfig(base).REDIS_CLUSTER).toBe(false);
    expect(loadConfig({ ...base, REDIS_CLUSTER: 'true', REDIS_URL: 'rediss://u:t@cfg.example:6379' }).REDIS_CLUSTER).toBe(true);
    expect(() => loadConfig({ ...base, REDIS_CLUSTER: 'true', REDIS_URL: 'redis://127.0.0.1:6379/9' })).toThrow(
      /REDIS_URL: a Redis Cluster/,
    );
    expect(() => loadConfig({ ...base, REDIS_CLUSTER: 'yes' })).toThrow(/REDIS_CLUSTER/);
    expect(() => loadConfig({ ...base, REDIS_URL: 'http://127.0.0.1:6379' })).toThrow(/REDIS_URL: expected redis/);
    expect(loadHostConfig({}).REDIS_CLUSTER).toBe(false);
    expect(() => loadHostConfig({ REDIS_CLUSTER: 'true', REDIS_URL: 'redis://127.0.0.1:6379/9' })).toThrow(/REDIS_URL: a Redis Cluster/);
    // the host without Redis stays without it
    expect(loadHostConfig({ REDIS_CLUSTER: 'true', REDIS_URL: '' }).REDIS_URL).toBe('');
  });

  it('connects over TLS with the auth token for rediss://user:token@host (ElastiCache in-transit encryption)', () => {
    const c = connectRedis({
      url: 'rediss://exchange:s3cr%2Ft@127.0.0.1:1',
      cluster: true,
      keyPrefix: PREFIX,
      maxRetriesPerRequest: 0,
    }) as Cluster;
    try {
      expect(c).toBeInstanceOf(Cluster);
      expect(c.options.keyPrefix).toBe(PREFIX);
      expect(c.options.redisOptions).toMatchObject({ tls: {}, username: 'exchange', password: 's3cr/t' });
    } finally {
      c.disconnect();
    }
  });
});

describe('every multi-key Redis operation stays in one slot on a sharded cluster', () => {
  let cluster: RedisClusterUnderTest;
  /** the functions' client (functions/shared/redis.ts) */
  let fn: RedisClient;
  /** the host's client (matching-host/server/host-redis.ts) */
  let host: RedisClient;

  beforeAll(async () => {
    cluster = await startRedisCluster(3);
    // the functions' configuration, read on first use, as a deployed function's would be
    // as in AWS: the URL names the endpoint only, the auth token is read at run time from the secret store
    const tokenFile = join(mkdtempSync(join(tmpdir(), 'redis-token-')), 'token.json');
    writeFileSync(tokenFile, JSON.stringify({ token: cluster.token }));
    process.env.REDIS_URL = `redis://default@127.0.0.1:${cluster.ports[0]}`;
    process.env.REDIS_AUTH_SECRET = `file:${tokenFile}`;
    process.env.REDIS_CLUSTER = 'true';
    process.env.REDIS_KEY_PREFIX = PREFIX;
    process.env.JWT_VERIFY_JWKS ??= '[]';
    expect(() => redis()).toThrow(/before redisReady/);
    await redisReady();
    fn = redis();
    host = hostRedis(loadHostConfig({ REDIS_URL: cluster.url, REDIS_CLUSTER: 'true', REDIS_KEY_PREFIX: PREFIX })) as RedisClient;
  }, 90_000);

  afterAll(async () => {
    await closeRedis();
    host?.disconnect();
    await cluster?.stop();
  });

  it('both sides talk to the cluster through a cluster client spread over three masters', async () => {
    expect(fn).toBeInstanceOf(Cluster);
    expect(host).toBeInstanceOf(Cluster);
    // the host fails fast while disconnected: wait for it to be ready before the tests use it
    await until(
      'the host client is ready',
      () => Promise.resolve(host.status),
      (s) => s === 'ready',
      10_000,
    );
    await fn.set('probe', '1');
    expect((fn as Cluster).nodes('master')).toHaveLength(3);
  });

  it('session store: start, rotate, step-up, refresh-token reuse detection, logout and revoking all', async () => {
    const ended: string[] = [];
    const sessions = new RedisSessionStore(fn, (userId) => Promise.resolve(void ended.push(userId)));
    const users = many(12, () => `user-${rid()}`);
    for (const userId of users) {
      const { familyId, refreshToken: first } = await sessions.start(userId, 600);
      expect(await sessions.isActive(familyId)).toBe(true);
      expect(await sessions.authOf(familyId)).toEqual({ amr: ['pwd'] });
      expect(await sessions.setAuth(familyId, { amr: ['pwd', 'otp'], otpAt: 1_700_000_000 })).toBe(true);
      expect(await sessions.authOf(familyId)).toEqual({ amr: ['pwd', 'otp'], otpAt: 1_700_000_000 });

      const second = await sessions.rotate(first, 600);
      expect(second).toMatchObject({ ok: true, userId, familyId });
      // the rotated-away token again: it leaked, the family is revoked, the user's sockets told
      expect(await sessions.rotate(first, 600)).toEqual({ ok: false, reason: 'reused' });
      expect(ended).toContain(userId);
      expect(await sessions.isActive(familyId)).toBe(false);
      expect(await sessions.rotate(second.refreshToken as string, 600)).toEqual({ ok: false, reason: 'revoked' });
      expect(await sessions.setAuth(familyId, { amr: ['pwd', 'otp'], otpAt: 1 })).toBe(false);

      // logout
      const other = await sessions.start(userId, 600);
      expect(await sessions.revokeByToken(other.refreshToken)).toBe(true);
      expect(await sessions.isActive(other.familyId)).toBe(false);

      // every session but one
      const kept = await sessions.start(userId, 600);
      const gone = await Promise.all(many(3, () => sessions.start(userId, 600)));
      expect(await sessions.revokeAllOf(userId, kept.familyId)).toBe(3);
      expect(await sessions.isActive(kept.familyId)).toBe(true);
      for (const g of gone) expect(await sessions.isActive(g.familyId)).toBe(false);
      expect((await sessions.rotate(kept.refreshToken, 600)).ok).toBe(true);

      await sessions.setRolesVersion(userId, 3);
      await sessions.setRolesVersion(userId, 2);
      expect(await sessions.rolesVersion(userId)).toBe(3);
    }
    // a token that names no family of ours, or is malformed
    expect(await sessions.rotate(`${rid()}${rid()}`.slice(0, 22) + '.' + 'a'.repeat(22) + '.' + 'b'.repeat(43), 600)).toEqual({
      ok: false,
      reason: 'unknown',
    });
    expect(await sessions.rotate('nope', 600)).toEqual({ ok: false, reason: 'unknown' });
  });

  it('login guard: failures lock an account and a source; a login clears both its failures and its lock', async () => {
    const guard = new RedisLoginGuard(fn);
    const subjects = many(12, (i) => (i % 2 ? `acct:${rid()}@example.com` : `src:10.0.${i}.${rid().length}`));
    for (const s of subjects) for (let i = 0; i < 10; i++) await guard.recordFailure([s]);
    for (const s of subjects) expect(await guard.lockedFor([s])).toBeGreaterThan(0);
    for (const s of subjects) await guard.clearFailures(s);
    expect(await guard.lockedFor(subjects)).toBe(0);
    await guard.rememberSource('u1', '10.1.1.1');
    expect(await guard.isKnownSource('u1', '10.1.1.1')).toBe(true);
  });

  it('MFA guard: challenges, failures and the lock', async () => {
    const mfa = new RedisMfaGuard(fn);
    for (const userId of many(6, () => rid())) {
      const challenge = await mfa.createChallenge(userId, 60);
      expect(await mfa.challengeUser(challenge)).toBe(userId);
      await mfa.endChallenge(challenge);
      expect(await mfa.challengeUser(challenge)).toBeNull();
      for (let i = 0; i < 5; i++) await mfa.recordFailure(userId);
      expect(await mfa.lockedFor(userId)).toBeGreaterThan(0);
      await mfa.clearFailures(userId);
      expect(await mfa.lockedFor(userId)).toBe(0);
    }
  });

  it('rate limits: each budget and subject its own bucket, refused when empty', async () => {
    const limiter = new RateLimiter(fn);
    const checks = many(8, (i): { budget: Budget; subject: string } => ({
      budget: i % 2 ? BUDGETS.orders : BUDGETS.reads,
      subject: rid(),
    }));
    await limiter.enforce(checks);
    const tight = { name: 'tight', capacity: 1, refillPerS: 0.01 };
    const subject = rid();
    await limiter.enforce([{ budget: tight, subject }]);
    await expect(limiter.enforce([{ budget: tight, subject }])).rejects.toMatchObject({ status: 429 });
  });

  it("WebSocket indexes: a user's connections, the subscribers of many channels, the anonymous quota", async () => {
    const connections = new RedisUserConnections(fn);
    const index = new RedisSubscriberIndex(fn);
    const quota = new ConnectionQuota(fn, 2);
    const userId = rid();
    const channels = [
      ...DEFAULT_MARKET.symbols.flatMap((s) => [`trades:${s.symbol}`, `level2:${s.symbol}`]),
      `user:${userId}`,
      ...many(8, rid),
    ];
    const conns = many(3, () => rid());
    for (const c of conns) {
      await connections.add(userId, { connectionId: c, sessionId: 's', rolesVersion: 1 });
      await index.add(c, channels);
    }
    expect((await connections.of(userId)).map((c) => c.connectionId).sort()).toEqual([...conns].sort());
    for (const ch of channels) expect((await index.subscribers(ch)).sort()).toEqual([...conns].sort());
    await index.remove(conns[0], channels);
    await connections.remove(userId, conns[0]);
    for (const ch of channels) expect(await index.subscribers(ch)).not.toContain(conns[0]);
    expect(await connections.of(userId)).toHaveLength(2);

    expect(await quota.claim('10.9.9.9', conns[0])).toBe(true);
    expect(await quota.claim('10.9.9.9', conns[1])).toBe(true);
    expect(await quota.claim('10.9.9.9', conns[2])).toBe(false);
    await quota.release('10.9.9.9', conns[0]);
    expect(await quota.claim('10.9.9.9', conns[2])).toBe(true);
  });

  it('recent orders', async () => {
    const recent = new RedisRecentOrders(fn);
    await recent.remember('u1', 42);
    expect(await recent.placedRecently('u1', 42)).toBe(true);
    expect(await recent.placedRecently('u2', 42)).toBe(false);
  });

  it("the host's view writer writes, checks and rewrites every symbol's views; the markets API reads them", async () => {
    const specs = DEFAULT_MARKET.symbols;
    expect(specs.length).toBeGreaterThan(1);
    const warnings: string[] = [];
    const log = { info: () => undefined, warn: (_o: unknown, m?: string) => void warnings.push(String(m)) };
    const sink = new RedisSink(host, specs.map(seedOf), log);
    sink.start(50);
    try {
      await sink.publish(
        specs.map((s, i) => publication(i + 1, s.symbol, s.referencePrice ?? 10 ** s.priceDecimals, s.priceDecimals, s.qtyDecimals)),
      );
      const market = new RedisMarketData(fn);
      const tickers = await market.tickers(specs.map((s) => s.symbol));
      expect(tickers.map((t) => t?.sequence)).toEqual(specs.map(() => 2));
      for (const s of specs) {
        expect((await market.book(s.symbol))?.bids).toHaveLength(1);
        expect(await market.trades(s.symbol, 10)).toHaveLength(1);
      }
      // a symbol's views lost (a failover to an empty node): the writer's check puts them back
      const lostSymbol = specs[specs.length - 1].symbol;
      await fn.del(redisKeys.book(lostSymbol));
      await until(
        'the lost book rewritten',
        () => market.book(lostSymbol),
        (b) => b !== null,
        5_000,
      );
      expect(warnings).toContain('market data views lost in Redis; rewriting them');
      expect(warnings).not.toContain('Redis not reachable; market data views are written once it is');
    } finally {
      await sink.close();
    }
    // the snapshot mirror: the snapshot and its sequence in one transaction
    await mirrorSnapshot(host, 7, Buffer.from('snapshot'));
    expect(await fn.get(redisKeys.snapshotSeq)).toBe('7');
  });
});

function seedOf(spec: SymbolSpec): MarketState {
  return {
    spec,
    sequence: 0,
    time: 0,
    l2: { symbol: spec.symbol, sequence: 0, bids: [], asks: [] },
    lastPrice: 0,
    halted: false,
    trades: [],
  };
}

/** A resting bid and then a trade at the symbol's reference price. */
function publication(seq: number, symbol: string, reference: number, priceDecimals: number, qtyDecimals: number): Publication {
  const price = (reference / 10 ** priceDecimals).toFixed(priceDecimals);
  const quantity = (1).toFixed(qtyDecimals);
  return {
    seq,
    time: seq,
    orders: [],
    market: [
      { symbol, sequence: 1, seq, time: seq, type: 'level2', data: { side: 'buy', price, quantity, orders: 1 } },
      { symbol, sequence: 2, seq, time: seq, type: 'trade', data: { tradeId: `${symbol}:2`, price, quantity, side: 'buy' } },
    ],
  };
}
