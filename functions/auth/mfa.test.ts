/**
 * MFA that means something, end to end: real tokens from the auth handlers, through the REST
 * authorizer (its context is what the routes see), into the routes that need a step-up; MFA
 * enrolment, disabling and an admin's reset; the DR four-eyes rule. Real PostgreSQL, Redis,
 * DynamoDB (dynalite) and a matching host process. No mocks.
 */
import type { APIGatewayProxyEvent, APIGatewayRequestAuthorizerEvent, Context } from 'aws-lambda';
import { generate } from 'otplib';
import { startFunctionsEnv, type FunctionsEnv } from '../../test/support/functions-env';
import { withdraw, deposit } from '../accounts/accounts-handlers';
import { drApprove, drFailover } from '../ops/ops-handlers';
import { halt } from '../orders/orders-handlers';
import { DynamoAuditLog } from '../shared/adapters/dynamo-audit-log';
import { RedisSessionStore } from '../shared/adapters/redis-session-store';
import { STEP_UP_MAX_AGE_S } from '../shared/access';
import { dynamo } from '../shared/aws';
import { config } from '../shared/config';
import { pool } from '../shared/db/pool';
import { redis } from '../shared/redis';
import { userStore } from '../shared/users';
import { AccessTokens } from './access-tokens';
import { resetMfa, setRoles } from './admin-handlers';
import { login, loginMfa, mfaDisable, mfaEnroll, mfaStepUp, mfaVerify, refresh, register } from './auth-handlers';
import { authenticate, handler as authorizer } from './authorizer-handlers';

type Handler = (e: APIGatewayProxyEvent, c: Context) => Promise<{ statusCode: number; body: string }>;
interface Answer {
  status: number;
  body: Record<string, unknown>;
}

let env: FunctionsEnv;
const password = 'correct horse battery staple';
const stamp = Date.now();
const context = {
  awsRequestId: 'lambda-req',
  functionName: 'mfa',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:exchange-local-test',
  getRemainingTimeInMillis: () => 5000,
} as unknown as Context;
let n = 0;
const ip = (): string => `10.${(stamp % 200) + 1}.${Math.floor(++n / 250)}.${n % 250}`;

beforeAll(async () => {
  env = await startFunctionsEnv({ host: true });
}, 60_000);
afterAll(() => env.stop());

/** A route called as API Gateway calls it: the authorizer first, with the bearer token; its context to the handler. */
async function call(h: Handler, token: string | undefined, req: { body?: unknown; path?: Record<string, string> } = {}): Promise<Answer> {
  let authorizerContext: Record<string, unknown> | undefined;
  if (token !== undefined) {
    const r = await authorizer({
      headers: { Authorization: `Bearer ${token}` },
      methodArn: 'arn:aws:execute-api:us-east-1:000000000000:api/local/POST/v1/x',
      path: '/v1/x',
    } as unknown as APIGatewayRequestAuthorizerEvent).catch(() => undefined);
    if (!r) return { status: 401, body: { code: 'UNAUTHORIZED' } };
    authorizerContext = r.context ?? undefined;
  }
  const event = {
    body: req.body === undefined ? null : JSON.stringify(req.body),
    headers: { 'content-type': 'application/json' },
    httpMethod: 'POST',
    path: '/v1/x',
    isBase64Encoded: false,
    pathParameters: req.path ?? null,
    queryStringParameters: null,
    requestContext: {
      requestId: `req-${++n}`,
      identity: { sourceIp: ip() },
      ...(authorizerContext ? { authorizer: authorizerContext } : {}),
    },
  } as unknown as APIGatewayProxyEvent;
  const r = await h(event, context);
  return { status: r.statusCode, body: r.body ? (JSON.parse(r.body) as Record<string, unknown>) : {} };
}

interface Person {
  email: string;
  userId: string;
  accessToken: string;
  refreshToken: string;
  secret?: string;
}

/**
 * A current code for a user. A code's time step is accepted once (auth.test.ts tests that), so the
 * step last used is forgotten first: these tests prove codes faster than one per 30 seconds.
 */
async function code(p: { userId: string; secret?: string }): Promise<string> {
  await pool().query('UPDATE users SET mfa_last_step = NULL WHERE id = $1', [p.userId]);
  return generate({ secret: p.secret! });
}

