/**
 * Security tests through the edge as traders reach it (serverless offline: API Gateway emulation,
 * the Lambda authorizer, the handlers), named after the OWASP API Security Top 10 (2023) items they
 * cover. A stack of its own, on ports of its own, against a throwaway PostgreSQL database.
 */
import Redis from 'ioredis';
import { SignJWT, decodeJwt, importJWK, type JWK } from 'jose';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { redisKeys } from '../../matching-host/proto/market-data-views';
import { newJwtKeys } from '../../functions/auth/access-tokens';
import { LOCAL_SECRETS } from '../../scripts/local/dev-secrets';
import { httpClient, type HttpReply } from '../support/http-client';
import { stackUnderTest } from '../support/stack-under-test';

const PORTS = {
  http: 3320,
  websocket: 3322,
  lambda: 3321,
  grpc: 50161,
  metrics: 9574,
  kinesis: 4677,
  dynamodb: 4679,
  postgres: 5543,
  stepFunctions: 8393,
};
const call = httpClient(`http://127.0.0.1:${PORTS.http}`);
const password = 'correct horse battery staple';
let alice: { token: string; refresh: string; email: string };
let bob: { token: string; refresh: string; email: string };

async function signUp(name: string): Promise<{ token: string; refresh: string; email: string }> {
  const email = `${name}.${Date.now()}@example.com`;
  expect((await call('POST', '/v1/auth/register', { email, password })).status).toBe(201);
  const r = await call('POST', '/v1/auth/login', { email, password });
  return { token: r.body.accessToken as string, refresh: r.body.refreshToken as string, email };
}

/** Nothing internal in an answer: no stack frame, no file path, no library name. */
function expectNoInternals(r: HttpReply): void {
  expect(r.text).not.toMatch(/\bat .+:\d+:\d+|\.ts\b|node_modules|TypeError|SyntaxError|ZodError|stack/i);
}

const stack = stackUnderTest(PORTS);

