/**
 * Edge benchmark: POST /v1/orders through serverless offline (API Gateway + Lambda emulation, the
 * authorizer, the handler, the matching host) by many authenticated traders with prices around the
 * market, open-loop at 500 and 1,000 requests/s after a warm-up; in the same run the emulator's
 * ceiling (GET /v1/ping, a handler that does nothing) and ours at full throttle, and the time from
 * a crossing order to its trade on a WebSocket subscriber.
 *
 *   npm run bench:edge              10 s per rate
 *   npm run bench:edge -- --quick   3 s per rate
 *
 * Last line: {"r500":{"achieved":…,"p50_ms":…,"p99_ms":…,"errors":…},"r1000":{…},"ceiling_rps":…,
 *             "ours_max_rps":…,"ratio_vs_empty":…,"ws_p50_ms":…,"ws_p99_ms":…}
 */
import { Agent, request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startStack, type StackPorts } from './local/start';
import { testDatabase } from '../test/support/test-env';

const quick = process.argv.includes('--quick');
const SECONDS = quick ? 3 : 10;
const PORTS: StackPorts = { http: 3410, websocket: 3412, lambda: 3411, grpc: 50251, metrics: 9664, kinesis: 4767, dynamodb: 4769, postgres: 5633 };
/** enough traders that 1,000 orders/s stays inside each one's order budget (20/s) */
const TRADERS = 80;
// few sockets: serverless offline runs a worker thread per concurrent invocation, and every new one
// is a cold start; what waits for a socket is still charged to the latency (open loop)
const agent = new Agent({ keepAlive: true, maxSockets: 16 });

interface Reply {
  status: number;
  body: string;
}

function http(method: string, path: string, body?: unknown, token?: string, localAddress?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      { host: '127.0.0.1', port: PORTS.http, path, method, agent: localAddress ? undefined : agent, localAddress, headers: {
        ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}),
      } },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? Math.round(s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)] * 10) / 10 : NaN;
};

async function traders(): Promise<string[]> {
  const tokens: string[] = [];
  for (let i = 0; i < TRADERS; i++) {
    // an address of its own per trader: the per-IP sign-up budget is for humans, not for this
    const ip = `127.77.${Math.floor(i / 200)}.${(i % 200) + 1}`;
    const email = `bench.${Date.now()}.${i}@example.com`;
    await http('POST', '/v1/auth/register', { email, password: 'correct horse battery staple' }, undefined, ip);
    const login = JSON.parse((await http('POST', '/v1/auth/login', { email, password: 'correct horse battery staple' }, undefined, ip)).body) as { accessToken: string };
    tokens.push(login.accessToken);
    for (const [asset, amount] of [['USD', '100000000'], ['BTC', '10000'], ['ETH', '1000']]) {
      const r = await http('POST', '/v1/accounts/deposits', { asset, amount, idempotencyKey: `bench-${asset}-${i}-${Date.now()}` }, login.accessToken);
      if (r.status !== 201) throw new Error(`deposit refused: ${r.status} ${r.body}`);
    }
  }
  return tokens;
}

let n = 0;
/** Prices around 42,000: mostly resting on either side, one in ten crossing. */
function order(): Record<string, unknown> {
  const i = ++n;
  const side = i % 2 ? 'buy' : 'sell';
  const cross = i % 10 === 0;
  const offset = 1 + (i % 50);
  const price = side === 'buy' ? 42000 - (cross ? -5 : offset) : 42000 + (cross ? -5 : offset);
  return { clientOrderId: `b-${i}-${Date.now()}`, symbol: 'BTC-USD', side, type: 'limit', quantity: '0.0100', price: price.toFixed(2), ...(cross ? { timeInForce: 'IOC' } : {}) };
}

/** Open loop: request i is due at t0 + i/rate, and its latency runs from then (no coordinated omission). */
async function openLoop(rate: number, seconds: number, tokens: string[]): Promise<{ target: number; achieved: number; p50_ms: number; p99_ms: number; errors: number }> {
  const total = rate * seconds;
  const lat: number[] = [];
  let errors = 0;
  const t0 = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    inflight.push(
      http('POST', '/v1/orders', order(), tokens[i % tokens.length])
        .then((r) => {
          if (r.status >= 300 && errors++ === 0) process.stderr.write(`first error: ${r.status} ${r.body.slice(0, 200)}\n`);
        })
        .catch(() => void errors++)
        .finally(() => void lat.push(performance.now() - due)),
    );
  }
  await Promise.all(inflight);
  const elapsed = (performance.now() - t0) / 1000;
  return { target: rate, achieved: Math.round(total / elapsed), p50_ms: pct(lat, 0.5), p99_ms: pct(lat, 0.99), errors };
}

