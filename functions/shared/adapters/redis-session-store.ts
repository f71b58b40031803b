import { createHash, randomBytes } from 'node:crypto';
import type { ChainableCommander } from 'ioredis';
import { transaction, type RedisClient } from '../../../matching-host/proto/redis-connection';
import { logger } from '../observability';
import type { AuthMethod, RotateOutcome, SessionAuth, SessionStore } from '../ports/session-store';

/**
 * Keys: `auth:rt:{<familyId>}:<tokenId>` → hash {user, family, secret (sha-256), used};
 * `auth:family:{<familyId>}` → "active" | "revoked"; `auth:family:{<familyId>}:auth` → how it
 * authenticated (JSON SessionAuth); `auth:user:<id>:families` → set of the user's family ids. A
 * token is `<familyId>.<tokenId>.<secret>`; only the secret's hash is stored.
 *
 * `{<familyId>}` is a Redis Cluster hash tag: a family's keys and its tokens are read and written
 * together (the rotation script, MULTIs), so they share a slot; the user's set is only ever used
 * on its own (ElastiCache in cluster mode refuses an operation across slots: CROSSSLOT).
 */
const TOKEN = (familyId: string, tokenId: string): string => `auth:rt:{${familyId}}:${tokenId}`;
const FAMILY = (id: string): string => `auth:family:{${id}}`;
/** how the family authenticated (amr, otp time), living as long as the family */
const FAMILY_AUTH = (id: string): string => `auth:family:{${id}}:auth`;
/** the families a user started (so all can be revoked at once) */
const USER_FAMILIES = (userId: string): string => `auth:user:${userId}:families`;
/** the user's roles version; no TTL: it must outlive every token minted before it */
const ROLES_VERSION = (userId: string): string => `auth:user:${userId}:rv`;

/**
 * Atomically: check the token (KEYS[1]), detect reuse (revoking its family, KEYS[2]), else mark it
 * used. Every key it touches is given in KEYS, none is named here (a cluster routes by KEYS).
 */
const ROTATE = `
local t = redis.call('HMGET', KEYS[1], 'user', 'family', 'secret', 'used')
if not t[1] then return {'unknown'} end
if t[3] ~= ARGV[1] then return {'unknown'} end
local state = redis.call('GET', KEYS[2])
if state ~= 'active' then return {'revoked'} end
if t[4] == '1' then
  redis.call('SET', KEYS[2], 'revoked', 'KEEPTTL')
  return {'reused', t[1]}
end
redis.call('HSET', KEYS[1], 'used', '1')
return {'ok', t[1], t[2]}
`;

/** Atomically: only a live family takes a step-up, and the record lives exactly as long as it. */
const SET_AUTH = `
if redis.call('GET', KEYS[1]) ~= 'active' then return 0 end
local ttl = redis.call('PTTL', KEYS[1])
if ttl <= 0 then return 0 end
redis.call('SET', KEYS[2], ARGV[1], 'PX', ttl)
return 1
`;

const METHODS: readonly AuthMethod[] = ['pwd', 'otp'];

function parseAuth(text: string | null): SessionAuth {
  try {
    const a = JSON.parse(text ?? '') as { amr?: unknown; otpAt?: unknown };
    const amr = Array.isArray(a.amr) ? a.amr.filter((m): m is AuthMethod => METHODS.includes(m as AuthMethod)) : [];
    if (amr.includes('otp') && typeof a.otpAt === 'number') return { amr, otpAt: a.otpAt };
  } catch {
    // a session from before amr was kept, or a damaged record: a password session, nothing more
  }
  return { amr: ['pwd'] };
}

const sha256 = (s: string): string => createHash('sha256').update(s).digest('base64url');
const id = (): string => randomBytes(16).toString('base64url');

function parse(token: string): { familyId: string; tokenId: string; secret: string } | null {
  const m = /^([\w-]{22})\.([\w-]{22})\.([\w-]{43})$/.exec(token);
  return m ? { familyId: m[1], tokenId: m[2], secret: m[3] } : null;
}

/** Told the user whose session(s) just ended, so what the sessions vouched for (open sockets) ends too. */
export type SessionsEnded = (userId: string) => Promise<void>;

