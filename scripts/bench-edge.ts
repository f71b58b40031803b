/**
 * Edge benchmark: POST /v1/orders through serverless offline (API Gateway + Lambda emulation, the
 * authorizer, the handler, the matching host) by many authenticated traders with prices around the
 * market, open-loop at 500 and 1,000 requests/s after a warm-up; in the same run the emulator's
 * ceiling (GET /v1/ping, a handler that does nothing, warmed and at the same concurrency) and ours
 * at full throttle, and the time from a crossing order to its trade on a WebSocket subscriber.
 *
 * Everything shares this machine's cores, so the run also says where the CPU went per order
 * (serverless offline, the matching host, this process with dynalite, kinesalite and the local
 * event sources, Redis, RabbitMQ, PostgreSQL), and how our authorizer + handler fare called
 * in-process against the same stack at 500/s, without the emulator's worker threads.
 *
 *   npm run bench:edge              10 s per rate
 *   npm run bench:edge -- --quick   3 s per rate
 *
 * Last line: {"r500":{"achieved":…,"p50_ms":…,"p99_ms":…,"errors":…},"r1000":{…},"ceiling_rps":…,
 *             "ours_max_rps":…,"ratio_vs_empty":…,"ws_p50_ms":…,"ws_p99_ms":…,
 *             "cpu_ms_per_order":{…},"in_process_r500":{…}}
 */
import { Agent, request } from 'node:http';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEvent, APIGatewayRequestAuthorizerEvent, Context } from 'aws-lambda';
import WebSocket from 'ws';
import { LOCAL_SECRETS } from './local/dev-secrets';
import { startStack, type StackPorts } from './local/start';
import { testDatabase } from '../test/support/test-env';

const quick = process.argv.includes('--quick');
const SECONDS = quick ? 3 : 10;
const PORTS: StackPorts = {
  http: 3410,
  websocket: 3412,
  lambda: 3411,
  grpc: 50251,
  metrics: 9664,
  kinesis: 4767,
  dynamodb: 4769,
  postgres: 5633,
  stepFunctions: 8483,
};
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
      {
        host: '127.0.0.1',
        port: PORTS.http,
        path,
        method,
        agent: localAddress ? undefined : agent,
        localAddress,
        headers: {
          ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
      },
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
    const login = JSON.parse(
      (await http('POST', '/v1/auth/login', { email, password: 'correct horse battery staple' }, undefined, ip)).body,
    ) as { accessToken: string };
    tokens.push(login.accessToken);
    for (const [asset, amount] of [
      ['USD', '100000000'],
      ['BTC', '10000'],
      ['ETH', '1000'],
    ]) {
      const r = await http(
        'POST',
        '/v1/accounts/deposits',
        { asset, amount, idempotencyKey: `bench-${asset}-${i}-${Date.now()}` },
        login.accessToken,
      );
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
  return {
    clientOrderId: `b-${i}-${Date.now()}`,
    symbol: 'BTC-USD',
    side,
    type: 'limit',
    quantity: '0.0100',
    price: price.toFixed(2),
    ...(cross ? { timeInForce: 'IOC' } : {}),
  };
}

interface RateResult {
  target: number;
  achieved: number;
  p50_ms: number;
  p99_ms: number;
  errors: number;
}

/** Open loop: request i is due at t0 + i/rate, and its latency runs from then (no coordinated omission). */
async function openLoop(rate: number, seconds: number, send: (i: number) => Promise<number>): Promise<RateResult> {
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
      send(i)
        .then((status) => void (status >= 300 && errors++))
        .catch(() => void errors++)
        .finally(() => void lat.push(performance.now() - due)),
    );
  }
  await Promise.all(inflight);
  const elapsed = (performance.now() - t0) / 1000;
  return { target: rate, achieved: Math.round(total / elapsed), p50_ms: pct(lat, 0.5), p99_ms: pct(lat, 0.99), errors };
}

let firstError = true;
/** POST /v1/orders through serverless offline, by trader i mod n */
const restOrder =
  (tokens: string[]) =>
  async (i: number): Promise<number> => {
    const r = await http('POST', '/v1/orders', order(), tokens[i % tokens.length]);
    if (r.status >= 300 && firstError) {
      firstError = false;
      process.stderr.write(`first error: ${r.status} ${r.body.slice(0, 200)}\n`);
    }
    return r.status;
  };

