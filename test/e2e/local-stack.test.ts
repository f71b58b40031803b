/**
 * The local stack as `npm start` runs it (scripts/local/start.ts): serverless offline (API Gateway
 * + Lambda emulation, esbuild bundles, the request authorizer), the matching host and kinesalite,
 * against a throwaway PostgreSQL database and the machine's Redis and RabbitMQ.
 */
import { generate } from 'otplib';
import * as amqp from 'amqplib';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import WebSocket from 'ws';
import { replayDlq, showDlq } from '../../scripts/dlq';
import { readProjectYaml } from '../../scripts/local/serverless-yaml';
import { httpClient } from '../support/http-client';
import { stackUnderTest } from '../support/stack-under-test';

// ports of their own, so a developer's `npm start` on the defaults does not collide
const PORTS = {
  http: 3310,
  websocket: 3312,
  lambda: 3311,
  grpc: 50151,
  metrics: 9564,
  kinesis: 4667,
  dynamodb: 4669,
  postgres: 5533,
  stepFunctions: 8383,
};
const base = `http://127.0.0.1:${PORTS.http}`;
const { amqpExchange } = stackUnderTest(PORTS);

// each block calls from an address of its own (per-IP auth budgets)
const call = httpClient(base);

describe('the local stack', () => {
  it('runs a healthy matching host', async () => {
    const r = await fetch(`http://127.0.0.1:${PORTS.metrics}/health`);
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ status: 'ok', role: 'primary' });
  });
});

describe('auth through serverless offline', () => {
  const email = `offline.${Date.now()}@example.com`;
  const password = 'correct horse battery staple';

  it('registers, logs in, reaches a protected route, refreshes and logs out', async () => {
    const reg = await call('POST', '/v1/auth/register', { email, password });
    expect(reg.status).toBe(201);
    expect(reg.headers['x-content-type-options']).toBe('nosniff');
    const login = await call('POST', '/v1/auth/login', { email, password });
    expect(login.status).toBe(200);
    const me = await call('GET', '/v1/auth/me', undefined, login.body.accessToken as string);
    expect(me).toMatchObject({ status: 200, body: { email, roles: ['trader'], accountNo: reg.body.accountNo } });
    const next = await call('POST', '/v1/auth/refresh', { refreshToken: login.body.refreshToken });
    expect(next.status).toBe(200);
    expect((await call('POST', '/v1/auth/logout', { refreshToken: next.body.refreshToken })).status).toBe(204);
    // the access token of a logged-out session no longer passes the authorizer
    expect((await call('GET', '/v1/auth/me', undefined, next.body.accessToken as string)).status).toBe(401);
  }, 30_000);

  it('answers bad input with a 4xx and the error shape, never a 5xx', async () => {
    expect(await call('POST', '/v1/auth/login', '{"email":')).toMatchObject({
      status: 400,
      body: { code: 'MALFORMED_JSON', requestId: expect.any(String) as string },
    });
    expect(await call('POST', '/v1/auth/register', { email, password: 'short' })).toMatchObject({
      status: 400,
      body: { code: 'VALIDATION_ERROR' },
    });
    expect(await call('POST', '/v1/auth/register', { email: `a.${Date.now()}@foo-.com`, password })).toMatchObject({
      status: 400,
      body: { code: 'VALIDATION_ERROR' },
    });
    expect((await call('GET', '/v1/auth/me')).status).toBe(401);
    expect((await call('GET', '/v1/auth/me', undefined, 'a.b.c')).status).toBe(401);
  });
});