/** Closed loop at full throttle: what the emulator serves with `concurrency` requests always open. */
async function maxThroughput(seconds: number, concurrency: number, send: () => Promise<Reply>): Promise<number> {
  let done = 0;
  const until = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        await send();
        done++;
      }
    }),
  );
  return Math.round(done / seconds);
}

async function wsLatency(tokens: string[], trades: number): Promise<{ p50: number; p99: number }> {
  const ws = new WebSocket(`ws://127.0.0.1:${PORTS.websocket}`);
  await new Promise((r) => ws.once('open', r));
  const sentAt = new Map<string, number>();
  const lat: number[] = [];
  let resolveDone: () => void = () => undefined;
  const finished = new Promise<void>((r) => (resolveDone = r));
  ws.on('message', (d: Buffer) => {
    const m = JSON.parse(d.toString()) as { channel?: string; data?: { price?: string } };
    if (m.channel !== 'trades' || !m.data?.price) return;
    const t = sentAt.get(m.data.price);
    if (t !== undefined) {
      lat.push(performance.now() - t);
      sentAt.delete(m.data.price);
      if (lat.length === trades) resolveDone();
    }
  });
  ws.send(JSON.stringify({ action: 'subscribe', channels: ['trades'], symbols: ['ETH-USD'] }));
  await new Promise((r) => setTimeout(r, 500));
  for (let i = 0; i < trades; i++) {
    // a distinct price per trade names it on the socket
    const price = (3000 + i * 0.01).toFixed(2);
    await http('POST', '/v1/orders', { clientOrderId: `ws-s-${i}-${Date.now()}`, symbol: 'ETH-USD', side: 'sell', type: 'limit', quantity: '0.0100', price }, tokens[0]);
    sentAt.set(price, performance.now());
    await http('POST', '/v1/orders', { clientOrderId: `ws-b-${i}-${Date.now()}`, symbol: 'ETH-USD', side: 'buy', type: 'limit', quantity: '0.0100', price }, tokens[1]);
    await new Promise((r) => setTimeout(r, 100));
  }
  await Promise.race([finished, new Promise((r) => setTimeout(r, 10_000))]);
  ws.close();
  return { p50: pct(lat, 0.5), p99: pct(lat, 0.99) };
}

async function main(): Promise<void> {
  const db = await testDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-edge-'));
  const stack = await startStack(PORTS, { dataDir, databaseUrl: db.databaseUrl, echo: false, amqpExchange: `order-events-bench-${process.pid}` });
  try {
    const log = (m: string): void => void process.stdout.write(`${m}\n`);
    log(`stack up; ${TRADERS} traders signing up …`);
    const tokens = await traders();
    log('warm-up …');
    await openLoop(100, 3, tokens);
    const r500 = await openLoop(500, SECONDS, tokens);
    log(`500/s: ${JSON.stringify(r500)}`);
    const r1000 = await openLoop(1000, SECONDS, tokens);
    log(`1000/s: ${JSON.stringify(r1000)}`);
    const ceiling = await maxThroughput(Math.min(SECONDS, 5), 16, () => http('GET', '/v1/ping'));
    let k = 0;
    const ours = await maxThroughput(Math.min(SECONDS, 5), 16, () => http('POST', '/v1/orders', order(), tokens[k++ % tokens.length]));
    log(`emulator ceiling (empty handler): ${ceiling}/s; ours at full throttle: ${ours}/s`);
    const ws = await wsLatency(tokens, quick ? 20 : 50);
    log(`trade → WebSocket subscriber: p50 ${ws.p50} ms, p99 ${ws.p99} ms`);
    const strip = ({ target: _t, ...r }: typeof r500): Omit<typeof r500, 'target'> => r;
    process.stdout.write(
      `${JSON.stringify({ r500: strip(r500), r1000: strip(r1000), ceiling_rps: ceiling, ours_max_rps: ours, ratio_vs_empty: Math.round((ours / ceiling) * 100) / 100, ws_p50_ms: ws.p50, ws_p99_ms: ws.p99 })}\n`,
    );
  } finally {
    agent.destroy();
    await stack.stop();
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`bench:edge failed: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  },
);