async function signUp(name: string): Promise<Person> {
  const email = `${name}.${stamp}@example.com`;
  expect((await call(register, undefined, { body: { email, password } })).status).toBe(201);
  const t = (await call(login, undefined, { body: { email, password } })).body;
  const claims = await authenticate(t.accessToken as string);
  return { email, userId: claims!.userId, accessToken: t.accessToken as string, refreshToken: t.refreshToken as string };
}

/** Enrol and verify MFA from the person's session, then log in again with a code: an MFA'd session. */
async function withMfa(p: Person): Promise<Person> {
  const e = await call(mfaEnroll, p.accessToken, { body: { password } });
  expect(e.status).toBe(200);
  const secret = e.body.secret as string;
  expect((await call(mfaVerify, p.accessToken, { body: { code: await code({ ...p, secret }) } })).status).toBe(200);
  return { ...p, secret, ...(await mfaLogin({ ...p, secret })) };
}

async function mfaLogin(p: { email: string; userId: string; secret?: string }): Promise<{ accessToken: string; refreshToken: string }> {
  const first = await call(login, undefined, { body: { email: p.email, password } });
  const r = await call(loginMfa, undefined, { body: { challengeId: first.body.challengeId, code: await code(p) } });
  expect(r.status).toBe(200);
  return { accessToken: r.body.accessToken as string, refreshToken: r.body.refreshToken as string };
}

/** An access token of the same session whose code was proven `ageS` seconds ago (what a token minted then says). */
async function tokenAged(accessToken: string, ageS: number): Promise<string> {
  const tokens = await AccessTokens.fromConfig(config());
  const c = await tokens.verify(accessToken);
  const otpAt = Math.floor(Date.now() / 1000) - ageS;
  await new RedisSessionStore(redis()).setAuth(c.sessionId, { amr: ['pwd', 'otp'], otpAt });
  return tokens.sign({ ...c, amr: ['pwd', 'otp'], otpAt });
}

const key = (): string => `k-${Date.now()}-${++n}`;

describe('step-up: an MFA’d session with a recent code', () => {
  it('says how the session authenticated: amr pwd for a password login, pwd+otp and when for a login with a code', async () => {
    const p = await signUp('amr');
    expect(await authenticate(p.accessToken)).toMatchObject({ amr: ['pwd'] });
    expect((await authenticate(p.accessToken))?.otpAt).toBeUndefined();
    const m = await withMfa(p);
    const claims = await authenticate(m.accessToken);
    expect(claims).toMatchObject({ amr: ['pwd', 'otp'] });
    expect(Math.abs((claims?.otpAt ?? 0) - Date.now() / 1000)).toBeLessThan(10);
  });

  it('refuses a withdrawal from a password-only session (MFA_REQUIRED): a stolen password alone moves no money out', async () => {
    const p = await signUp('pwdonly');
    expect((await call(deposit, p.accessToken, { body: { asset: 'USD', amount: '100', idempotencyKey: key() } })).status).toBe(201);
    expect(await call(withdraw, p.accessToken, { body: { asset: 'USD', amount: '1', idempotencyKey: key() } })).toMatchObject({
      status: 403,
      body: { code: 'MFA_REQUIRED', requestId: expect.any(String) as string },
    });
  });

  it('refuses a withdrawal whose code is older than the step-up window (STEP_UP_REQUIRED), and takes it after a step-up', async () => {
    const m = await withMfa(await signUp('stepup'));
    expect((await call(deposit, m.accessToken, { body: { asset: 'USD', amount: '100', idempotencyKey: key() } })).status).toBe(201);
    const stale = await tokenAged(m.accessToken, STEP_UP_MAX_AGE_S + 5);
    expect(await call(withdraw, stale, { body: { asset: 'USD', amount: '1', idempotencyKey: key() } })).toMatchObject({
      status: 403,
      body: { code: 'STEP_UP_REQUIRED' },
    });
    // a refresh carries what the session proved, and when: it does not make an old code fresh
    const refreshed = await call(refresh, undefined, { body: { refreshToken: m.refreshToken } });
    expect(
      await call(withdraw, refreshed.body.accessToken as string, { body: { asset: 'USD', amount: '1', idempotencyKey: key() } }),
    ).toMatchObject({
      status: 403,
      body: { code: 'STEP_UP_REQUIRED' },
    });
    // a wrong code earns nothing
    expect(await call(mfaStepUp, stale, { body: { code: '000000' } })).toMatchObject({ status: 401, body: { code: 'INVALID_MFA_CODE' } });
    const up = await call(mfaStepUp, stale, { body: { code: await code(m) } });
    expect(up).toMatchObject({ status: 200, body: { tokenType: 'Bearer' } });
    expect(
      await call(withdraw, up.body.accessToken as string, { body: { asset: 'USD', amount: '1', idempotencyKey: key() } }),
    ).toMatchObject({
      status: 201,
    });
  });

  it('refuses a step-up to a user without MFA: there is no code to prove', async () => {
    const p = await signUp('nomfa');
    expect(await call(mfaStepUp, p.accessToken, { body: { code: '123456' } })).toMatchObject({
      status: 409,
      body: { code: 'MFA_NOT_ENABLED' },
    });
  });

  it('refuses a role change, a symbol halt and a DR start from a password-only operator session', async () => {
    const boss = await signUp('boss');
    await userStore().setRoles(boss.userId, ['admin', 'ops', 'trader']);
    const again = (await call(login, undefined, { body: { email: boss.email, password } })).body.accessToken as string;
    const target = await signUp('target');
    expect(await call(setRoles, again, { path: { userId: target.userId }, body: { roles: ['trader', 'ops'] } })).toMatchObject({
      status: 403,
      body: { code: 'MFA_REQUIRED' },
    });
    expect((await userStore().findById(target.userId))?.roles).toEqual(['trader']);
    expect(await call(halt, again, { path: { symbol: 'BTC-USD' } })).toMatchObject({ status: 403, body: { code: 'MFA_REQUIRED' } });
    expect(await call(drFailover, again, { body: { reason: 'not without a code' } })).toMatchObject({
      status: 403,
      body: { code: 'MFA_REQUIRED' },
    });
  });
});

