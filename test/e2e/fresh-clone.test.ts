/**
 * A newcomer's first run, as the README's Quick start says: a clone of the repository (no .data/,
 * no build outputs, no installed packages), `npm install`, `npm start`, then register, log in,
 * deposit and trade. The clone is HEAD plus the working tree's changes and new files (what
 * `git add -A` would commit), so a change is tried before it is committed.
 *
 * Beside it runs a second stack (the tests' own) on the same Redis and broker: neither sees the
 * other's market data views, rate limits or WebSocket subscriptions. Last, the clone's edge is
 * killed: npm start says so in one line and brings it back.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Redis from 'ioredis';
import WebSocket from 'ws';
import { redisKeys } from '../../matching-host/proto/market-data-views';
import { portsFromEnv, type StackPorts } from '../../scripts/local/ports';
import { onLines } from '../../scripts/local/processes';
import { httpClient, type Call } from '../support/http-client';
import { deleteKeys } from '../support/redis-keys';
import { stackUnderTest } from '../support/stack-under-test';
import { until } from '../support/until';

const ROOT = join(__dirname, '..', '..');
/** the clone's npm start runs on the default ports shifted by this (EXCHANGE_PORT_OFFSET) */
const OFFSET = 7000;
const CLONE_PORTS = portsFromEnv({ EXCHANGE_PORT_OFFSET: String(OFFSET) });
const CLONE_PREFIX = `exchange:clone-${process.pid}:`;
const CLONE_EXCHANGE = `order-events-clone-${process.pid}`;
/** the second stack, the tests' own (stackUnderTest: its own prefix and exchange, AWS's auth budget) */
const OTHER_PORTS: StackPorts = {
  http: 3330,
  websocket: 3332,
  lambda: 3331,
  grpc: 50171,
  metrics: 9584,
  kinesis: 4687,
  dynamodb: 4689,
  postgres: 5553,
  stepFunctions: 8403,
};
const other = stackUnderTest(OTHER_PORTS);

const dir = mkdtempSync(join(tmpdir(), 'fresh-clone-'));
const clone = join(dir, 'exchange');
let npmStart: ChildProcess | undefined;
/** every line npm start printed, in order */
const lines: string[] = [];
const readyIndex = (): number => lines.findIndex((l) => l.includes('[stack] ready; Ctrl-C stops it'));

function run(cmd: string, args: string[], cwd: string, input?: string): string {
  const r = spawnSync(cmd, args, { cwd, input, encoding: 'utf8', timeout: 600_000, maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** HEAD, plus what the working tree changed and added (not what .gitignore keeps out). */
function cloneWorkingTree(): void {
  run('git', ['clone', '--quiet', '--no-hardlinks', ROOT, clone], dir);
  const diff = run('git', ['diff', 'HEAD', '--binary'], ROOT);
  if (diff.trim()) run('git', ['apply', '--whitespace=nowarn', '-'], clone, diff);
  for (const f of run('git', ['ls-files', '--others', '--exclude-standard', '-z'], ROOT).split('\0').filter(Boolean)) {
    mkdirSync(dirname(join(clone, f)), { recursive: true });
    copyFileSync(join(ROOT, f), join(clone, f));
  }
}

/** The environment of a newcomer's shell: none of the test run's settings, only where the services are. */
function newcomerEnv(): NodeJS.ProcessEnv {
  const keep = ['PATH', 'HOME', 'USER', 'LANG', 'TMPDIR', 'SHELL', 'REDIS_URL', 'AMQP_URL', 'npm_config_cache'];
  return {
    ...Object.fromEntries(keep.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]])),
    EXCHANGE_PORT_OFFSET: String(OFFSET),
    REDIS_KEY_PREFIX: CLONE_PREFIX,
    AMQP_EXCHANGE: CLONE_EXCHANGE,
  };
}

beforeAll(async () => {
  cloneWorkingTree();
  // the README's first command; --prefer-offline only spares the registry what the cache holds
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], clone);
  npmStart = spawn('npm', ['start'], { cwd: clone, env: newcomerEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  onLines(npmStart, (l) => lines.push(l));
  await until(
    'npm start to be ready',
    () => Promise.resolve(readyIndex() >= 0 || npmStart?.exitCode !== null),
    Boolean,
    300_000,
    200,
  ).catch((e: Error) => {
    throw new Error(`${e.message}:\n${lines.join('\n')}`);
  });
  if (readyIndex() < 0) throw new Error(`npm start exited (${npmStart.exitCode}):\n${lines.join('\n')}`);
}, 600_000);

afterAll(async () => {
  // whatever of the clone's process group is left (nothing, once Ctrl-C was tested)
  try {
    if (npmStart?.pid) process.kill(-npmStart.pid, 'SIGKILL');
  } catch {
    // ESRCH: the group is gone
  }
  rmSync(dir, { recursive: true, force: true });
  await deleteKeys(CLONE_PREFIX);
}, 60_000);

