/**
 * Token-bucket rate limits in Redis, one atomic Lua call per check (Redis's clock, so Lambdas with
 * skewed clocks agree). Each budget has its own capacity (burst) and refill rate; keys name the
 * budget and the subject (a user, an IP, an account being logged into).
 */
import type { RedisClient } from '../../matching-host/proto/redis-connection';
import { config } from './config';
import { tooManyRequests, unavailable } from './errors';
import { logger } from './observability';

export interface Budget {
  name: string;
  /** tokens when full: the burst allowed */
  capacity: number;
  /** tokens added per second */
  refillPerS: number;
}

/** Separate budgets for order entry, reads and authentication (DESIGN: 500 rps base, 1,000 burst overall). */
export const BUDGETS = {
  orders: { name: 'orders', capacity: 40, refillPerS: 20 },
  reads: { name: 'reads', capacity: 100, refillPerS: 50 },
  /** WebSocket handshakes from one IP: each writes a connection record */
  wsConnect: { name: 'ws-connect', capacity: 30, refillPerS: 1 },
  /** WebSocket frames of anonymous connections from one address, all its connections together */
  wsAnonymousIp: { name: 'ws-anon-ip', capacity: 200, refillPerS: 100 },
  /** frames a connection sent while over its budget: once empty, the server closes the connection */
  wsStrikes: { name: 'ws-strikes', capacity: 20, refillPerS: 1 },
} as const satisfies Record<string, Budget>;

/**
 * register/login/refresh attempts from one IP: `perMinute` at once, refilled over a minute. The
 * stage sets it (AUTH_IP_PER_MINUTE): strict in AWS (20), generous locally, where every client
 * is 127.0.0.1.
 */
export function authIpBudget(perMinute: number = config().AUTH_IP_PER_MINUTE): Budget {
  return { name: 'auth-ip', capacity: perMinute, refillPerS: perMinute / 60 };
}

export interface LimitResult {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** seconds until the bucket is full again */
  resetS: number;
  /** seconds until one token is there (when refused) */
  retryAfterS: number;
}

const SCRIPT = `
local cap = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local b = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(b[1]) or cap
local ts = tonumber(b[2]) or now
tokens = math.min(cap, tokens + math.max(0, now - ts) * rate / 1000)
local allowed = 0
if tokens >= cost then
  tokens = tokens - cost
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((cap - tokens) / rate * 1000) + 1000)
return {allowed, tostring(tokens)}
`;

export class RateLimiter {
  constructor(private readonly redis: RedisClient) {}

  async take(budget: Budget, subject: string, cost = 1): Promise<LimitResult> {
    const [allowed, tokensText] = (await this.redis.eval(
      SCRIPT,
      1,
      `rl:${budget.name}:${subject}`,
      budget.capacity,
      budget.refillPerS,
      cost,
    )) as [number, string];
    const tokens = Number(tokensText);
    return {
      allowed: allowed === 1,
      limit: budget.capacity,
      remaining: Math.floor(tokens),
      resetS: Math.ceil((budget.capacity - tokens) / budget.refillPerS),
      retryAfterS: allowed === 1 ? 0 : Math.ceil((cost - tokens) / budget.refillPerS),
    };
  }

  /**
   * Take from each budget; refuse with 429 (Retry-After, RateLimit-*) at the first that is empty.
   * Returns the headers to send with a success. Without Redis nothing is checked, so nothing is
   * let through either: 503.
   */
  async enforce(checks: { budget: Budget; subject: string }[]): Promise<Record<string, string>> {
    let tightest: LimitResult | undefined;
    for (const c of checks) {
      let r: LimitResult;
      try {
        r = await this.take(c.budget, c.subject);
      } catch (e) {
        logger.error('rate limiter unavailable', { error: e as Error });
        throw unavailable(1);
      }
      if (!r.allowed) throw tooManyRequests(r.retryAfterS, `rate limit ${c.budget.name} exceeded`, headers(r));
      if (!tightest || r.remaining < tightest.remaining) tightest = r;
    }
    return tightest ? headers(tightest) : {};
  }
}

/** IETF draft RateLimit header fields. */
function headers(r: LimitResult): Record<string, string> {
  return { 'RateLimit-Limit': String(r.limit), 'RateLimit-Remaining': String(r.remaining), 'RateLimit-Reset': String(r.resetS) };
}
