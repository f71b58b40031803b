/**
 * The WebSocket routes through their handlers, against real components: the $connect authorizer
 * with tokens of real sessions (PostgreSQL + Redis), connections and subscriptions in DynamoDB
 * (dynalite), rate limits in Redis.
 */
import type { APIGatewayRequestAuthorizerEvent, Context } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { startFunctionsEnv, type FunctionsEnv } from '../../test/support/functions-env';
import { recordingManagementApi, type RecordingManagementApi } from '../../test/support/management-api';
import { websocket } from '../auth/authorizer-handlers';
import { dynamo } from '../shared/aws';
import { RedisSubscriberIndex } from '../shared/adapters/redis-subscriber-index';
import { redis } from '../shared/redis';
import { authService, userAdminService } from '../auth/wiring';
import { RedisSessionStore } from '../shared/adapters/redis-session-store';
import { userStore } from '../shared/users';
import { fanoutService } from '../streams/wiring';
import { DynamoConnectionStore } from '../shared/adapters/dynamo-connection-store';
import { MAX_FRAME_BYTES, type WsEvent, type WsResult } from './ws-handler';
import { ANONYMOUS_SOCKETS_PER_IP } from './connection-quota';
import { connect, disconnect, fallback, subscriptions } from './ws-handlers';
import type { AuthMethod } from '../shared/ports/session-store';

let env: FunctionsEnv;
let token: string;
let email: string;

let management: RecordingManagementApi;
let delivered: RecordingManagementApi['delivered'];
let closed: RecordingManagementApi['closed'];

beforeAll(async () => {
  management = await recordingManagementApi();
  delivered = management.delivered;
  closed = management.closed;
  process.env.WS_API_ENDPOINT = management.endpoint;
  env = await startFunctionsEnv({ redisDb: 8 });
  const auth = await authService();
  email = `ws.${Date.now()}@example.com`;
  await auth.register(email, 'correct horse battery staple');
  const login = await auth.login(email, 'correct horse battery staple');
  if (!('accessToken' in login)) throw new Error('expected tokens');
  token = login.accessToken;
}, 60_000);

afterAll(async () => {
  await env.stop();
  management.close();
});

const context = { awsRequestId: 'lambda-req', functionName: 'ws', getRemainingTimeInMillis: () => 5000 } as unknown as Context;
const store = (): DynamoConnectionStore => new DynamoConnectionStore(dynamo(), 'exchange-local-ws-connections');

function handshake(opts: { query?: Record<string, string>; protocols?: string; ip?: string }): APIGatewayRequestAuthorizerEvent {
  return {
    type: 'REQUEST',
    methodArn: 'arn:aws:execute-api:us-east-1:1:api/local/$connect',
    requestContext: { identity: { sourceIp: opts.ip ?? `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}` } },
    headers: { Host: 'localhost', ...(opts.protocols ? { 'Sec-WebSocket-Protocol': opts.protocols } : {}) },
    queryStringParameters: opts.query ?? null,
  } as unknown as APIGatewayRequestAuthorizerEvent;
}