const password = 'correct horse battery staple';

/** A trader with funds on a stack: its token. */
async function trader(call: Call, name: string): Promise<string> {
  const email = `${name}.${Date.now()}.${Math.floor(Math.random() * 1e6)}@example.com`;
  expect((await call('POST', '/v1/auth/register', { email, password })).status).toBe(201);
  const login = await call('POST', '/v1/auth/login', { email, password });
  expect(login.status).toBe(200);
  const token = login.body.accessToken as string;
  for (const [asset, amount] of [
    ['USD', '1000000.00'],
    ['BTC', '10.00000000'],
  ]) {
    const d = await call('POST', '/v1/accounts/deposits', { asset, amount, idempotencyKey: `${name}-${asset}-${Date.now()}` }, token);
    expect(d.status).toBe(201);
  }
  return token;
}

/** A limit price the market accepts now: inside its band (around the last trade or its reference price). */
async function acceptedPrice(call: Call, symbol: string, step: number): Promise<string> {
  const t = await call('GET', `/v1/markets/${symbol}/ticker`);
  const band = t.body.priceBand as { low: string; high: string } | null | undefined;
  const mid = band ? (Number(band.low) + Number(band.high)) / 2 : Number(t.body.last ?? 50_000);
  return (Math.round(mid) + step).toFixed(2);
}

/** One trade in BTC-USD on a stack at a price of its own: the price. */
async function cross(call: Call, step: number): Promise<string> {
  const [seller, buyer] = [await trader(call, 'seller'), await trader(call, 'buyer')];
  const price = await acceptedPrice(call, 'BTC-USD', step);
  const order = (side: string, token: string) =>
    call(
      'POST',
      '/v1/orders',
      {
        clientOrderId: `fc-${side}-${Date.now()}-${step}`,
        symbol: 'BTC-USD',
        side,
        type: 'limit',
        timeInForce: 'GTC',
        quantity: '0.0100',
        price,
      },
      token,
    );
  expect((await order('sell', seller)).status).toBe(201);
  const buy = await order('buy', buyer);
  expect(buy).toMatchObject({ status: 201, body: { status: 'FILLED' } });
  return price;
}

/** A socket subscribed to BTC-USD trades, collecting the trades it is sent. */
async function tradeWatcher(port: number): Promise<{ trades: Record<string, unknown>[]; close: () => void }> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}`);
  const trades: Record<string, unknown>[] = [];
  let subscribed = false;
  ws.on('message', (m: Buffer) => {
    const msg = JSON.parse(m.toString()) as Record<string, unknown>;
    if (msg.channel === 'trades' && msg.type === 'update') trades.push(msg);
    if (msg.type === 'subscriptions') subscribed = true;
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  ws.send(JSON.stringify({ action: 'subscribe', channels: ['trades'], symbols: ['BTC-USD'] }));
  await until('the trades subscription', () => Promise.resolve(subscribed), Boolean, 10_000);
  return { trades, close: () => ws.close() };
}

describe('a fresh clone, as the README says', () => {
  const call = httpClient(`http://127.0.0.1:${CLONE_PORTS.http}`);

  it('starts with a short, clean console: each component, the URL table, nothing else', () => {
    const startup = lines.slice(0, readyIndex() + 1);
    expect(startup.join('\n')).toContain(`REST API        http://localhost:${CLONE_PORTS.http}/v1`);
    expect(startup.join('\n')).toContain(`(keys under ${CLONE_PREFIX})`);
    expect(startup.length).toBeLessThan(40);
    const noise = lines.filter((l) =>
      /No application metrics|NodeVersionSupportWarning|Invalid configuration|Warning:|Configuring Authorization|λ:/.test(l),
    );
    expect(noise).toEqual([]);
  });

  it('registers, logs in, deposits and trades', async () => {
    const price = await cross(call, 0);
    await until(
      'the trade on the ticker',
      () => call('GET', '/v1/markets/BTC-USD/ticker'),
      (t) => t.status === 200 && t.body.last === price,
      15_000,
    );
    // what the console showed meanwhile: no per-request lines, no info logs
    expect(lines.slice(readyIndex() + 1).filter((l) => !/WARN|ERROR|×/.test(l))).toEqual([]);
  }, 60_000);
});

