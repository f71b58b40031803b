/**
 * `npm run release:host -- --to <build> [--region us-east-1] [--rate 10]` (with `npm start` running):
 * the matching hosts' blue-green release, rehearsed locally. <build> is what `npm run build:host`
 * makes (its folder or its tarball). The build is installed where the local fleet finds it (the
 * stand-in for the host artifacts bucket), then the host-release state machine runs on the local
 * Step Functions (statemachines/host-release.asl.json, the definition AWS runs) while a trader
 * places resting orders through the REST API at a steady rate. It streams the states as they run
 * and ends with one JSON line: the outcome, the write outage the trader saw, the handover as the
 * release measured it, and how many acknowledged orders were lost (placed again, each must answer
 * the same order). Exit code 0 only for a completed release that lost nothing.
 *
 * Environment: EXCHANGE_URL and AWS_ENDPOINT_URL_SFN (default: npm start's, EXCHANGE_PORT_OFFSET
 * honoured), HOST_RELEASES_DIR (default .data/host-releases: npm start's).
 */
import { DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bundleDir } from '../functions/sfn/adapters/local-host-fleet';
import type { ReleaseResult } from '../functions/sfn/host-release-service';
import { followExecution } from './dr';
import { awsClientConfig } from './local/cli';
import { portsFromEnv } from './local/ports';
import { SteadyOrders, type PlaceOrder } from './local/steady-orders';

const ROOT = join(__dirname, '..');

/**
 * Install a build for the local fleet: copied to `<releases>/bundles/<version>/` (its version from
 * its package.json, as build:host stamps it). A tarball is unpacked first. Returns the version.
 */
export function installBuild(build: string, releases: string): string {
  let dir = resolve(build);
  let unpacked: string | undefined;
  if (statSync(dir).isFile()) {
    unpacked = mkdtempSync(join(tmpdir(), 'host-build-'));
    execFileSync('tar', ['-xzf', dir, '-C', unpacked]);
    dir = join(unpacked, 'matching-host');
  }
  try {
    if (!existsSync(join(dir, 'main.js')) || !existsSync(join(dir, 'package.json')))
      throw new Error(`${build} is not a host build (npm run build:host makes one: main.js and package.json)`);
    const { release } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { release?: string };
    if (!release) throw new Error(`${build} names no release version (build it again with npm run build:host)`);
    const target = bundleDir(releases, release);
    rmSync(target, { recursive: true, force: true });
    cpSync(dir, target, { recursive: true });
    return release;
  } finally {
    if (unpacked) rmSync(unpacked, { recursive: true, force: true });
  }
}

export interface ReleaseRun {
  status: string;
  result: ReleaseResult | null;
  executionArn: string;
  /** the longest time the trader's orders went unacknowledged during the release */
  writeOutageMs: number;
  ordersAcked: number;
  ordersLost: number;
}

/** The release's result: the output of whichever Notify state ran (a release that did not complete ends failed, after it). */
async function notifyOutput(sfn: SFNClient, executionArn: string): Promise<ReleaseResult | null> {
  const h = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
  const exited = (h.events ?? []).filter((e) => e.stateExitedEventDetails?.name?.startsWith('Notify'));
  const last = exited[exited.length - 1]?.stateExitedEventDetails?.output;
  return last ? (JSON.parse(last) as ReleaseResult) : null;
}

/** Run the release state machine under a steady load of orders; measure what it cost. */
export async function runHostRelease(o: {
  sfn: SFNClient;
  stateMachineArn: string;
  input: { bundleVersion: string; region?: string; requestedBy?: string; reason?: string; watchSeconds?: number };
  place: PlaceOrder;
  perSecond?: number;
  print: (line: string) => void;
}): Promise<ReleaseRun> {
  const load = new SteadyOrders(o.place, `release-${Date.now().toString(36)}`, o.perSecond ?? 10);
  load.start();
  await new Promise((r) => setTimeout(r, 1_000));
  const from = Date.now();
  let executionArn = '';
  let status = 'NOT_STARTED';
  try {
    const started = await o.sfn.send(new StartExecutionCommand({ stateMachineArn: o.stateMachineArn, input: JSON.stringify(o.input) }));
    executionArn = started.executionArn ?? '';
    status = (await followExecution(o.sfn, executionArn, o.print)).status;
  } finally {
    await new Promise((r) => setTimeout(r, 1_000));
    await load.stop();
  }
  const lost = await load.lost();
  if (status === 'RUNNING') status = (await o.sfn.send(new DescribeExecutionCommand({ executionArn }))).status ?? status;
  return {
    status,
    result: executionArn ? await notifyOutput(o.sfn, executionArn) : null,
    executionArn,
    writeOutageMs: load.gapAfter(from),
    ordersAcked: load.acked.size,
    ordersLost: lost.length,
  };
}

