/**
 * The auth functions end to end through their handlers, against the machine's PostgreSQL (a
 * throwaway database), Redis and DynamoDB (dynalite: the audit trail). No mocks.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { SignJWT, importJWK, type JWK } from 'jose';
import { AccessTokens } from './access-tokens';
import { config } from '../shared/config';
import { pool } from '../shared/db/pool';
import { SecretBox } from '../shared/secret-box';
import { userStore } from '../shared/users';
import { startFunctionsEnv, type FunctionsEnv } from '../../test/support/functions-env';
import { testJwtKeys } from '../../test/support/test-env';
import { generate } from 'otplib';
import { login, loginMfa, logout, mfaEnroll, mfaVerify, refresh, register } from './auth-handlers';
import { LOGIN_LOCK_BASE_S, RedisLoginGuard } from './adapters/redis-login-guard';
import { redis } from '../shared/redis';

let env: FunctionsEnv;
let keys: { signing: string; verify: string };

beforeAll(async () => {
  env = await startFunctionsEnv();
  keys = { signing: process.env.JWT_SIGNING_JWK as string, verify: process.env.JWT_VERIFY_JWKS as string };
}, 60_000);

afterAll(() => env.stop());

const context = { awsRequestId: 'lambda-req', functionName: 'auth', getRemainingTimeInMillis: () => 5000 } as unknown as Context;
let n = 0;
// each call from its own address unless a test says otherwise, so per-IP limits stay out of the way
const runId = Math.floor(Math.random() * 200);
async function post(
  h: (e: APIGatewayProxyEvent, c: Context) => Promise<APIGatewayProxyResult>,
  body: unknown,
  ip = `10.${runId}.${Math.floor(++n / 250)}.${n % 250}`,
): Promise<{ status: number; body: Record<string, unknown>; headers: Record<string, unknown> }> {
  const event = {
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
    httpMethod: 'POST',
    path: '/v1/auth',
    isBase64Encoded: false,
    requestContext: { requestId: `req-${++n}`, identity: { sourceIp: ip } },
  } as unknown as APIGatewayProxyEvent;
  const r = await h(event, context);
  return { status: r.statusCode, body: r.body ? (JSON.parse(r.body) as Record<string, unknown>) : {}, headers: r.headers ?? {} };
}

const email = `Trader.${Date.now()}@Example.com`;
const password = 'correct horse battery staple';

describe('auth: register and login', () => {
  it('registers once per mailbox, however the email is spelled', async () => {
    const r = await post(register, { email, password });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      email,
      accountNo: expect.any(Number) as number,
      userId: expect.stringMatching(/^[0-9a-f-]{36}$/) as string,
    });
    const again = await post(register, { email: `  ${email.toUpperCase()}`.trim(), password });
    expect(again).toMatchObject({ status: 409, body: { code: 'EMAIL_TAKEN', requestId: expect.any(String) as string } });
  });

  it.each([
    [{ email: 'not-an-email', password }, 'VALIDATION_ERROR'],
    [{ email: 'short@example.com', password: 'elevenchars' }, 'VALIDATION_ERROR'],
    [{ email: 'x@example.com', password, role: 'admin' }, 'VALIDATION_ERROR'],
  ])('refuses %j', async (body, code) => {
    expect(await post(register, body)).toMatchObject({ status: 400, body: { code } });
  });

  it('answers a wrong password and an unknown email alike', async () => {
    const wrong = await post(login, { email, password: 'wrong password 123' });
    const unknown = await post(login, { email: 'nobody@example.com', password });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect({ ...wrong.body, requestId: '' }).toEqual({ ...unknown.body, requestId: '' });
  });

  it('logs in with short-lived access token carrying user, roles, account and session', async () => {
    const r = await post(login, { email: email.toLowerCase(), password });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
    const claims = await (await AccessTokens.fromConfig(config())).verify(r.body.accessToken as string);
    expect(claims).toMatchObject({ roles: ['trader'], accountNo: expect.any(Number) as number });
  });
});

describe('auth: sessions', () => {
  const start = async (): Promise<Record<string, unknown>> => (await post(login, { email, password })).body;

  it('rotates refresh tokens; a reused one revokes the whole session', async () => {
    const first = await start();
    const second = await post(refresh, { refreshToken: first.refreshToken });
    expect(second.status).toBe(200);
    expect(second.body.refreshToken).not.toBe(first.refreshToken);
    // the stolen old token comes back: the family dies, including the legitimate newest token
    expect(await post(refresh, { refreshToken: first.refreshToken })).toMatchObject({
      status: 401,
      body: { code: 'REFRESH_TOKEN_REUSED' },
    });
    expect(await post(refresh, { refreshToken: second.body.refreshToken })).toMatchObject({
      status: 401,
      body: { code: 'SESSION_REVOKED' },
    });
  });

  it('lets exactly one of five concurrent refreshes with the same token through', async () => {
    const s = await start();
    const results = await Promise.all(Array.from({ length: 5 }, () => post(refresh, { refreshToken: s.refreshToken })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 401)).toHaveLength(4);
  });

  it('logout ends the session; logging out twice is fine; garbage is refused', async () => {
    const s = await start();
    expect((await post(logout, { refreshToken: s.refreshToken })).status).toBe(204);
    expect(await post(refresh, { refreshToken: s.refreshToken })).toMatchObject({ status: 401, body: { code: 'SESSION_REVOKED' } });
    expect((await post(logout, { refreshToken: s.refreshToken })).status).toBe(204);
    expect(await post(refresh, { refreshToken: 'x'.repeat(66) })).toMatchObject({ status: 401, body: { code: 'INVALID_REFRESH_TOKEN' } });
  });
});

describe('access tokens', () => {
  it('refuses forged, foreign, expired and alg=none tokens', async () => {
    const tokens = await AccessTokens.fromConfig(config());
    const good = { roles: ['trader'], acc: 1, sid: 's' };
    const cfg = config();
    const kid = (JSON.parse(keys.signing) as JWK).kid as string;
    // signed by another key that claims our kid
    const other = await testJwtKeys(kid);
    const foreign = await new SignJWT(good)
      .setProtectedHeader({ alg: 'EdDSA', kid: kid, typ: 'at+jwt' })
      .setSubject('u')
      .setIssuer(cfg.JWT_ISSUER)
      .setAudience(cfg.JWT_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(await importJWK(JSON.parse(other.signing) as JWK, 'EdDSA'));
    const ours = await importJWK(JSON.parse(keys.signing) as JWK, 'EdDSA');
    const expired = await new SignJWT(good)
      .setProtectedHeader({ alg: 'EdDSA', kid: kid, typ: 'at+jwt' })
      .setSubject('u')
      .setIssuer(cfg.JWT_ISSUER)
      .setAudience(cfg.JWT_AUDIENCE)
      .setIssuedAt(Math.floor(Date.now() / 1000) - 3600)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(ours);
    const otherAudience = await new SignJWT(good)
      .setProtectedHeader({ alg: 'EdDSA', kid: kid, typ: 'at+jwt' })
      .setSubject('u')
      .setIssuer(cfg.JWT_ISSUER)
      .setAudience('someone-else')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(ours);
    const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
    const none = `${b64({ alg: 'none', typ: 'at+jwt' })}.${b64({ sub: 'u', iss: cfg.JWT_ISSUER, aud: cfg.JWT_AUDIENCE, exp: 9e9, iat: 1, ...good })}.`;
    for (const t of [foreign, expired, otherAudience, none, 'garbage'])
      await expect(tokens.verify(t)).rejects.toMatchObject({ status: 401, code: 'INVALID_TOKEN' });
  });
});

describe('auth: rate limits', () => {
  const someone = (): string => `10.${runId}.${200 + (++n % 50)}.${n % 250}`;

  it('a victim locked out by a stranger’s failures can still log in from their usual address', async () => {
    const victim = `victim.${Date.now()}@example.com`;
    const home = `198.51.100.${runId}`;
    await post(register, { email: victim, password });
    expect((await post(login, { email: victim, password }, home)).status).toBe(200);
    // a stranger fails at the account from many addresses until it locks
    for (let i = 0; i < 6; i++) await post(login, { email: victim, password: `guess number ${i}xx` }, someone());
    // from an address the account never logged in from: refused, even with the right password
    expect(await post(login, { email: victim.toUpperCase(), password }, someone())).toMatchObject({
      status: 429,
      body: { code: 'RATE_LIMITED' },
      headers: { 'Retry-After': expect.stringMatching(/^\d+$/) as string },
    });
    // from home, the right password goes through: the owner is not the one locked out
    expect(await post(login, { email: victim, password }, home)).toMatchObject({ status: 200, body: { tokenType: 'Bearer' } });
    // and a wrong one from home is still only a wrong password
    expect(await post(login, { email: victim, password: 'not it at all 123' }, home)).toMatchObject({ status: 401 });
  });

  it('locks out a guesser at one account from many addresses, longer with each failure (backoff)', async () => {
    const target = `target.${Date.now()}@example.com`;
    await post(register, { email: target, password });
    const tries = [];
    for (let i = 0; i < 5; i++) tries.push(await post(login, { email: target, password: `guess number ${i}xx` }, someone()));
    expect(tries.map((t) => t.status)).toEqual([401, 401, 401, 401, 401]);
    const first = await post(login, { email: target, password: 'guess number 6xx' }, someone());
    expect(first).toMatchObject({ status: 429 });
    expect(Number(first.headers['Retry-After'])).toBeGreaterThan(LOGIN_LOCK_BASE_S / 2);
    expect(Number(first.headers['Retry-After'])).toBeLessThanOrEqual(LOGIN_LOCK_BASE_S);
    // each further failure (a guess that got past the lock once it lapsed) doubles it
    const guard = new RedisLoginGuard(redis());
    await guard.recordFailure([`acct:${target}`]);
    expect(await guard.lockedFor([`acct:${target}`])).toBeGreaterThan(LOGIN_LOCK_BASE_S);
    await guard.recordFailure([`acct:${target}`]);
    expect(await guard.lockedFor([`acct:${target}`])).toBeGreaterThan(3 * LOGIN_LOCK_BASE_S);
  });

  it('locks a source that fails at many accounts: one address spraying passwords is stopped, the accounts are not', async () => {
    const sprayer = `203.0.113.${runId}`;
    const owner = `owner.${Date.now()}@example.com`;
    await post(register, { email: owner, password });
    for (let i = 0; i < 10; i++)
      expect((await post(login, { email: `nobody.${i}.${Date.now()}@example.com`, password }, sprayer)).status).toBe(401);
    expect(await post(login, { email: owner, password }, sprayer)).toMatchObject({ status: 429, body: { code: 'RATE_LIMITED' } });
    // the account itself was never failed at: its owner logs in from anywhere else
    expect((await post(login, { email: owner, password }, someone())).status).toBe(200);
  });

  it('limits register/login/refresh per IP', async () => {
    const ip = `192.0.2.${runId}`;
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++) statuses.push((await post(refresh, { refreshToken: 'nope' }, ip)).status);
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(20)).toEqual([429, 429]);
  });
});

describe('auth: MFA (TOTP)', () => {
  const mfaEmail = `mfa.${Date.now()}@example.com`;
  let userId = '';
  let secret = '';
  const asUser = (h: typeof mfaEnroll, body: unknown): Promise<APIGatewayProxyResult> =>
    h(
      {
        body: body === undefined ? null : JSON.stringify(body),
        headers: { 'content-type': 'application/json' },
        httpMethod: 'POST',
        path: '/v1/auth/mfa',
        isBase64Encoded: false,
        requestContext: {
          requestId: `req-${++n}`,
          identity: { sourceIp: `10.250.${runId}.${n % 250}` },
          authorizer: { userId, roles: 'trader', accountNo: 1 },
        },
      } as unknown as APIGatewayProxyEvent,
      context,
    );
  // a code for the step after the current one: accepted (one step of drift) and newer than any used so far
  let offset = 0;
  const nextCode = (): Promise<string> => generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 * ++offset });

  beforeAll(async () => {
    await post(register, { email: mfaEmail, password });
    const tokens = (await post(login, { email: mfaEmail, password })).body;
    userId = (await (await AccessTokens.fromConfig(config())).verify(tokens.accessToken as string)).userId;
  });

  it('enrolls with a secret and otpauth URI, and turns on with a first code', async () => {
    const e = await asUser(mfaEnroll, { password });
    expect(e.statusCode).toBe(200);
    const body = JSON.parse(e.body) as { secret: string; otpauthUri: string };
    expect(body.otpauthUri).toMatch(/^otpauth:\/\/totp\/.*secret=/);
    secret = body.secret;
    expect((await asUser(mfaVerify, { code: '000000' })).statusCode).toBe(401);
    const ok = await asUser(mfaVerify, { code: await generate({ secret }) });
    expect(JSON.parse(ok.body)).toEqual({ mfaEnabled: true, sessionsRevoked: 1 });
    expect(JSON.parse((await asUser(mfaEnroll, { password })).body)).toMatchObject({ code: 'MFA_ALREADY_ENABLED' });
  });

  it('keeps the secret sealed in the database, bound to its user', async () => {
    const row = await pool().query<{ mfa_secret: string }>('SELECT mfa_secret FROM users WHERE id = $1', [userId]);
    const stored = row.rows[0].mfa_secret;
    expect(stored).toMatch(/^v1\./);
    expect(stored).not.toContain(secret);
    // the same ciphertext planted in another user's row does not open
    const box = SecretBox.fromConfig(config());
    expect(box.open(stored, `mfa:${userId}`)).toBe(secret);
    expect(() => box.open(stored, 'mfa:00000000-0000-4000-8000-000000000000')).toThrow();
  });

  it('reads a secret stored in clear before sealing existed, and seals it on request', async () => {
    await pool().query('UPDATE users SET mfa_secret = $2 WHERE id = $1', [userId, secret]);
    expect((await userStore().findById(userId))?.mfaSecret).toBe(secret);
    expect(await userStore().sealLegacyMfaSecrets()).toBe(1);
    const row = await pool().query<{ mfa_secret: string }>('SELECT mfa_secret FROM users WHERE id = $1', [userId]);
    expect(row.rows[0].mfa_secret).toMatch(/^v1\./);
    expect((await userStore().findById(userId))?.mfaSecret).toBe(secret);
    expect(await userStore().sealLegacyMfaSecrets()).toBe(0);
  });

  it('login then asks for a code; a code works once', async () => {
    const first = await post(login, { email: mfaEmail, password });
    expect(first.body).toMatchObject({ mfaRequired: true, challengeId: expect.any(String) as string });
    expect(first.body.accessToken).toBeUndefined();
    const code = await nextCode();
    const done = await post(loginMfa, { challengeId: first.body.challengeId, code });
    expect(done.status).toBe(200);
    expect(done.body.accessToken).toEqual(expect.any(String));
    // the same code again, with a fresh challenge: refused as already used
    const second = await post(login, { email: mfaEmail, password });
    expect(await post(loginMfa, { challengeId: second.body.challengeId, code })).toMatchObject({
      status: 401,
      body: { code: 'INVALID_MFA_CODE' },
    });
    // a challenge is single-use
    expect(await post(loginMfa, { challengeId: first.body.challengeId, code: await nextCode() })).toMatchObject({
      status: 401,
      body: { code: 'INVALID_CHALLENGE' },
    });
  });

  it('locks MFA for 15 minutes after five wrong codes, even for the right code', async () => {
    const ch = (await post(login, { email: mfaEmail, password })).body.challengeId;
    // one failure was already counted by the replay above; three more stay under the limit
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await post(loginMfa, { challengeId: ch, code: '000000' })).status);
    expect(statuses).toEqual([401, 401, 401]);
    const fifth = await post(loginMfa, { challengeId: ch, code: '000001' });
    expect(fifth).toMatchObject({ status: 429, body: { code: 'MFA_LOCKED' }, headers: { 'Retry-After': '900' } });
    expect(await post(loginMfa, { challengeId: ch, code: await nextCode() })).toMatchObject({ status: 429, body: { code: 'MFA_LOCKED' } });
  });
});