describe('two stacks on one Redis', () => {
  const cloneCall = httpClient(`http://127.0.0.1:${CLONE_PORTS.http}`);
  const otherCall = httpClient(`http://127.0.0.1:${OTHER_PORTS.http}`);

  it('see their own market data views only', async () => {
    const [clonePrice, otherPrice] = [await cross(cloneCall, 3), await cross(otherCall, 7)];
    expect(clonePrice).not.toBe(otherPrice);
    const last = async (call: Call): Promise<unknown> => (await call('GET', '/v1/markets/BTC-USD/ticker')).body.last;
    await until(
      'each stack its own ticker',
      async () => [await last(cloneCall), await last(otherCall)],
      ([c, o]) => c === clonePrice && o === otherPrice,
      15_000,
    );
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    try {
      const ticker = async (prefix: string): Promise<{ last: string }> =>
        JSON.parse((await redis.get(`${prefix}${redisKeys.ticker('BTC-USD')}`)) as string) as { last: string };
      expect((await ticker(CLONE_PREFIX)).last).toBe(clonePrice);
      expect((await ticker(other.redisKeyPrefix)).last).toBe(otherPrice);
    } finally {
      redis.disconnect();
    }
  }, 60_000);

  it("keep their own rate limits: one stack's exhausted per-IP auth budget is not the other's; npm start's is the local stage's", async () => {
    // one address calling both stacks with refresh tokens nobody issued: only the per-IP budget
    // counts (failed logins would also lock the source after ten, whatever the budget)
    const address = '127.44.0.1';
    const otherFrom = httpClient(`http://127.0.0.1:${OTHER_PORTS.http}`, address);
    const cloneFrom = httpClient(`http://127.0.0.1:${CLONE_PORTS.http}`, address);
    const attempt = (call: Call, i: number): Promise<number> =>
      call('POST', '/v1/auth/refresh', { refreshToken: `never-issued-${i}-${Date.now()}` }).then((r) => r.status);
    const other: number[] = [];
    for (let i = 0; i < 21; i++) other.push(await attempt(otherFrom, i));
    // the tests' stack has AWS's budget: 20 a minute from one address
    expect(other.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(other[20]).toBe(429);
    // npm start (stage local) allows 600 a minute, and the other stack's empty bucket is not its own
    const clone: number[] = [];
    for (let i = 0; i < 30; i++) clone.push(await attempt(cloneFrom, i));
    expect(clone.filter((s) => s !== 401)).toEqual([]);
  }, 60_000);

  it("keep their own subscriptions: a trade on one reaches only that one's sockets", async () => {
    const cloneWatcher = await tradeWatcher(CLONE_PORTS.websocket);
    const otherWatcher = await tradeWatcher(OTHER_PORTS.websocket);
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    try {
      // each stack's index holds its own socket only (one index shared would hold both)
      const subscribers = (prefix: string): Promise<string[]> => redis.smembers(`${prefix}ws:sub:trades:BTC-USD`);
      const [cloneSubs, otherSubs] = [await subscribers(CLONE_PREFIX), await subscribers(other.redisKeyPrefix)];
      expect([cloneSubs.length, otherSubs.length]).toEqual([1, 1]);
      expect(cloneSubs[0]).not.toBe(otherSubs[0]);
      await cross(otherCall, 11);
      await until(
        "the trade on the other stack's socket",
        () => Promise.resolve(otherWatcher.trades.length),
        (n) => n > 0,
        15_000,
      );
      // the clone's fan-out has had the same time to (wrongly) deliver it
      await new Promise((r) => setTimeout(r, 2_000));
      expect(cloneWatcher.trades).toEqual([]);
    } finally {
      redis.disconnect();
      cloneWatcher.close();
      otherWatcher.close();
    }
  }, 60_000);
});

describe('npm start watches what it started', () => {
  it('names a component that died in one line and brings it back', async () => {
    const ps = spawnSync('pgrep', ['-f', `serverless.js offline start --stage local --httpPort ${CLONE_PORTS.http}`], { encoding: 'utf8' });
    const pids = ps.stdout.split('\n').filter(Boolean).map(Number);
    expect(pids).toHaveLength(1);
    const before = lines.length;
    process.kill(pids[0], 'SIGKILL');
    const said = (r: RegExp) => (): Promise<boolean> => Promise.resolve(lines.slice(before).some((l) => r.test(l)));
    await until('the line saying the edge died', said(/\[stack\] the edge .* was killed \(SIGKILL\); restarting it/), Boolean, 5_000);
    await until('the edge to come back', said(/\[stack\] the edge .* is back/), Boolean, 180_000, 200);
    expect((await httpClient(`http://127.0.0.1:${CLONE_PORTS.http}`)('GET', '/v1/ping')).status).toBe(200);
  }, 200_000);

  it('stops cleanly on Ctrl-C, leaving no process behind', async () => {
    // a terminal's Ctrl-C reaches every process of the foreground group, npm's included
    process.kill(-(npmStart?.pid as number), 'SIGINT');
    await until(
      'npm start to say it stopped',
      () => Promise.resolve(lines.some((l) => l.startsWith('[stack] stopped (the hosts flushed and snapshotted)'))),
      Boolean,
      30_000,
      100,
    );
    const left = () => Promise.resolve(spawnSync('pgrep', ['-f', clone], { encoding: 'utf8' }).stdout.trim());
    await until('every process of the clone to end', left, (pids) => pids === '', 15_000, 200);
  }, 60_000);
});