/** A socket to the stack's WebSocket API that collects what it receives, and whether the server closed it. */
function socket(
  protocols?: string[],
  headers: Record<string, string> = {},
): Promise<{ ws: WebSocket; inbox: Record<string, unknown>[]; next: () => Promise<Record<string, unknown>>; closed: Promise<void> }> {
  const ws = new WebSocket(`ws://127.0.0.1:${PORTS.websocket}`, protocols, { headers });
  const inbox: Record<string, unknown>[] = [];
  let seen = 0;
  ws.on('message', (d: Buffer) => inbox.push(JSON.parse(d.toString()) as Record<string, unknown>));
  const closed = new Promise<void>((r) => ws.once('close', () => r()));
  const next = async (): Promise<Record<string, unknown>> => {
    for (let i = 0; i < 200 && inbox.length <= seen; i++) await new Promise((r) => setTimeout(r, 50));
    if (inbox.length <= seen) throw new Error('no message within 10 s');
    return inbox[seen++];
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, inbox, next, closed }));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`handshake refused: ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

beforeAll(async () => {
  alice = await signUp('alice');
  bob = await signUp('bob');
}, 30_000);

describe('API1:2023 Broken Object Level Authorization', () => {
  it("answers another trader's transfer as not found, and a trader's own as theirs", async () => {
    const dep = await call('POST', '/v1/accounts/deposits', { asset: 'USD', amount: '10', idempotencyKey: 'sec-dep-alice-1' }, alice.token);
    expect(dep.status).toBe(201);
    const path = `/v1/accounts/transfers/${dep.body.transferId as string}`;
    expect((await call('GET', path, undefined, alice.token)).status).toBe(200);
    const r = await call('GET', path, undefined, bob.token);
    expect(r).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
    // Bob's balances are his own: Alice's deposit is not there
    const bal = await call('GET', '/v1/accounts/balances', undefined, bob.token);
    expect(bal.body.balances).toContainEqual(expect.objectContaining({ asset: 'USD', available: '0.000000' }));
    // the first calls of the run meet cold functions (esbuild, worker threads)
  }, 30_000);

  it("answers another trader's order exactly as an order that does not exist, open or closed", async () => {
    expect(
      (await call('POST', '/v1/accounts/deposits', { asset: 'USD', amount: '50', idempotencyKey: 'sec-dep-alice-orders' }, alice.token))
        .status,
    ).toBe(201);
    const order = await call(
      'POST',
      '/v1/orders',
      { clientOrderId: 'sec-bola-1', symbol: 'BTC-USD', side: 'buy', type: 'limit', quantity: '0.0001', price: '42000' },
      alice.token,
    );
    expect(order).toMatchObject({ status: 201, body: { status: 'OPEN' } });
    const path = `/v1/orders/${order.body.orderId as string}`;
    expect(await call('GET', path, undefined, alice.token)).toMatchObject({ status: 200, body: { status: 'OPEN' } });
    const none = await call('GET', '/v1/orders/999999999', undefined, bob.token);
    expect(none).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
    const strip = (r: HttpReply): unknown => ({ status: r.status, code: r.body.code, message: r.body.message });
    expect(strip(await call('GET', path, undefined, bob.token))).toEqual(strip(none));
    expect((await call('DELETE', path, undefined, alice.token)).status).toBe(200);
    // closed now (from the order history): still the same answer to Bob, even after he tried to cancel it
    expect((await call('DELETE', path, undefined, bob.token)).status).toBe(404);
    expect(strip(await call('GET', path, undefined, bob.token))).toEqual(strip(none));
    // the first calls of the run meet cold functions (esbuild, worker threads)
  }, 30_000);

  it('ignores a user id smuggled into a body: the token decides whose account it is', async () => {
    const bobId = decodeJwt(bob.token).sub as string;
    const r = await call(
      'POST',
      '/v1/accounts/withdrawals',
      { asset: 'USD', amount: '1', idempotencyKey: 'sec-wd-1', userId: bobId },
      alice.token,
    );
    expect(r).toMatchObject({ status: 400, body: { code: 'VALIDATION_ERROR' } });
  });
});

describe('API2:2023 Broken Authentication', () => {
  const secrets = (): { jwtSigningJwk: string } => JSON.parse(readFileSync(LOCAL_SECRETS, 'utf8')) as { jwtSigningJwk: string };
  /** a token like Alice's (a live session) with one thing changed */
  async function forge(change: { key?: JWK; aud?: string; exp?: number; iat?: number }): Promise<string> {
    const claims = decodeJwt(alice.token);
    const ours = JSON.parse(secrets().jwtSigningJwk) as JWK;
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ roles: claims.roles, acc: claims.acc, sid: claims.sid, amr: claims.amr })
      .setProtectedHeader({ alg: 'EdDSA', kid: ours.kid, typ: 'at+jwt' })
      .setSubject(claims.sub as string)
      .setIssuer(claims.iss as string)
      .setAudience(change.aud ?? (claims.aud as string))
      .setIssuedAt(change.iat ?? now)
      .setExpirationTime(change.exp ?? now + 300)
      .sign(await importJWK(change.key ?? ours, 'EdDSA'));
  }

  it('accepts a correctly made token (the forgeries below differ in one thing only)', async () => {
    expect((await call('GET', '/v1/auth/me', undefined, await forge({}))).status).toBe(200);
  });

  it.each([
    [
      'signed with alg "none"',
      (): Promise<string> => {
        const [h, p] = alice.token.split('.');
        const header = { ...(JSON.parse(Buffer.from(h, 'base64url').toString()) as object), alg: 'none' };
        return Promise.resolve(`${Buffer.from(JSON.stringify(header)).toString('base64url')}.${p}.`);
      },
    ],
    [
      'signed with a key that is not ours (same kid)',
      async (): Promise<string> => forge({ key: JSON.parse((await newJwtKeys('x')).signing) as JWK }),
    ],
    ['expired', (): Promise<string> => forge({ iat: Math.floor(Date.now() / 1000) - 3600, exp: Math.floor(Date.now() / 1000) - 60 })],
    ['for another audience', (): Promise<string> => forge({ aud: 'another-api' })],
    [
      'with its payload edited (roles: admin)',
      (): Promise<string> => {
        const [h, p, s] = alice.token.split('.');
        const payload = { ...(JSON.parse(Buffer.from(p, 'base64url').toString()) as object), roles: ['admin'] };
        return Promise.resolve(`${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`);
      },
    ],
    ['that is not a JWT', (): Promise<string> => Promise.resolve('not-a-token')],
  ])('refuses a token %s with 401', async (_, make) => {
    const r = await call('GET', '/v1/auth/me', undefined, await make());
    expect(r.status).toBe(401);
    expectNoInternals(r);
  });

  it('refuses the access token of a session that logged out', async () => {
    const s = await signUp('leaver');
    expect((await call('GET', '/v1/auth/me', undefined, s.token)).status).toBe(200);
    expect((await call('POST', '/v1/auth/logout', { refreshToken: s.refresh })).status).toBe(204);
    expect((await call('GET', '/v1/auth/me', undefined, s.token)).status).toBe(401);
  });

  it('revokes the whole session when a spent refresh token comes back', async () => {
    const s = await signUp('reuser');
    const next = await call('POST', '/v1/auth/refresh', { refreshToken: s.refresh });
    expect(next.status).toBe(200);
    expect(await call('POST', '/v1/auth/refresh', { refreshToken: s.refresh })).toMatchObject({
      status: 401,
      body: { code: 'REFRESH_TOKEN_REUSED' },
    });
    // the thief's copy and the rightful successor are both dead now
    expect((await call('POST', '/v1/auth/refresh', { refreshToken: next.body.refreshToken })).status).toBe(401);
    expect((await call('GET', '/v1/auth/me', undefined, next.body.accessToken as string)).status).toBe(401);
  });
});

describe('API3:2023 Broken Object Property Level Authorization', () => {
  it('does not let a registration body grant roles (mass assignment)', async () => {
    const email = `mass.${Date.now()}@example.com`;
    const r = await call('POST', '/v1/auth/register', { email, password, roles: ['admin'] });
    expect(r).toMatchObject({ status: 400, body: { code: 'VALIDATION_ERROR' } });
    expect((await call('POST', '/v1/auth/login', { email, password })).status).toBe(401);
    // registered properly, the user is a trader only
    await call('POST', '/v1/auth/register', { email, password });
    const login = await call('POST', '/v1/auth/login', { email, password });
    expect((await call('GET', '/v1/auth/me', undefined, login.body.accessToken as string)).body.roles).toEqual(['trader']);
  });

  it('shows no secret in a profile', async () => {
    const me = await call('GET', '/v1/auth/me', undefined, alice.token);
    expect(Object.keys(me.body).sort()).toEqual(['accountNo', 'email', 'mfaEnabled', 'roles', 'userId']);
  });
});

describe('API4:2023 Unrestricted Resource Consumption', () => {
  it('refuses an oversized body before parsing it', async () => {
    const r = await call('POST', '/v1/auth/login', { email: 'a@example.com', password: 'x'.repeat(100_000) });
    expect(r).toMatchObject({ status: 400, body: { code: 'BODY_TOO_LARGE' } });
    expectNoInternals(r);
  });

  it('caps page sizes', async () => {
    expect((await call('GET', '/v1/accounts/ledger?limit=100000', undefined, alice.token)).status).toBe(400);
  });

  it('locks a password guesser out of an account it keeps failing at, with 429 and Retry-After', async () => {
    // registered, never logged in: this address is not one the account knows
    const email = `guessed.${Date.now()}@example.com`;
    expect((await call('POST', '/v1/auth/register', { email, password })).status).toBe(201);
    let last: HttpReply | undefined;
    for (let i = 0; i < 12; i++) {
      last = await call('POST', '/v1/auth/login', { email, password: 'wrong password 123' });
      if (last.status === 429) break;
    }
    expect(last?.status).toBe(429);
    expect(last?.body).toMatchObject({ code: 'RATE_LIMITED' });
    expect(Number(last?.headers['retry-after'])).toBeGreaterThan(0);
    // the lock is checked before the password: the right one from a stranger's address learns nothing either
    expect((await call('POST', '/v1/auth/login', { email, password })).status).toBe(429);
  });

  it('refuses a withdrawal from a password-only session: a stolen password alone moves no money out', async () => {
    const r = await call(
      'POST',
      '/v1/accounts/withdrawals',
      { asset: 'USD', amount: '1', idempotencyKey: `sec-wd-${Date.now()}` },
      alice.token,
    );
    expect(r).toMatchObject({ status: 403, body: { code: 'MFA_REQUIRED' } });
    expectNoInternals(r);
  });
});

describe('API5:2023 Broken Function Level Authorization', () => {
  it('keeps admin and ops routes from a trader', async () => {
    const aliceId = decodeJwt(alice.token).sub as string;
    expect(await call('GET', '/v1/admin/users', undefined, alice.token)).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    expect((await call('PUT', `/v1/admin/users/${aliceId}/roles`, { roles: ['admin'] }, alice.token)).status).toBe(403);
    expect((await call('GET', '/v1/ops/matching-host', undefined, alice.token)).status).toBe(403);
    expect((await call('GET', '/v1/admin/users')).status).toBe(401);
  });
});

describe('API6:2023 Unrestricted Access to Sensitive Business Flows', () => {
  it('throttles scripted order spam from one trader over the socket, then hangs up on it', async () => {
    const s = await socket(['exchange.v1', `bearer.${alice.token}`]);
    // each frame a well-formed order the edge refuses cheaply (off tick): the spam is the flow itself
    const frame = (i: number): string =>
      JSON.stringify({
        action: 'placeOrder',
        clientOrderId: `sec-spam-${i}`,
        symbol: 'BTC-USD',
        side: 'buy',
        type: 'limit',
        quantity: '0.0001',
        price: '42000.001',
      });
    // a few frames in flight at a time (the emulator fails frames beyond a handful at once), as fast
    // as the answers come: well past the orders budget's refill (20/s) once the burst (40) is spent
    const started = Date.now();
    for (let i = 0; i < 400 && s.ws.readyState === WebSocket.OPEN && Date.now() - started < 40_000; i += 4) {
      for (let k = 0; k < 4; k++) s.ws.send(frame(i + k));
      await Promise.race([s.closed, Promise.all([s.next(), s.next(), s.next(), s.next()]).catch(() => undefined)]);
    }
    await Promise.race([s.closed, new Promise((r) => setTimeout(r, 5_000))]);
    const codes = s.inbox.map((m) => m.code);
    // past the budget the frames were refused unread, and once it kept on, the server closed the socket
    expect(codes.filter((c) => c === 'RATE_LIMITED').length).toBeGreaterThanOrEqual(20);
    expect(s.ws.readyState).toBe(WebSocket.CLOSED);
  }, 60_000);
});

describe('API7:2023 Server Side Request Forgery', () => {
  let canary: Server;
  let canaryUrl: string;
  const requests: string[] = [];
  beforeAll(async () => {
    canary = createServer((req, res) => {
      requests.push(`${req.method ?? ''} ${req.url ?? ''}`);
      res.writeHead(200).end('{}');
    });
    await new Promise<void>((r) => canary.listen(0, '127.0.0.1', r));
    canaryUrl = `http://127.0.0.1:${(canary.address() as AddressInfo).port}`;
  });
  afterAll(() => void canary.close());

  it('never calls an address a client names: not in a body field, a forwarding header, nor the Host of a WebSocket handshake', async () => {
    const steer = {
      Host: new URL(canaryUrl).host,
      'X-Forwarded-Host': new URL(canaryUrl).host,
      Forwarded: `host=${new URL(canaryUrl).host}`,
    };
    // fields that could carry a callback are refused, not followed
    for (const [path, body] of [
      ['/v1/accounts/deposits', { asset: 'USD', amount: '1', idempotencyKey: 'sec-ssrf-1', callbackUrl: canaryUrl }],
      [
        '/v1/orders',
        {
          clientOrderId: 'sec-ssrf-1',
          symbol: 'BTC-USD',
          side: 'buy',
          type: 'limit',
          quantity: '0.0001',
          price: '1',
          webhookUrl: canaryUrl,
        },
      ],
    ] as const) {
      const r = await call('POST', path, body, alice.token, steer);
      expect(r).toMatchObject({ status: 400, body: { code: 'VALIDATION_ERROR' } });
    }
    // the management API the functions post snapshots to is configured, not taken from the handshake's Host
    const s = await socket(['exchange.v1', `bearer.${alice.token}`], { Host: new URL(canaryUrl).host, Origin: canaryUrl });
    s.ws.send(JSON.stringify({ action: 'subscribe', channels: ['level2'], symbols: ['BTC-USD'] }));
    const got = [await s.next(), await s.next()];
    expect(got).toContainEqual(expect.objectContaining({ channel: 'level2', type: 'snapshot', symbol: 'BTC-USD' }));
    s.ws.close();
    expect(requests).toEqual([]);
  });
});

