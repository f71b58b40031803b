import { createHash } from 'node:crypto';
import type { RedisClient } from '../../../matching-host/proto/redis-connection';
import type { LoginGuard } from '../ports/login-guard';

/** failures before a subject is locked: an account (a victim) gets a few typos, a source a few more accounts */
export const LOGIN_FAILURE_LIMITS = { account: 5, source: 10 } as const;
/** the first lock, doubled with each further failure, up to the cap */
export const LOGIN_LOCK_BASE_S = 30;
export const LOGIN_LOCK_MAX_S = 15 * 60;
/** failures are forgotten a day after the last one */
const FAILURE_WINDOW_S = 24 * 3600;
/** a source that completed a login is remembered this long after its last one */
const KNOWN_SOURCE_S = 90 * 24 * 3600;

// `{<subject>}`: a Redis Cluster hash tag, so clearing a subject's failures and lock (one DEL of
// both) stays in one slot. A subject is never empty (`acct:…`/`src:…`), so the tag never is either
const FAILURES = (subject: string): string => `auth:login:failures:{${subject}}`;
const LOCK = (subject: string): string => `auth:login:lock:{${subject}}`;
// the address hashed: the key names no one's IP in clear
const KNOWN = (userId: string, source: string): string =>
  `auth:login:known:${userId}:${createHash('sha256').update(source).digest('base64url').slice(0, 22)}`;

/** `acct:<email>` or `src:<ip>`: which limit applies */
const limitOf = (subject: string): number => (subject.startsWith('src:') ? LOGIN_FAILURE_LIMITS.source : LOGIN_FAILURE_LIMITS.account);

export class RedisLoginGuard implements LoginGuard {
  constructor(private readonly redis: RedisClient) {}

  async lockedFor(subjects: string[]): Promise<number> {
    const ttls = await Promise.all(subjects.map((s) => this.redis.ttl(LOCK(s))));
    return Math.max(0, ...ttls);
  }

  async recordFailure(subjects: string[]): Promise<void> {
    for (const s of subjects) {
      const r = (await this.redis.multi().incr(FAILURES(s)).expire(FAILURES(s), FAILURE_WINDOW_S).exec()) ?? [];
      const n = Number(r[0]?.[1] ?? 0);
      const over = n - limitOf(s);
      if (over >= 0) await this.redis.set(LOCK(s), '1', 'EX', Math.min(LOGIN_LOCK_MAX_S, LOGIN_LOCK_BASE_S * 2 ** Math.min(over, 10)));
    }
  }

  async clearFailures(subject: string): Promise<void> {
    await this.redis.del(FAILURES(subject), LOCK(subject));
  }

  async isKnownSource(userId: string, source: string): Promise<boolean> {
    return (await this.redis.exists(KNOWN(userId, source))) === 1;
  }

  async rememberSource(userId: string, source: string): Promise<void> {
    await this.redis.set(KNOWN(userId, source), '1', 'EX', KNOWN_SOURCE_S);
  }
}