/** A connection as API Gateway hands it to the routes after the authorizer allowed it. */
const randomIp = (): string => `10.7.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

async function open(
  authorizerContext: Record<string, unknown>,
  protocols?: string,
  ip: string = randomIp(),
): Promise<{ id: string; result: WsResult; frame: (body: unknown) => Promise<Record<string, unknown>> }> {
  const id = randomUUID();
  const event = (routeKey: string, body?: string): WsEvent => ({
    body,
    headers: protocols ? { 'Sec-WebSocket-Protocol': protocols } : {},
    requestContext: { connectionId: id, routeKey, requestId: randomUUID(), authorizer: authorizerContext, identity: { sourceIp: ip } },
  });
  const result = await connect(event('$connect'), context);
  return {
    id,
    result,
    frame: async (body: unknown) => {
      const raw = typeof body === 'string' ? body : JSON.stringify(body);
      const action = typeof body === 'object' && body && 'action' in body ? String(body.action) : '$default';
      const h = action === 'subscribe' || action === 'unsubscribe' ? subscriptions : fallback;
      const r = await h(event(action, raw), context);
      return r.body ? (JSON.parse(r.body) as Record<string, unknown>) : {};
    },
  };
}

describe('the $connect authorizer', () => {
  it('accepts a live token in the query string or as a subprotocol, with the caller in the context', async () => {
    for (const e of [handshake({ query: { token } }), handshake({ protocols: `exchange.v1, bearer.${token}` })]) {
      const r = await websocket(e);
      expect(r.policyDocument.Statement[0]).toMatchObject({ Effect: 'Allow' });
      expect(r.context).toMatchObject({
        userId: expect.stringMatching(/^[0-9a-f-]{36}$/) as string,
        roles: 'trader',
        accountNo: expect.any(Number) as number,
      });
    }
  });

  it('lets a connection without a token in as anonymous', async () => {
    const r = await websocket(handshake({}));
    expect(r).toMatchObject({ principalId: 'anonymous', context: { userId: '' } });
  });

  it.each([
    ['a token that is not a JWT', (): string => 'nope.nope.nope'],
    ['a token with a forged signature (OWASP API2:2023)', (): string => `${token.slice(0, token.lastIndexOf('.'))}.${'A'.repeat(86)}`],
  ])('refuses %s with 401', async (_, bad) => {
    await expect(websocket(handshake({ query: { token: bad() } }))).rejects.toThrow('Unauthorized');
  });
});

describe('$connect limits', () => {
  it('refuses a burst of handshakes from one address beyond its budget', async () => {
    const ip = `10.8.${Math.floor(Math.random() * 250)}.1`;
    for (let i = 0; i < 30; i++) await websocket(handshake({ ip }));
    await expect(websocket(handshake({ ip }))).rejects.toThrow('Unauthorized');
    // another address is not affected
    await expect(websocket(handshake({}))).resolves.toMatchObject({ principalId: 'anonymous' });
  });
});

describe('connections and subscriptions', () => {
  it('records the connection, accepts the offered subprotocol and forgets it at $disconnect', async () => {
    const c = await open({ userId: '', roles: '', accountNo: 0 }, `exchange.v1, bearer.${token}`);
    expect(c.result).toMatchObject({ statusCode: 200, headers: { 'Sec-WebSocket-Protocol': 'exchange.v1' } });
    expect(await store().get(c.id)).toMatchObject({ connectionId: c.id, userId: null, subscriptions: [] });
    await disconnect({ requestContext: { connectionId: c.id, routeKey: '$disconnect' } }, context);
    expect(await store().get(c.id)).toBeNull();
    // a frame racing the disconnect does not bring the record back
    expect(await c.frame({ action: 'subscribe', channels: ['heartbeat'] })).toMatchObject({ type: 'error', code: 'GONE' });
    expect(await store().get(c.id)).toBeNull();
  });

  it('subscribes and unsubscribes per channel and symbol', async () => {
    const c = await open({ userId: '', roles: '', accountNo: 0 });
    expect(await c.frame({ action: 'subscribe', channels: ['trades', 'level2'], symbols: ['BTC-USD', 'ETH-USD'], id: 'r1' })).toEqual({
      type: 'subscriptions',
      id: 'r1',
      subscriptions: ['level2:BTC-USD', 'level2:ETH-USD', 'trades:BTC-USD', 'trades:ETH-USD'],
    });
    expect(await c.frame({ action: 'unsubscribe', channels: ['level2'], symbols: ['BTC-USD'] })).toMatchObject({
      subscriptions: ['level2:ETH-USD', 'trades:BTC-USD', 'trades:ETH-USD'],
    });
    expect((await store().get(c.id))?.subscriptions).toEqual(['level2:ETH-USD', 'trades:BTC-USD', 'trades:ETH-USD']);
    // a level2 subscription starts with a snapshot carrying its sequence
    expect(delivered.get(c.id)).toEqual([
      { channel: 'level2', type: 'snapshot', symbol: 'BTC-USD', sequence: 0, time: 0, data: { bids: [], asks: [] } },
      { channel: 'level2', type: 'snapshot', symbol: 'ETH-USD', sequence: 0, time: 0, data: { bids: [], asks: [] } },
    ]);
    // the fan-out finds it by channel and symbol until it unsubscribes or disconnects
    const index = new RedisSubscriberIndex(redis());
    expect(await index.subscribers('trades:ETH-USD')).toContain(c.id);
    expect(await index.subscribers('level2:BTC-USD')).not.toContain(c.id);
    await disconnect({ requestContext: { connectionId: c.id, routeKey: '$disconnect' } }, context);
    expect(await index.subscribers('trades:ETH-USD')).not.toContain(c.id);
  });

  it('keeps the user channel for authenticated connections', async () => {
    const anon = await open({ userId: '', roles: '', accountNo: 0 });
    expect(await anon.frame({ action: 'subscribe', channels: ['user'] })).toMatchObject({
      type: 'error',
      code: 'FORBIDDEN',
      requestId: expect.any(String) as string,
    });
    const auth = await websocket(handshake({ query: { token } }));
    const mine = await open(auth.context as Record<string, unknown>);
    expect(await mine.frame({ action: 'subscribe', channels: ['user'] })).toEqual({ type: 'subscriptions', subscriptions: ['user'] });
    expect(await store().get(mine.id)).toMatchObject({
      userId: auth.context?.userId,
      accountNo: auth.context?.accountNo,
      sessionId: auth.context?.sessionId,
    });
  });

  it('refuses frames once the session behind the connection has ended', async () => {
    const auth = await authService();
    const login = await auth.login(email, 'correct horse battery staple');
    if (!('accessToken' in login)) throw new Error('expected tokens');
    const ctx = (await websocket(handshake({ query: { token: login.accessToken } }))).context as Record<string, unknown>;
    const c = await open(ctx);
    expect(await c.frame({ action: 'subscribe', channels: ['user'] })).toMatchObject({ type: 'subscriptions' });
    await auth.logout(login.refreshToken);
    expect(await c.frame({ action: 'subscribe', channels: ['heartbeat'] })).toMatchObject({ type: 'error', code: 'SESSION_ENDED' });
  });

  it.each([
    { frame: '{"action":', code: 'MALFORMED_JSON' },
    { frame: { action: 'subscribe', channels: ['trades'] }, code: 'SYMBOLS_REQUIRED' },
    { frame: { action: 'subscribe', channels: ['trades'], symbols: ['DOGE-USD'] }, code: 'UNKNOWN_SYMBOL' },
    { frame: { action: 'subscribe', channels: ['orders'], symbols: ['BTC-USD'] }, code: 'VALIDATION_ERROR' },
    { frame: { action: 'subscribe', channels: ['trades'], symbols: ['BTC-USD'], extra: 1 }, code: 'VALIDATION_ERROR' },
    { frame: { action: 'subscribe', channels: ['heartbeat'], pad: 'x'.repeat(20_000) }, code: 'FRAME_TOO_LARGE' },
    { frame: { action: 'dance' }, code: 'UNKNOWN_ACTION' },
    { frame: [1, 2, 3], code: 'UNKNOWN_ACTION' },
  ])('answers a bad frame with an error frame $code', async ({ frame, code }) => {
    const c = await open({ userId: '', roles: '', accountNo: 0 });
    const r = await c.frame(frame);
    expect(r).toMatchObject({ type: 'error', code });
    expect(JSON.stringify(r)).not.toMatch(/\.ts:\d+|node_modules/);
  });
});

describe('the end of a session ends its sockets', () => {
  const password = 'correct horse battery staple';

  /** A new user, or a new login of one, with a socket subscribed to its user channel. */
  async function loggedInSocket(who?: string): Promise<{
    email: string;
    userId: string;
    refreshToken: string;
    socket: Awaited<ReturnType<typeof open>>;
  }> {
    const auth = await authService();
    const mail = who ?? `ws.end.${randomUUID()}@example.com`;
    if (!who) await auth.register(mail, password);
    const login = await auth.login(mail, password);
    if (!('accessToken' in login)) throw new Error('expected tokens');
    const ctx = (await websocket(handshake({ protocols: `exchange.v1, bearer.${login.accessToken}` }))).context as Record<string, unknown>;
    const socket = await open(ctx);
    expect(await socket.frame({ action: 'subscribe', channels: ['user'] })).toEqual({ type: 'subscriptions', subscriptions: ['user'] });
    return { email: mail, userId: String(ctx.userId), refreshToken: login.refreshToken, socket };
  }

  /** What the order-event consumer does with one of the user's events. */
  async function userEvent(userId: string): Promise<string> {
    const marker = randomUUID();
    await fanoutService().sendTo(`user:${userId}`, { channel: 'user', type: 'update', data: { marker } });
    return marker;
  }
  const received = (connectionId: string, marker: string): boolean =>
    (delivered.get(connectionId) ?? []).some((m) => (m.data as { marker?: string } | undefined)?.marker === marker);

  it('a socket after logout receives nothing and is closed', async () => {
    const ended = await loggedInSocket();
    // the same user's other session is not touched
    const other = await loggedInSocket(ended.email);
    await (await authService()).logout(ended.refreshToken);
    expect(closed).toContain(ended.socket.id);
    expect(closed).not.toContain(other.socket.id);
    const marker = await userEvent(ended.userId);
    expect(received(other.socket.id, marker)).toBe(true);
    expect(received(ended.socket.id, marker)).toBe(false);
  });

  it('a socket after refresh-token reuse receives nothing and is closed (the whole family is revoked)', async () => {
    const auth = await authService();
    const ended = await loggedInSocket();
    const other = await loggedInSocket(ended.email);
    await auth.refresh(ended.refreshToken);
    // the spent token again: a thief or the victim, the family ends either way
    await expect(auth.refresh(ended.refreshToken)).rejects.toMatchObject({ code: 'REFRESH_TOKEN_REUSED' });
    expect(closed).toContain(ended.socket.id);
    expect(closed).not.toContain(other.socket.id);
    const marker = await userEvent(ended.userId);
    expect(received(other.socket.id, marker)).toBe(true);
    expect(received(ended.socket.id, marker)).toBe(false);
  });

  it('a socket after a role change receives nothing and is closed; a login after it does', async () => {
    const ended = await loggedInSocket();
    const admin = await loggedInSocket();
    await userStore().setRoles(admin.userId, ['admin', 'trader']);
    // an admin who proved a code a moment ago (role changes need a step-up)
    const stepUp = { amr: ['pwd', 'otp'] as AuthMethod[], otpAt: Math.floor(Date.now() / 1000) };
    await userAdminService().setRoles(
      { userId: admin.userId, roles: ['admin', 'trader'], accountNo: 0, ...stepUp },
      ended.userId,
      ['ops', 'trader'],
      {
        requestId: 'ws-test',
        ip: '127.0.0.1',
      },
    );
    expect(closed).toContain(ended.socket.id);
    const after = await loggedInSocket(ended.email);
    const marker = await userEvent(ended.userId);
    expect(received(after.socket.id, marker)).toBe(true);
    expect(received(ended.socket.id, marker)).toBe(false);
  });

  it('never delivers a user event to a socket whose session ended without closing it, and closes it then', async () => {
    const ended = await loggedInSocket();
    const other = await loggedInSocket(ended.email);
    // revoked by a store that closes nothing (as a revoker whose close failed would leave it)
    await new RedisSessionStore(redis()).revokeByToken(ended.refreshToken);
    expect(closed).not.toContain(ended.socket.id);
    const marker = await userEvent(ended.userId);
    expect(received(other.socket.id, marker)).toBe(true);
    expect(received(ended.socket.id, marker)).toBe(false);
    expect(closed).toContain(ended.socket.id);
  });
});

describe('frame budgets', () => {
  const anonymous = { userId: '', roles: '', accountNo: 0 };
  const codes = (answers: Record<string, unknown>[]): Record<string, number> =>
    answers.reduce<Record<string, number>>((n, a) => ({ ...n, [String(a.code)]: (n[String(a.code)] ?? 0) + 1 }), {});

  it('counts invalid frames before any work: a socket sending hundreds of them a second is throttled, then closed', async () => {
    const flood = await open(anonymous);
    // 300 at once: far past the connection's burst (100) and what refills meanwhile (50/s)
    const n = codes(await Promise.all(Array.from({ length: 300 }, () => flood.frame('{"action":'))));
    // the burst went to invalid frames; the rest were refused unread, and the server hung up
    expect(n.MALFORMED_JSON).toBeLessThan(200);
    expect(n.RATE_LIMITED).toBeGreaterThan(100);
    expect(closed).toContain(flood.id);
    // a well-behaved socket elsewhere is not affected
    const calm = await open(anonymous);
    expect(await calm.frame({ action: 'subscribe', channels: ['heartbeat'] })).toMatchObject({ type: 'subscriptions' });
    expect(closed).not.toContain(calm.id);
  });

  it('refuses a 1 MB frame on the catch-all route by its size, before parsing it', async () => {
    const c = await open(anonymous);
    const huge = JSON.stringify({ action: 'dance', pad: 'x'.repeat(1024 * 1024) });
    const parse = jest.spyOn(JSON, 'parse');
    try {
      const r = await fallback(
        {
          body: huge,
          requestContext: { connectionId: c.id, routeKey: '$default', authorizer: anonymous, identity: { sourceIp: randomIp() } },
        },
        context,
      );
      expect(JSON.parse(r.body ?? '{}')).toMatchObject({ type: 'error', code: 'FRAME_TOO_LARGE' });
      expect(parse.mock.calls.filter(([text]) => typeof text === 'string' && text.length > MAX_FRAME_BYTES)).toEqual([]);
    } finally {
      parse.mockRestore();
    }
  });

  it('gives anonymous sockets of one address one frame budget: a new connection buys no new budget', async () => {
    const ip = randomIp();
    const sockets = await Promise.all([open(anonymous, undefined, ip), open(anonymous, undefined, ip), open(anonymous, undefined, ip)]);
    // frames that cost the server nothing but their count, so the burst outpaces the refill
    const burst = (c: (typeof sockets)[number]): Promise<Record<string, unknown>[]> =>
      Promise.all(Array.from({ length: 100 }, () => c.frame('{"action":')));
    // each connection stays within its own budget (100); together they are past the address's (200)
    await burst(sockets[0]);
    await burst(sockets[1]);
    expect(codes(await burst(sockets[2])).RATE_LIMITED).toBeGreaterThan(30);
    // another address has its own
    const elsewhere = await open(anonymous);
    expect(codes(await burst(elsewhere)).RATE_LIMITED).toBeUndefined();
  });

  it('refuses an address more open anonymous connections than its quota, until one closes; a token is not counted', async () => {
    const ip = randomIp();
    const held = [];
    for (let i = 0; i < ANONYMOUS_SOCKETS_PER_IP; i++) held.push(await open(anonymous, undefined, ip));
    expect(held.every((c) => c.result.statusCode === 200)).toBe(true);
    const refused = await open(anonymous, undefined, ip);
    expect(refused.result.statusCode).toBe(429);
    expect(await store().get(refused.id)).toBeNull();
    const authed = await open(
      (await websocket(handshake({ protocols: `exchange.v1, bearer.${token}` }))).context as Record<string, unknown>,
      undefined,
      ip,
    );
    expect(authed.result.statusCode).toBe(200);
    await disconnect(
      { requestContext: { connectionId: held[0].id, routeKey: '$disconnect', authorizer: anonymous, identity: { sourceIp: ip } } },
      context,
    );
    expect((await open(anonymous, undefined, ip)).result.statusCode).toBe(200);
  });
});