describe("API Gateway's own answers through serverless offline", () => {
  const call = httpClient(base);
  /** a gateway response of resources/api-gateway.yml as API Gateway renders it */
  function deployed(type: string): { status: number; headers: Record<string, string>; body: Record<string, unknown> } {
    type Props = {
      ResponseType: string;
      StatusCode: string;
      ResponseParameters: Record<string, unknown>;
      ResponseTemplates: Record<string, string>;
    };
    const resources = readProjectYaml<{ Resources: Record<string, { Properties: Props }> }>('resources/api-gateway.yml').Resources;
    const p = Object.values(resources).find((r) => r.Properties.ResponseType === type)?.Properties as Props;
    const { '<<': merged, ...own } = p.ResponseParameters;
    const headers = Object.fromEntries(
      Object.entries({ ...(merged as Record<string, string>), ...(own as Record<string, string>) }).map(([k, v]) => [
        k.replace('gatewayresponse.header.', '').toLowerCase(),
        v.slice(1, -1),
      ]),
    );
    return {
      status: Number(p.StatusCode),
      headers,
      body: JSON.parse(p.ResponseTemplates['application/json'].replace('$context.requestId', 'REQUEST-ID')) as Record<string, unknown>,
    };
  }

  it.each([
    ['no token', undefined],
    ['a token that is not a JWT', 'a.b.c'],
    ['a forged token', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.'],
  ])('answers a request with %s as deployed: 401 in the error shape with the security headers', async (_, token) => {
    const want = deployed('UNAUTHORIZED');
    const r = await call('GET', '/v1/accounts/balances', undefined, token);
    expect(r.status).toBe(want.status);
    expect(r.body).toEqual({ ...want.body, requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) as string });
    expect(r.headers).toMatchObject({ ...want.headers, 'content-type': expect.stringMatching(/^application\/json/) as string });
  });

  it('answers a route it does not have as deployed: 404, without listing the routes it has', async () => {
    const want = deployed('MISSING_AUTHENTICATION_TOKEN');
    const r = await call('GET', '/v1/no-such-route');
    expect(r).toMatchObject({
      status: want.status,
      body: { ...want.body, requestId: expect.any(String) as string },
      headers: want.headers,
    });
    expect(r.text).not.toMatch(/existingRoutes|serverless-offline/i);
  });
});

describe('MFA through serverless offline', () => {
  // an address of its own: the per-IP auth budget (20 at once) is this block's alone
  const call = httpClient(base);
  it('enrolls, verifies, then logs in with a code that works once; five wrong codes lock MFA', async () => {
    const email = `mfa-offline.${Date.now()}@example.com`;
    const password = 'correct horse battery staple';
    await call('POST', '/v1/auth/register', { email, password });
    const token = (await call('POST', '/v1/auth/login', { email, password })).body.accessToken as string;
    const enroll = await call('POST', '/v1/auth/mfa/enroll', { password }, token);
    expect(enroll).toMatchObject({ status: 200, body: { otpauthUri: expect.stringMatching(/^otpauth:\/\/totp\//) as string } });
    const secret = enroll.body.secret as string;
    expect(await call('POST', '/v1/auth/mfa/verify', { code: await generate({ secret }) }, token)).toMatchObject({
      status: 200,
      body: { mfaEnabled: true },
    });

    const step = await call('POST', '/v1/auth/login', { email, password });
    expect(step).toMatchObject({ status: 200, body: { mfaRequired: true } });
    // the next step's code: newer than the one verification used
    const code = await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 });
    const done = await call('POST', '/v1/auth/login/mfa', { challengeId: step.body.challengeId, code });
    expect(done).toMatchObject({ status: 200, body: { tokenType: 'Bearer' } });
    const again = await call('POST', '/v1/auth/login', { email, password });
    expect(await call('POST', '/v1/auth/login/mfa', { challengeId: again.body.challengeId, code })).toMatchObject({
      status: 401,
      body: { code: 'INVALID_MFA_CODE' },
    });

    const codes: number[] = [];
    for (let i = 0; i < 5; i++)
      codes.push((await call('POST', '/v1/auth/login/mfa', { challengeId: again.body.challengeId, code: '000000' })).status);
    expect(codes.slice(0, 3)).toEqual([401, 401, 401]);
    const locked = await call('POST', '/v1/auth/login/mfa', {
      challengeId: again.body.challengeId,
      code: await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 }),
    });
    expect(locked).toMatchObject({ status: 429, body: { code: 'MFA_LOCKED' } });
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(800);
  }, 30_000);
});