describe('MFA enrolment, disabling and reset', () => {
  it('refuses MFA enrolment without the password: a borrowed session cannot bind the borrower’s authenticator', async () => {
    const p = await signUp('enrolpw');
    expect(await call(mfaEnroll, p.accessToken, { body: { password: 'not the password at all' } })).toMatchObject({
      status: 401,
      body: { code: 'INVALID_CREDENTIALS' },
    });
    expect(await call(mfaEnroll, p.accessToken, {})).toMatchObject({ status: 400 });
    expect((await userStore().findById(p.userId))?.mfaPendingSecret).toBeNull();
  });

  it('ends the user’s other sessions when MFA goes on: a session opened without the code does not outlive it', async () => {
    const p = await signUp('othersess');
    const other = (await call(login, undefined, { body: { email: p.email, password } })).body;
    const m = await withMfa(p);
    expect(await authenticate(other.accessToken as string)).toBeUndefined();
    expect(await call(refresh, undefined, { body: { refreshToken: other.refreshToken } })).toMatchObject({
      status: 401,
      body: { code: 'SESSION_REVOKED' },
    });
    // the session that turned it on keeps going
    expect(await authenticate(p.accessToken)).toBeDefined();
    expect(await authenticate(m.accessToken)).toBeDefined();
  });

  it('refuses to turn MFA off with the password alone or a code alone; with both it goes off, other sessions end, audited', async () => {
    const m = await withMfa(await signUp('disable'));
    const other = await mfaLogin(m);
    expect(await call(mfaDisable, m.accessToken, { body: { password: 'wrong password 12345', code: await code(m) } })).toMatchObject({
      status: 401,
      body: { code: 'INVALID_CREDENTIALS' },
    });
    expect(await call(mfaDisable, m.accessToken, { body: { password, code: '000000' } })).toMatchObject({
      status: 401,
      body: { code: 'INVALID_MFA_CODE' },
    });
    expect(await call(mfaDisable, m.accessToken, { body: { password } })).toMatchObject({ status: 400 });
    expect((await userStore().findById(m.userId))?.mfaEnabled).toBe(true);
    const off = await call(mfaDisable, m.accessToken, { body: { password, code: await code(m) } });
    // the enrolling session and the other one; the caller's goes on
    expect(off).toMatchObject({ status: 200, body: { mfaEnabled: false, sessionsRevoked: 2 } });
    expect(await authenticate(m.accessToken)).toBeDefined();
    expect(await authenticate(other.accessToken)).toBeUndefined();
    const u = await userStore().findById(m.userId);
    expect(u).toMatchObject({ mfaEnabled: false, mfaSecret: null });
    const audit = await new DynamoAuditLog(dynamo(), config().AUDIT_TABLE).recent(m.userId, 5);
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['mfa.disable', 'mfa.enable']));
  });

  it('lets an admin reset a user’s lost MFA (audited, their sessions ended), never their own, and never a trader', async () => {
    const admin = await withMfa(await signUp('resetter'));
    await userStore().setRoles(admin.userId, ['admin', 'trader']);
    const adminToken = (await mfaLogin(admin)).accessToken;
    const victim = await withMfa(await signUp('lostphone'));
    expect(await call(resetMfa, victim.accessToken, { path: { userId: admin.userId } })).toMatchObject({
      status: 403,
      body: { code: 'FORBIDDEN' },
    });
    expect(await call(resetMfa, adminToken, { path: { userId: admin.userId } })).toMatchObject({
      status: 403,
      body: { code: 'SELF_RESET' },
    });
    const r = await call(resetMfa, adminToken, { path: { userId: victim.userId } });
    // every session of theirs: the one that enrolled and the one that logged in with a code
    expect(r).toMatchObject({ status: 200, body: { mfaEnabled: false, sessionsRevoked: 2 } });
    expect(await authenticate(victim.accessToken)).toBeUndefined();
    expect(await authenticate(victim.accessToken)).toBeUndefined();
    expect((await userStore().findById(victim.userId))?.mfaSecret).toBeNull();
    const audit = await new DynamoAuditLog(dynamo(), config().AUDIT_TABLE).recent(victim.userId, 5);
    expect(audit[0]).toMatchObject({ action: 'mfa.reset', actorId: admin.userId, details: { wasEnabled: true } });
  });
});