/**
 * Our authorizer and order handler called in-process (as API Gateway would call them, one after
 * the other), against the same host, Redis and stores: what our code costs without the emulator.
 */
async function inProcessOrder(tokens: string[]): Promise<(i: number) => Promise<number>> {
  const secrets = JSON.parse(readFileSync(LOCAL_SECRETS, 'utf8')) as { jwtVerifyJwks: string };
  Object.assign(process.env, {
    JWT_VERIFY_JWKS: secrets.jwtVerifyJwks,
    MATCHING_HOST_ADDRESS: `127.0.0.1:${PORTS.grpc}`,
    POWERTOOLS_LOG_LEVEL: 'WARN',
    POWERTOOLS_TRACE_ENABLED: 'false',
  });
  const { handler: authorize } = await import('../functions/auth/authorizer-handlers');
  const { place } = await import('../functions/orders/orders-handlers');
  const context = { awsRequestId: 'bench', functionName: 'ordersPlace', getRemainingTimeInMillis: () => 6000 } as unknown as Context;
  return async (i) => {
    const token = tokens[i % tokens.length];
    const auth = await authorize({
      type: 'REQUEST',
      headers: { Authorization: `Bearer ${token}` },
      methodArn: 'arn:aws:execute-api:us-east-1:000000000000:local/local/POST/v1/orders',
      path: '/v1/orders',
    } as unknown as APIGatewayRequestAuthorizerEvent);
    const r = await place(
      {
        body: JSON.stringify(order()),
        headers: { 'content-type': 'application/json' },
        httpMethod: 'POST',
        path: '/v1/orders',
        isBase64Encoded: false,
        queryStringParameters: null,
        pathParameters: null,
        requestContext: { requestId: `bench-${i}`, identity: { sourceIp: '10.0.0.1' }, authorizer: auth.context },
      } as unknown as APIGatewayProxyEvent,
      context,
    );
    return r.statusCode;
  };
}

/** CPU seconds used so far by each process on this machine (Linux /proc), keyed by pid. */
function cpuByProcess(): Map<number, { cpu_s: number; cmd: string }> {
  const out = new Map<number, { cpu_s: number; cmd: string }>();
  let pids: string[] = [];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return out;
  }
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      out.set(Number(pid), { cpu_s: (Number(f[11]) + Number(f[12])) / 100, cmd });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** Where the CPU of a run went, in ms per order, by the parts of the stack. */
function cpuPerOrder(
  before: Map<number, { cpu_s: number; cmd: string }>,
  after: Map<number, { cpu_s: number; cmd: string }>,
  orders: number,
): Record<string, number> {
  const part = (pid: number, cmd: string): string =>
    pid === process.pid
      ? 'bench_process'
      : /serverless\.js offline/.test(cmd)
        ? 'serverless_offline'
        : /matching-host/.test(cmd)
          ? 'matching_host'
          : /redis-server/.test(cmd)
            ? 'redis'
            : /beam\.smp/.test(cmd)
              ? 'rabbitmq'
              : /^postgres/.test(cmd)
                ? 'postgresql'
                : 'other';
  const ms: Record<string, number> = {};
  for (const [pid, a] of after) {
    const used = a.cpu_s - (before.get(pid)?.cpu_s ?? 0);
    if (used > 0) ms[part(pid, a.cmd)] = (ms[part(pid, a.cmd)] ?? 0) + used;
  }
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(ms).sort((x, y) => y[1] - x[1])) out[k] = Math.round(((v * 1000) / orders) * 10) / 10;
  out.total = Math.round(((Object.values(ms).reduce((x, y) => x + y, 0) * 1000) / orders) * 10) / 10;
  return out;
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

/**
 * Trade → subscriber: from the trade's own time (the host stamps each command with its clock, on
 * this same machine) to its arrival on a socket subscribed to `trades`. One crossing pair at a time,
 * a distinct price per trade.
 */