describe('API10:2023 Unsafe Consumption of APIs', () => {
  let views: Redis;
  const key = redisKeys.book('ETH-USD');
  let original: string | null = null;
  beforeAll(async () => {
    views = new Redis('redis://127.0.0.1:6379', { keyPrefix: stack.redisKeyPrefix });
    original = await views.get(key);
  });
  afterAll(async () => {
    if (original === null) await views.del(key);
    else await views.set(key, original);
    views.disconnect();
  });

  it('refuses a hostile market data view from Redis instead of passing it to clients (REST and the WebSocket snapshot)', async () => {
    const hostile = {
      symbol: 'ETH-USD',
      sequence: 1,
      time: 1,
      bids: [['<img src=x onerror=alert(1)>', '1', 1]],
      asks: [],
      injected: 'from-redis',
    };
    await views.set(key, JSON.stringify(hostile));
    const r = await call('GET', '/v1/markets/ETH-USD/book');
    expect(r.status).toBe(503);
    expect(r.text).not.toMatch(/onerror|from-redis/);
    expectNoInternals(r);
    const s = await socket();
    s.ws.send(JSON.stringify({ action: 'subscribe', channels: ['level2'], symbols: ['ETH-USD'] }));
    expect(await s.next()).toMatchObject({ type: 'error', code: 'UNAVAILABLE' });
    s.ws.close();
    expect(JSON.stringify(s.inbox)).not.toMatch(/onerror|from-redis/);
    // a view as the host writes it passes, with no field beyond its declaration
    await views.set(key, JSON.stringify({ ...hostile, bids: [['3000.00', '1.0000', 1]] }));
    expect(await call('GET', '/v1/markets/ETH-USD/book')).toMatchObject({ status: 200 });
    expect((await call('GET', '/v1/markets/ETH-USD/book')).text).not.toMatch(/from-redis/);
  });
});