export class RedisSessionStore implements SessionStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly onEnded?: SessionsEnded,
  ) {}

  async start(userId: string, ttlS: number, auth: SessionAuth = { amr: ['pwd'] }): Promise<{ familyId: string; refreshToken: string }> {
    const familyId = id();
    // in the user's set first, so no family is ever live that revoking all of them would miss;
    // the set lives as long as the user's newest family (every family gets the same TTL)
    await transaction(this.redis.multi().sadd(USER_FAMILIES(userId), familyId).expire(USER_FAMILIES(userId), ttlS));
    const m = this.redis.multi().set(FAMILY(familyId), 'active', 'EX', ttlS).set(FAMILY_AUTH(familyId), JSON.stringify(auth), 'EX', ttlS);
    const refreshToken = this.issue(m, userId, familyId, ttlS);
    await transaction(m);
    return { familyId, refreshToken };
  }

  async rotate(refreshToken: string, ttlS: number): Promise<RotateOutcome & { refreshToken?: string }> {
    const t = parse(refreshToken);
    if (!t) return { ok: false, reason: 'unknown' };
    const r = (await this.redis.eval(ROTATE, 2, TOKEN(t.familyId, t.tokenId), FAMILY(t.familyId), sha256(t.secret))) as string[];
    if (r[0] === 'reused') await this.ended(r[1]);
    if (r[0] !== 'ok') return { ok: false, reason: r[0] as 'unknown' | 'revoked' | 'reused' };
    const [, userId, familyId] = r;
    // the family lives as long as its newest token
    await this.redis.expire(USER_FAMILIES(userId), ttlS);
    const m = this.redis.multi().expire(FAMILY(familyId), ttlS).expire(FAMILY_AUTH(familyId), ttlS);
    const next = this.issue(m, userId, familyId, ttlS);
    await transaction(m);
    return { ok: true, userId, familyId, refreshToken: next };
  }

  async revokeByToken(refreshToken: string): Promise<boolean> {
    const t = parse(refreshToken);
    if (!t) return false;
    const [family, secret, user] = await this.redis.hmget(TOKEN(t.familyId, t.tokenId), 'family', 'secret', 'user');
    if (!family || secret !== sha256(t.secret)) return false;
    await this.redis.set(FAMILY(family), 'revoked', 'KEEPTTL');
    if (user) await this.ended(user);
    return true;
  }

  async authOf(familyId: string): Promise<SessionAuth> {
    return parseAuth(await this.redis.get(FAMILY_AUTH(familyId)));
  }

  async setAuth(familyId: string, auth: SessionAuth): Promise<boolean> {
    return (await this.redis.eval(SET_AUTH, 2, FAMILY(familyId), FAMILY_AUTH(familyId), JSON.stringify(auth))) === 1;
  }

  async isActive(familyId: string): Promise<boolean> {
    return (await this.redis.get(FAMILY(familyId))) === 'active';
  }

  async rolesVersion(userId: string): Promise<number> {
    return Number((await this.redis.get(ROLES_VERSION(userId))) ?? 0);
  }

  async setRolesVersion(userId: string, version: number): Promise<void> {
    // never backwards: a slow writer of an older change cannot undo a newer one
    await this.redis.eval(
      "local c = tonumber(redis.call('GET', KEYS[1]) or '0') if tonumber(ARGV[1]) > c then redis.call('SET', KEYS[1], ARGV[1]) end",
      1,
      ROLES_VERSION(userId),
      String(version),
    );
    await this.ended(userId);
  }

  async revokeAllOf(userId: string, except?: string): Promise<number> {
    const families = await this.redis.smembers(USER_FAMILIES(userId));
    let active = 0;
    for (const f of families) {
      if (f === except) continue;
      // only families still there: SET XX never creates a key that already expired
      const was = await this.redis.set(FAMILY(f), 'revoked', 'KEEPTTL', 'XX', 'GET');
      if (was === 'active') active++;
    }
    await this.ended(userId);
    return active;
  }

  /** The session has ended whatever the listener does: its failure is logged, not thrown. */
  private async ended(userId: string): Promise<void> {
    try {
      await this.onEnded?.(userId);
    } catch (e) {
      logger.warn('a session ended but what it vouched for could not be ended with it', { userId, error: e as Error });
    }
  }

  /** A new token of the family, written by `m` (a transaction on the family's slot). */
  private issue(m: ChainableCommander, userId: string, familyId: string, ttlS: number): string {
    const tokenId = id();
    const secret = randomBytes(32).toString('base64url');
    m.hset(TOKEN(familyId, tokenId), { user: userId, family: familyId, secret: sha256(secret), used: '0' }).expire(
      TOKEN(familyId, tokenId),
      ttlS,
    );
    return `${familyId}.${tokenId}.${secret}`;
  }
}