async function wsLatency(tokens: string[], trades: number): Promise<{ p50: number; p99: number }> {
  const ws = new WebSocket(`ws://127.0.0.1:${PORTS.websocket}`);
  await new Promise((r) => ws.once('open', r));
  const lat: number[] = [];
  let resolveDone: () => void = () => undefined;
  const finished = new Promise<void>((r) => (resolveDone = r));
  ws.on('message', (d: Buffer) => {
    const m = JSON.parse(d.toString()) as { channel?: string; time?: number; data?: { price?: string } };
    if (m.channel !== 'trades' || typeof m.time !== 'number') return;
    lat.push(Date.now() - m.time);
    if (lat.length === trades) resolveDone();
  });
  ws.send(JSON.stringify({ action: 'subscribe', channels: ['trades'], symbols: ['ETH-USD'] }));
  await new Promise((r) => setTimeout(r, 500));
  for (let i = 0; i < trades; i++) {
    const price = (3000 + i * 0.01).toFixed(2);
    await http(
      'POST',
      '/v1/orders',
      { clientOrderId: `ws-s-${i}-${Date.now()}`, symbol: 'ETH-USD', side: 'sell', type: 'limit', quantity: '0.0100', price },
      tokens[0],
    );
    await http(
      'POST',
      '/v1/orders',
      { clientOrderId: `ws-b-${i}-${Date.now()}`, symbol: 'ETH-USD', side: 'buy', type: 'limit', quantity: '0.0100', price },
      tokens[1],
    );
    await new Promise((r) => setTimeout(r, 100));
  }
  await Promise.race([finished, new Promise((r) => setTimeout(r, 10_000))]);
  ws.close();
  return { p50: pct(lat, 0.5), p99: pct(lat, 0.99) };
}

async function main(): Promise<void> {
  const db = await testDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-edge-'));
  const stack = await startStack(PORTS, {
    dataDir,
    databaseUrl: db.databaseUrl,
    echo: false,
    amqpExchange: `order-events-bench-${process.pid}`,
  });
  try {
    const log = (m: string): void => void process.stdout.write(`${m}\n`);
    log(`stack up; ${TRADERS} traders signing up …`);
    const tokens = await traders();
    log('warm-up …');
    await openLoop(100, 3, restOrder(tokens));
    // the emulator starts a worker thread per concurrent invocation: warm the empty handler's too
    await maxThroughput(2, 16, () => http('GET', '/v1/ping'));
    const before = cpuByProcess();
    const r500 = await openLoop(500, SECONDS, restOrder(tokens));
    const cpu = cpuPerOrder(before, cpuByProcess(), 500 * SECONDS);
    log(`500/s: ${JSON.stringify(r500)}`);
    log(`CPU per order at 500/s (ms, ${cpus().length} cores shared by all): ${JSON.stringify(cpu)}`);
    const r1000 = await openLoop(1000, SECONDS, restOrder(tokens));
    log(`1000/s: ${JSON.stringify(r1000)}`);
    const ceiling = await maxThroughput(Math.min(SECONDS, 5), 16, () => http('GET', '/v1/ping'));
    let k = 0;
    const ours = await maxThroughput(Math.min(SECONDS, 5), 16, () => http('POST', '/v1/orders', order(), tokens[k++ % tokens.length]));
    log(`emulator ceiling (empty handler): ${ceiling}/s; ours at full throttle: ${ours}/s`);
    const direct = await inProcessOrder(tokens);
    await openLoop(100, 2, direct);
    const inProcess = await openLoop(500, SECONDS, direct);
    log(`authorizer + handler in-process at 500/s: ${JSON.stringify(inProcess)}`);
    const ws = await wsLatency(tokens, quick ? 20 : 50);
    log(`trade → WebSocket subscriber: p50 ${ws.p50} ms, p99 ${ws.p99} ms`);
    const strip = ({ target: _t, ...r }: RateResult): Omit<RateResult, 'target'> => r;
    process.stdout.write(
      `${JSON.stringify({ r500: strip(r500), r1000: strip(r1000), ceiling_rps: ceiling, ours_max_rps: ours, ratio_vs_empty: Math.round((ours / ceiling) * 100) / 100, ws_p50_ms: ws.p50, ws_p99_ms: ws.p99, cpu_ms_per_order: cpu, in_process_r500: strip(inProcess) })}\n`,
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