describe('API8:2023 Security Misconfiguration', () => {
  it('answers malformed JSON with 400 and no internals', async () => {
    for (const body of ['{"email":', '[1,2', 'null', '"just a string"']) {
      const r = await call('POST', '/v1/auth/login', body);
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({
        code: expect.stringMatching(/^(MALFORMED_JSON|VALIDATION_ERROR)$/) as string,
        requestId: expect.any(String) as string,
      });
      expectNoInternals(r);
    }
  });

  it('sends security headers on answers and refusals alike', async () => {
    // a function's answer, a function's refusal, and API Gateway's own refusal (the authorizer's 401)
    for (const r of [
      await call('GET', '/v1/auth/me', undefined, alice.token),
      await call('POST', '/v1/auth/login', '{'),
      await call('GET', '/v1/auth/me'),
    ]) {
      expect(r.headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' });
      expect(r.headers['strict-transport-security']).toMatch(/max-age=/);
    }
  });
});

describe('API9:2023 Improper Inventory Management', () => {
  it('answers routes that do not exist with 404', async () => {
    for (const [m, p] of [
      ['GET', '/v1/nope'],
      ['POST', '/v1/admin/debug'],
      ['GET', '/v0/auth/me'],
      ['DELETE', '/v1/accounts/balances'],
    ]) {
      const r = await call(m, p, m === 'POST' ? {} : undefined, alice.token);
      expect(r.status).toBe(404);
      expectNoInternals(r);
    }
  });
});