describe('DR four-eyes: two established people with MFA', () => {
  it('refuses an admin granting themself ops: one person cannot become the second operator', async () => {
    const admin = await withMfa(await signUp('selfgrant'));
    await userStore().setRoles(admin.userId, ['admin', 'trader']);
    const token = (await mfaLogin(admin)).accessToken;
    expect(await call(setRoles, token, { path: { userId: admin.userId }, body: { roles: ['admin', 'ops', 'trader'] } })).toMatchObject({
      status: 403,
      body: { code: 'SELF_GRANT' },
    });
    expect((await userStore().findById(admin.userId))?.roles).toEqual(['admin', 'trader']);
  });

  it('refuses an approval by an ops role granted in the last hour: an admin cannot make a second operator on the spot', async () => {
    const admin = await withMfa(await signUp('granter'));
    await userStore().setRoles(admin.userId, ['admin', 'trader']);
    const adminToken = (await mfaLogin(admin)).accessToken;
    const fresh = await withMfa(await signUp('freshops'));
    expect(await call(setRoles, adminToken, { path: { userId: fresh.userId }, body: { roles: ['ops', 'trader'] } })).toMatchObject({
      status: 200,
    });
    const opsToken = (await mfaLogin(fresh)).accessToken;
    const execution = { execution: 'failover-20261201T101500Z-abcdef' };
    expect(await call(drApprove, opsToken, { path: execution, body: { decision: 'approve' } })).toMatchObject({
      status: 403,
      body: { code: 'ROLE_TOO_RECENT' },
    });
    expect(await call(drFailover, opsToken, { body: { reason: 'a fresh operator' } })).toMatchObject({
      status: 403,
      body: { code: 'ROLE_TOO_RECENT' },
    });
    // an hour later the same person is an operator like any other: past the rule, to the (absent) approval
    await pool().query(
      `UPDATE users SET role_granted_at = jsonb_set(role_granted_at, '{ops}', to_jsonb(now() - interval '61 minutes')) WHERE id = $1`,
      [fresh.userId],
    );
    expect(await call(drApprove, opsToken, { path: execution, body: { decision: 'approve' } })).toMatchObject({ status: 404 });
  });

  it('refuses a DR approval from an operator without MFA, however long they have held ops', async () => {
    const p = await signUp('opsnomfa');
    await userStore().setRoles(p.userId, ['ops', 'trader']);
    await pool().query(`UPDATE users SET role_granted_at = '{}'::jsonb WHERE id = $1`, [p.userId]);
    const token = (await call(login, undefined, { body: { email: p.email, password } })).body.accessToken as string;
    expect(await call(drApprove, token, { path: { execution: 'failover-x' }, body: { decision: 'approve' } })).toMatchObject({
      status: 403,
      body: { code: 'MFA_REQUIRED' },
    });
  });
});