describe('accounts through serverless offline', () => {
  // an address of its own: the per-IP auth budget (20 at once) is this block's alone
  const call = httpClient(base);
  it('deposits, withdraws, shows balances and the ledger, and keeps them private', async () => {
    const password = 'correct horse battery staple';
    const tokens: string[] = [];
    for (const who of ['a', 'b']) {
      const email = `acct-${who}.${Date.now()}@example.com`;
      expect((await call('POST', '/v1/auth/register', { email, password })).status).toBe(201);
      let token = (await call('POST', '/v1/auth/login', { email, password })).body.accessToken as string;
      if (who === 'a') {
        // a withdrawal needs a session that proved a code: a enrols MFA and logs in with one
        const enroll = await call('POST', '/v1/auth/mfa/enroll', { password }, token);
        const secret = enroll.body.secret as string;
        expect((await call('POST', '/v1/auth/mfa/verify', { code: await generate({ secret }) }, token)).status).toBe(200);
        const step = await call('POST', '/v1/auth/login', { email, password });
        const code = await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 });
        token = (await call('POST', '/v1/auth/login/mfa', { challengeId: step.body.challengeId, code })).body.accessToken as string;
      }
      tokens.push(token);
    }
    const [a, b] = tokens;
    const dep = await call('POST', '/v1/accounts/deposits', { asset: 'USD', amount: '1000.00', idempotencyKey: 'offline-dep-1' }, a);
    expect(dep).toMatchObject({ status: 201, body: { status: 'completed', amount: '1000.000000' } });
    expect(
      (await call('POST', '/v1/accounts/deposits', { asset: 'USD', amount: '1000.00', idempotencyKey: 'offline-dep-1' }, a)).status,
    ).toBe(200);
    expect(
      (await call('POST', '/v1/accounts/withdrawals', { asset: 'USD', amount: '250.5', idempotencyKey: 'offline-wd-1' }, a)).status,
    ).toBe(201);
    const bal = await call('GET', '/v1/accounts/balances', undefined, a);
    expect(bal.body.balances).toContainEqual({ asset: 'USD', available: '749.500000', held: '0.000000', settled: '749.500000' });
    const led = await call('GET', '/v1/accounts/ledger?limit=1', undefined, a);
    expect(led).toMatchObject({
      status: 200,
      body: { items: [{ kind: 'withdrawal', amount: '-250.500000', balanceAfter: '749.500000' }] },
    });
    expect(typeof led.body.nextCursor).toBe('string');
    // another trader cannot see it (OWASP API1:2023), and nobody without a token can
    expect((await call('GET', `/v1/accounts/transfers/${dep.body.transferId as string}`, undefined, b)).status).toBe(404);
    expect((await call('GET', `/v1/accounts/transfers/${dep.body.transferId as string}`, undefined, a)).status).toBe(200);
    expect((await call('GET', '/v1/accounts/balances')).status).toBe(401);
  }, 30_000);
});

