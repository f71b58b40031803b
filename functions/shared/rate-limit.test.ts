import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { RateLimiter } from './rate-limit';

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
afterAll(() => redis.quit());

describe('RateLimiter (token bucket in Redis)', () => {
  it('lets a burst through, refuses the next with a retry time, refills at its rate', async () => {
    const limiter = new RateLimiter(redis);
    // slow enough that a loaded machine's delays between calls refill nothing visible
    const budget = { name: 'test', capacity: 5, refillPerS: 2 };
    const subject = randomBytes(6).toString('hex');
    const burst = [];
    for (let i = 0; i < 5; i++) burst.push(await limiter.take(budget, subject));
    expect(burst.map((r) => r.allowed)).toEqual([true, true, true, true, true]);
    expect(burst.map((r) => r.remaining)).toEqual([4, 3, 2, 1, 0]);
    const refused = await limiter.take(budget, subject);
    expect(refused).toMatchObject({ allowed: false, limit: 5, retryAfterS: 1 });
    await new Promise((r) => setTimeout(r, 700)); // 2/s: at least one token back
    expect((await limiter.take(budget, subject)).allowed).toBe(true);
    // another subject has its own bucket
    expect((await limiter.take(budget, `${subject}-other`)).remaining).toBe(4);
  });

  it('enforce answers 429 with Retry-After and RateLimit-* at the first empty budget', async () => {
    const limiter = new RateLimiter(redis);
    const subject = randomBytes(6).toString('hex');
    const roomy = { name: 'roomy', capacity: 100, refillPerS: 1 };
    const tight = { name: 'tight', capacity: 1, refillPerS: 0.5 };
    const ok = await limiter.enforce([
      { budget: roomy, subject },
      { budget: tight, subject },
    ]);
    expect(ok).toEqual({ 'RateLimit-Limit': '1', 'RateLimit-Remaining': '0', 'RateLimit-Reset': '2' });
    await expect(
      limiter.enforce([
        { budget: roomy, subject },
        { budget: tight, subject },
      ]),
    ).rejects.toMatchObject({
      status: 429,
      code: 'RATE_LIMITED',
      headers: { 'Retry-After': '2', 'RateLimit-Limit': '1', 'RateLimit-Remaining': '0' },
    });
  });

  it('refuses with 503 when Redis cannot be reached (no check, no pass)', async () => {
    const dead = new Redis('redis://127.0.0.1:1', { maxRetriesPerRequest: 0, lazyConnect: true, enableOfflineQueue: false });
    const limiter = new RateLimiter(dead);
    await expect(limiter.enforce([{ budget: { name: 'x', capacity: 1, refillPerS: 1 }, subject: 's' }])).rejects.toMatchObject({
      status: 503,
    });
    dead.disconnect();
  });
});
