import { randomBytes } from 'node:crypto';
import type { RedisClient } from '../../../matching-host/proto/redis-connection';
import type { MfaGuard } from '../ports/mfa-guard';

export const MFA_MAX_FAILURES = 5;
export const MFA_LOCK_S = 15 * 60;

const CHALLENGE = (id: string): string => `auth:mfa:challenge:${id}`;
const FAILURES = (userId: string): string => `auth:mfa:failures:${userId}`;

export class RedisMfaGuard implements MfaGuard {
  constructor(private readonly redis: RedisClient) {}

  async createChallenge(userId: string, ttlS: number): Promise<string> {
    const id = randomBytes(24).toString('base64url');
    await this.redis.set(CHALLENGE(id), userId, 'EX', ttlS);
    return id;
  }

  challengeUser(challengeId: string): Promise<string | null> {
    return /^[\w-]{32}$/.test(challengeId) ? this.redis.get(CHALLENGE(challengeId)) : Promise.resolve(null);
  }

  async endChallenge(challengeId: string): Promise<void> {
    await this.redis.del(CHALLENGE(challengeId));
  }

  async lockedFor(userId: string): Promise<number> {
    const [count, ttl] = (await this.redis.multi().get(FAILURES(userId)).ttl(FAILURES(userId)).exec()) ?? [];
    return Number(count?.[1] ?? 0) >= MFA_MAX_FAILURES ? Math.max(1, Number(ttl?.[1] ?? MFA_LOCK_S)) : 0;
  }

  async recordFailure(userId: string): Promise<number> {
    // the window starts at the first failure; the fifth one restarts it as the 15-minute lock
    const [n] = ((await this.redis.multi().incr(FAILURES(userId)).expire(FAILURES(userId), MFA_LOCK_S, 'NX').exec()) ?? []) as [
      null | Error,
      number,
    ][];
    const count = Number(n?.[1] ?? 0);
    if (count >= MFA_MAX_FAILURES) {
      await this.redis.expire(FAILURES(userId), MFA_LOCK_S);
      return MFA_LOCK_S;
    }
    return 0;
  }

  async clearFailures(userId: string): Promise<void> {
    await this.redis.del(FAILURES(userId));
  }
}