/** A socket to the local WebSocket API that collects what it receives. */
function socket(query = '', protocols?: string[]): Promise<{ ws: WebSocket; next: () => Promise<Record<string, unknown>> }> {
  const ws = new WebSocket(`ws://127.0.0.1:${PORTS.websocket}${query}`, protocols);
  const inbox: Record<string, unknown>[] = [];
  const waiting: ((m: Record<string, unknown>) => void)[] = [];
  ws.on('message', (d: Buffer) => {
    const m = JSON.parse(d.toString()) as Record<string, unknown>;
    const w = waiting.shift();
    if (w) w(m);
    else inbox.push(m);
  });
  const next = (): Promise<Record<string, unknown>> =>
    inbox.length ? Promise.resolve(inbox.shift() as Record<string, unknown>) : new Promise((resolve) => waiting.push(resolve));
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, next }));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`handshake refused: ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

describe('the WebSocket API through serverless offline', () => {
  // an address of its own: the per-IP auth budget (20 at once) is this block's alone
  const call = httpClient(base);
  it('connects anonymously for public channels, with a token for the user channel, and refuses a bad token', async () => {
    const email = `ws.${Date.now()}@example.com`;
    const password = 'correct horse battery staple';
    await call('POST', '/v1/auth/register', { email, password });
    const token = (await call('POST', '/v1/auth/login', { email, password })).body.accessToken as string;

    const anon = await socket();
    anon.ws.send(JSON.stringify({ action: 'subscribe', channels: ['trades'], symbols: ['BTC-USD'], id: 'a1' }));
    expect(await anon.next()).toEqual({ type: 'subscriptions', id: 'a1', subscriptions: ['trades:BTC-USD'] });
    anon.ws.send(JSON.stringify({ action: 'subscribe', channels: ['user'] }));
    expect(await anon.next()).toMatchObject({ type: 'error', code: 'FORBIDDEN' });
    anon.ws.send('not json');
    expect(await anon.next()).toMatchObject({ type: 'error', code: 'MALFORMED_JSON' });
    anon.ws.close();

    // the token as a subprotocol (the server answers exchange.v1, never the token); the URL form only on stage local
    for (const [s, protocol] of [
      [await socket('', ['exchange.v1', `bearer.${token}`]), 'exchange.v1'],
      [await socket(`?token=${token}`), ''],
    ] as const) {
      expect(s.ws.protocol).toBe(protocol);
      s.ws.send(JSON.stringify({ action: 'subscribe', channels: ['user', 'heartbeat'] }));
      expect(await s.next()).toEqual({ type: 'subscriptions', subscriptions: ['heartbeat', 'user'] });
      s.ws.close();
    }
    await expect(socket('?token=a.b.c')).rejects.toThrow(/handshake refused/);
    // the first frames of the run meet cold functions (esbuild, worker threads)
  }, 30_000);
});

describe('trading through serverless offline', () => {
  const call = httpClient(base);

  it('two traders cross over REST and WebSocket; balances, book and trades follow; cancel, replace and the dead-man switch work', async () => {
    const password = 'correct horse battery staple';
    const tokens: string[] = [];
    for (const who of ['maker', 'taker']) {
      const email = `${who}.${Date.now()}@example.com`;
      await call('POST', '/v1/auth/register', { email, password });
      tokens.push((await call('POST', '/v1/auth/login', { email, password })).body.accessToken as string);
    }
    const [maker, taker] = tokens;
    await call('POST', '/v1/accounts/deposits', { asset: 'ETH', amount: '10', idempotencyKey: `e2e-eth-${Date.now()}` }, maker);
    await call('POST', '/v1/accounts/deposits', { asset: 'USD', amount: '10000', idempotencyKey: `e2e-usd-${Date.now()}` }, taker);

    // a public subscriber: a level2 snapshot first, then live updates
    const watcher = await socket();
    watcher.ws.send(JSON.stringify({ action: 'subscribe', channels: ['trades', 'level2'], symbols: ['ETH-USD'] }));
    const first = [await watcher.next(), await watcher.next()];
    const snapshot = first.find((m) => m.type === 'snapshot');
    expect(snapshot).toMatchObject({ channel: 'level2', symbol: 'ETH-USD', sequence: expect.any(Number) as number });
    expect(first.find((m) => m.type === 'subscriptions')).toBeDefined();

    const ask = await call(
      'POST',
      '/v1/orders',
      { clientOrderId: 'e2e-ask-1', symbol: 'ETH-USD', side: 'sell', type: 'limit', quantity: '2', price: '3000' },
      maker,
    );
    expect(ask).toMatchObject({ status: 201, body: { status: 'OPEN' } });

    // the taker buys over the socket
    const s = await socket('', ['exchange.v1', `bearer.${taker}`]);
    s.ws.send(JSON.stringify({ action: 'subscribe', channels: ['user'] }));
    expect(await s.next()).toMatchObject({ type: 'subscriptions', subscriptions: ['user'] });
    s.ws.send(
      JSON.stringify({
        action: 'placeOrder',
        id: 'b1',
        clientOrderId: 'e2e-bid-1',
        symbol: 'ETH-USD',
        side: 'buy',
        type: 'limit',
        quantity: '1.5',
        price: '3000',
      }),
    );
    const mine: Record<string, unknown>[] = [];
    // the order's answer, and from the order-event queue the taker's own events on the user channel
    while (!(
      mine.some((m) => m.type === 'order') && mine.some((m) => m.channel === 'user' && (m.data as { type: string }).type === 'fill')
    ))
      mine.push(await s.next());
    expect(mine.find((m) => m.type === 'order')).toMatchObject({
      id: 'b1',
      order: { status: 'FILLED', fills: [{ price: '3000.00', quantity: '1.5000', liquidity: 'taker' }] },
    });
    const bidId = (mine.find((m) => m.type === 'order')?.order as { orderId: string }).orderId;
    expect(mine.find((m) => m.channel === 'user' && (m.data as { type: string }).type === 'fill')).toMatchObject({
      data: { clientOrderId: 'e2e-bid-1', price: '3000.00', quantity: '1.5000' },
    });
    s.ws.close();

    // the trade reaches the subscriber through the stream: host → Kinesis → fan-out → WebSocket
    const updates: Record<string, unknown>[] = [];
    while (!updates.some((m) => m.channel === 'trades')) updates.push(await watcher.next());
    const trade = updates.find((m) => m.channel === 'trades');
    expect(trade).toMatchObject({ type: 'update', symbol: 'ETH-USD', data: { price: '3000.00', quantity: '1.5000' } });
    expect(trade?.sequence as number).toBeGreaterThan(snapshot?.sequence as number);
    const level2 = updates.filter((m) => m.channel === 'level2').map((m) => m.sequence as number);
    expect(level2.length).toBeGreaterThan(0);
    expect([...level2].sort((a, b) => a - b)).toEqual(level2);
    watcher.ws.close();

    const balances = async (t: string): Promise<Record<string, { available: string; held: string }>> =>
      Object.fromEntries(
        (
          (await call('GET', '/v1/accounts/balances', undefined, t)).body.balances as { asset: string; available: string; held: string }[]
        ).map((b) => [b.asset, b]),
      );
    expect((await balances(taker)).USD).toMatchObject({ available: '5500.000000', held: '0.000000' });
    expect((await balances(taker)).ETH).toMatchObject({ available: '1.50000000' });
    expect((await balances(maker)).USD).toMatchObject({ available: '4500.000000' });
    expect((await balances(maker)).ETH).toMatchObject({ available: '8.00000000', held: '0.50000000' });
    // settlement (the order-event consumer → the settlement state machine on the local Step
    // Functions endpoint → the ledger) catches up: what the ledger holds is what the host holds
    const settled = async (t: string): Promise<Record<string, string>> =>
      Object.fromEntries(
        ((await call('GET', '/v1/accounts/balances', undefined, t)).body.balances as { asset: string; settled: string }[]).map((b) => [
          b.asset,
          b.settled,
        ]),
      );
    let makerSettled: Record<string, string> = {};
    for (let i = 0; i < 200 && makerSettled.USD !== '4500.000000'; i++) {
      makerSettled = await settled(maker);
      if (makerSettled.USD !== '4500.000000') await new Promise((r) => setTimeout(r, 50));
    }
    expect(makerSettled).toMatchObject({ USD: '4500.000000', ETH: '8.50000000' });
    expect(await settled(taker)).toMatchObject({ USD: '5500.000000', ETH: '1.50000000' });

    // the public market data catches up with the trade
    let ticker: Record<string, unknown> = {};
    for (let i = 0; i < 100 && ticker.last !== '3000.00'; i++) {
      ticker = (await call('GET', '/v1/markets/ETH-USD/ticker')).body;
      if (ticker.last !== '3000.00') await new Promise((r) => setTimeout(r, 50));
    }
    expect(ticker).toMatchObject({ last: '3000.00', lastQuantity: '1.5000' });
    expect((await call('GET', '/v1/markets/ETH-USD/book?depth=5')).body).toMatchObject({ asks: [['3000.00', '0.5000', 1]] });

    // the order history (written from the order-event queue) has the filled order and the fill
    let closed: Record<string, unknown>[] = [];
    for (let i = 0; i < 100 && closed.length === 0; i++) {
      closed = (await call('GET', '/v1/orders?status=closed&symbol=ETH-USD', undefined, taker)).body.orders as Record<string, unknown>[];
      if (closed.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(closed[0]).toMatchObject({
      clientOrderId: 'e2e-bid-1',
      status: 'FILLED',
      last: { type: 'fill', price: '3000.00', quantity: '1.5000' },
    });
    expect((await call('GET', '/v1/fills', undefined, taker)).body.fills).toEqual([
      expect.objectContaining({ clientOrderId: 'e2e-bid-1', price: '3000.00', quantity: '1.5000', liquidity: 'taker' }),
    ]);
    expect((await call('GET', '/v1/fills', undefined, maker)).body.fills).toEqual([
      expect.objectContaining({ price: '3000.00', quantity: '1.5000', liquidity: 'maker' }),
    ]);

    const id = ask.body.orderId as string;
    // quantity is the order's new total, filled part included
    expect(await call('PATCH', `/v1/orders/${id}`, { price: '3100', quantity: '2' }, maker)).toMatchObject({
      status: 200,
      body: { price: '3100.00', leaves: '0.5000' },
    });
    expect((await call('DELETE', `/v1/orders/${id}`, undefined, taker)).status).toBe(404);
    expect(await call('DELETE', `/v1/orders/${id}`, undefined, maker)).toMatchObject({ status: 200, body: { canceled: [id] } });

    // an order by id in any state: the taker's filled one, the maker's canceled one (with the fill it had)
    expect(await call('GET', `/v1/orders/${bidId}`, undefined, taker)).toMatchObject({
      status: 200,
      body: {
        orderId: bidId,
        status: 'FILLED',
        filled: '1.5000',
        leaves: '0.0000',
        fills: [{ price: '3000.00', quantity: '1.5000', liquidity: 'taker', tradeId: expect.any(String) as string }],
      },
    });
    let canceled = await call('GET', `/v1/orders/${id}`, undefined, maker);
    for (let i = 0; i < 50 && canceled.status === 503; i++) canceled = await call('GET', `/v1/orders/${id}`, undefined, maker);
    expect(canceled).toMatchObject({
      status: 200,
      body: {
        status: 'CANCELED',
        price: '3100.00',
        quantity: '2.0000',
        filled: '1.5000',
        fills: [{ liquidity: 'maker', quantity: '1.5000' }],
      },
    });
    // someone else's order and an unknown id: the same 404
    for (const [path, t] of [
      [`/v1/orders/${id}`, taker],
      [`/v1/orders/${bidId}`, maker],
      ['/v1/orders/999999999', taker],
    ] as const)
      expect(await call('GET', path, undefined, t)).toMatchObject({ status: 404, body: { code: 'NOT_FOUND', message: 'no such order' } });

    // the dead-man switch cancels what rests when it is not re-armed
    await call(
      'POST',
      '/v1/orders',
      { clientOrderId: 'e2e-ask-2', symbol: 'ETH-USD', side: 'sell', type: 'limit', quantity: '1', price: '3050' },
      maker,
    );
    expect((await call('POST', '/v1/orders/cancel-after', { timeoutSeconds: 1 }, maker)).body).toMatchObject({ armed: true });
    let open = 1;
    for (let i = 0; i < 60 && open > 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      open = ((await call('GET', '/v1/orders?status=open', undefined, maker)).body.orders as unknown[]).length;
    }
    expect(open).toBe(0);
  }, 30_000);
});

describe('market data sequence over the WebSocket', () => {
  const call = httpClient(base);

  it('level2 is contiguous from its snapshot; a client that misses a message sees the gap and resubscribes for a fresh snapshot', async () => {
    const email = `seq.${Date.now()}@example.com`;
    const password = 'correct horse battery staple';
    await call('POST', '/v1/auth/register', { email, password });
    const token = (await call('POST', '/v1/auth/login', { email, password })).body.accessToken as string;
    await call('POST', '/v1/accounts/deposits', { asset: 'ETH', amount: '5', idempotencyKey: `seq-eth-${Date.now()}` }, token);

    const c = await socket();
    const subscribe = (): void => c.ws.send(JSON.stringify({ action: 'subscribe', channels: ['level2'], symbols: ['ETH-USD'] }));
    const nextLevel2 = async (): Promise<Record<string, unknown>> => {
      for (;;) {
        const m = await c.next();
        if (m.channel === 'level2') return m;
      }
    };
    subscribe();
    const snapshot = await nextLevel2();
    expect(snapshot.type).toBe('snapshot');

    // book changes: each order rests (level2), then goes (level2)
    for (let i = 0; i < 3; i++) {
      const o = await call(
        'POST',
        '/v1/orders',
        {
          clientOrderId: `seq-${Date.now()}-${i}`,
          symbol: 'ETH-USD',
          side: 'sell',
          type: 'limit',
          quantity: '0.1',
          price: String(3200 + i),
        },
        token,
      );
      await call('DELETE', `/v1/orders/${o.body.orderId as string}`, undefined, token);
    }
    let last = snapshot.sequence as number;
    const seen: number[] = [];
    while (seen.length < 6) {
      const m = await nextLevel2();
      const s = m.sequence as number;
      if (s <= last) continue; // from before the snapshot
      seen.push(s);
      last = s;
    }
    // nothing dropped: every sequence after the snapshot, in order
    expect(seen).toEqual(seen.map((_, i) => (snapshot.sequence as number) + 1 + i));

    // now the client misses one message: the next one shows the gap, and it resubscribes
    await call(
      'POST',
      '/v1/orders',
      { clientOrderId: `seq-gap-${Date.now()}`, symbol: 'ETH-USD', side: 'sell', type: 'limit', quantity: '0.1', price: '3300' },
      token,
    );
    await call('DELETE', '/v1/orders?symbol=ETH-USD', undefined, token);
    const missed = await nextLevel2();
    const after = await nextLevel2();
    expect(missed.sequence).toBe(last + 1);
    // the client acts as if `missed` never came
    const gap = (after.sequence as number) !== last + 1;
    expect(gap).toBe(true);
    c.ws.send(JSON.stringify({ action: 'unsubscribe', channels: ['level2'], symbols: ['ETH-USD'] }));
    subscribe();
    let fresh: Record<string, unknown>;
    do fresh = await nextLevel2();
    while (fresh.type !== 'snapshot');
    expect(fresh.sequence as number).toBeGreaterThanOrEqual(after.sequence as number);
    c.ws.close();
  }, 30_000);
});

describe('the order-event dead-letter queue', () => {
  it('takes a poison event after bounded retries; npm run dlq shows and replays it', async () => {
    const conn = await amqp.connect('amqp://guest:guest@127.0.0.1:5672');
    const ch = await conn.createConfirmChannel();
    const messageId = `poison-${Date.now()}`;
    ch.publish(amqpExchange, 'order.1.fill', Buffer.from('{"not":"an order event"}'), { persistent: true, messageId });
    await ch.waitForConfirms();
    await conn.close();
    let shown = await showDlq('amqp://guest:guest@127.0.0.1:5672', 50, amqpExchange);
    for (let i = 0; i < 100 && !shown.messages.some((m) => m.messageId === messageId); i++) {
      await new Promise((r) => setTimeout(r, 100));
      shown = await showDlq('amqp://guest:guest@127.0.0.1:5672', 50, amqpExchange);
    }
    expect(shown.messages.find((m) => m.messageId === messageId)).toMatchObject({ routingKey: 'order.1.fill', reason: 'rejected' });
    // showing leaves it there; replaying sends it back through the consumer (which dead-letters it again)
    expect((await showDlq('amqp://guest:guest@127.0.0.1:5672', 50, amqpExchange)).count).toBe(shown.count);
    expect(await replayDlq('amqp://guest:guest@127.0.0.1:5672', amqpExchange)).toBe(shown.count);
  }, 30_000);
});

describe('the Postman collection (newman)', () => {
  it('plays the trader journey against the stack with every check passing', async () => {
    const collection = join(__dirname, '..', 'postman', 'trader-journey.postman_collection.json');
    const child = spawn(
      process.execPath,
      [
        join(__dirname, '..', '..', 'node_modules', 'newman', 'bin', 'newman.js'),
        'run',
        collection,
        '--env-var',
        `baseUrl=${base}`,
        '--reporters',
        'cli',
        '--bail',
        '--disable-unicode',
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    if (code !== 0) throw new Error(`newman failed (${code}):\n${out.slice(-4000)}`);
    // newman's summary: every assertion executed, none failed
    const m = /assertions \|\s+(\d+) \|\s+(\d+) \|/.exec(out);
    expect(Number(m?.[1])).toBeGreaterThanOrEqual(20);
    expect(Number(m?.[2])).toBe(0);
  }, 60_000);
});