/** A trader of the local stack: registered, funded (simulated), placing resting buys far below the market. */
async function restTrader(base: string): Promise<{ place: PlaceOrder; cancelAll: () => Promise<void> }> {
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    token?: string,
  ): Promise<{ status: number; body: Record<string, unknown> }> => {
    const r = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await r.text();
    return { status: r.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
  const must = async (method: string, path: string, body?: unknown, token?: string): Promise<Record<string, unknown>> => {
    const r = await call(method, path, body, token);
    if (r.status >= 400) throw new Error(`${method} ${path} → ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const email = `release.probe.${Date.now()}@example.com`;
  const password = 'correct horse battery staple';
  await must('POST', '/v1/auth/register', { email, password });
  const token = (await must('POST', '/v1/auth/login', { email, password })).accessToken as string;
  await must('POST', '/v1/accounts/deposits', { asset: 'USD', amount: '100000', idempotencyKey: `release-fund-${Date.now()}` }, token);
  // a resting buy 5 % under the last trade (inside the price band, never crossing), on the tick
  const ticker = await call('GET', '/v1/markets/BTC-USD/ticker');
  const last = Number(ticker.body.last ?? ticker.body.lastPrice) || 42_000;
  const price = (Math.floor(last * 0.95 * 100) / 100).toFixed(2);
  return {
    place: async (clientOrderId) => {
      const r = await call(
        'POST',
        '/v1/orders',
        { clientOrderId, symbol: 'BTC-USD', side: 'buy', type: 'limit', price, quantity: '0.001' },
        token,
      );
      if (r.status !== 200 && r.status !== 201) throw new Error(`place ${clientOrderId}: ${r.status} ${JSON.stringify(r.body)}`);
      return { orderId: r.body.orderId as string, duplicate: r.status === 200 };
    },
    cancelAll: async () => void (await call('DELETE', '/v1/orders?symbol=BTC-USD', undefined, token)),
  };
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const to = arg('to');
  if (!to)
    throw new Error('usage: npm run release:host -- --to <build folder or tarball> [--region <region>] [--rate <orders/s>] [--watch <s>]');
  const releases = resolve(process.env.HOST_RELEASES_DIR ?? join(ROOT, '.data', 'host-releases'));
  const version = installBuild(to, releases);
  const print = (line: string): void => void process.stdout.write(`${line}\n`);
  print(`installed build ${version} under ${releases}`);
  const base = (process.env.EXCHANGE_URL ?? `http://localhost:${portsFromEnv().http}`).replace(/\/$/, '');
  const trader = await restTrader(base);
  const sfn = new SFNClient(awsClientConfig(!process.env.HOST_RELEASE_STATE_MACHINE_ARN));
  const run = await runHostRelease({
    sfn,
    stateMachineArn:
      process.env.HOST_RELEASE_STATE_MACHINE_ARN ?? 'arn:aws:states:us-east-1:000000000000:stateMachine:exchange-local-host-release',
    input: {
      bundleVersion: version,
      requestedBy: process.env.USER ?? 'local',
      reason: `release:host --to ${to}`,
      ...(arg('region') ? { region: arg('region') } : {}),
      ...(arg('watch') ? { watchSeconds: Number(arg('watch')) } : {}),
    },
    place: trader.place,
    perSecond: Number(arg('rate') ?? 10),
    print,
  });
  await trader.cancelAll();
  const r = run.result;
  print(
    JSON.stringify({
      outcome: r?.outcome ?? null,
      status: run.status,
      region: r?.region ?? null,
      version,
      previous: r?.previous ?? null,
      primary: r?.primary ?? null,
      write_outage_ms: run.writeOutageMs,
      handover_ms: r?.handover_ms ?? null,
      orders_acked: run.ordersAcked,
      orders_lost: run.ordersLost,
      firing: r?.firing ?? [],
      ...(r?.reason ? { reason: r.reason } : {}),
      executionArn: run.executionArn,
    }),
  );
  sfn.destroy();
  process.exitCode = r?.outcome === 'completed' && run.ordersLost === 0 ? 0 : 1;
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
