/**
 * Order-ack latency of the host group (a synchronous standby one AZ away, the DR replica fed
 * asynchronously across regions) against the topology it replaces (the DR region's host as the
 * synchronous standby), on the same orders in one run. Distances are round trips through a
 * delaying proxy: 1 ms between AZs, 65 ms between us-east-1 and us-west-2.
 *
 *   npm run bench:topology [-- --rate 200 --orders 3000 --az-rtt 1 --region-rtt 65]
 *
 * Last line: JSON {ratio_p99, ratio_p50, cross_region_sync: {...}, host_group: {...}} (ratio: today / group).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { call, connectHost } from '../matching-host/proto/host-client';
import { tlsFromDir } from '../matching-host/proto/host-tls';
import type { HostRole } from '../matching-host/proto/host-roles';
import { H2GrpcClient } from './bench/h2-grpc-client';
import { openLoop, type LoadResult } from './bench/open-loop';
import { benchPlaceRequest } from './bench/recovery';
import { startDelayProxy, type DelayProxy } from './local/delay-proxy';
import { ensureTables, startDynalite, serviceNames } from './local/dynamo-tables';
import { ensureHostCa } from './local/host-ca';
import { GROUP, HOST_IDS, startHostGroup, type HostId } from './local/host-group';
import { spawnHost, type HostProcess } from './local/host-process';
import { freePort } from './local/region-hosts';

const TLS_DIR = ensureHostCa(process.env.HOST_TLS_DIR ?? join(__dirname, '..', '.data', 'host-ca'));
process.env.HOST_TLS_DIR = TLS_DIR;
const tlsAs = (role: HostRole): ReturnType<typeof tlsFromDir> => tlsFromDir(TLS_DIR, role);
const { values: args } = parseArgs({
  options: {
    rate: { type: 'string', default: '200' },
    orders: { type: 'string', default: '3000' },
    'az-rtt': { type: 'string', default: '1' },
    'region-rtt': { type: 'string', default: '65' },
  },
});
/** round trips, halved per direction by the proxy (0: no proxy) */
const AZ_RTT_MS = Number(args['az-rtt']);
const REGION_RTT_MS = Number(args['region-rtt']);
const QUIET = { KINESIS_STREAM: '', REDIS_URL: '', AMQP_URL: '', HOST_SNAPSHOT_INTERVAL_MS: '0' };

const RATE = Number(args.rate);
const ORDERS = Number(args.orders);

async function fundAndDrive(address: string, standbys: () => Promise<number>, during?: () => Promise<void>): Promise<LoadResult> {
  const funding = connectHost(address, tlsAs('accounts'));
  for (let i = 0; i < 200 && (await standbys()) < 1; i++) await new Promise((r) => setTimeout(r, 50));
  for (const a of [1, 2]) {
    await call(funding, 'Deposit', { account: a, asset: 'USD', amount: '1000000000', transferId: `u${a}` });
    await call(funding, 'Deposit', { account: a, asset: 'BTC', amount: '100000', transferId: `b${a}` });
  }
  funding.close();
  const client = new H2GrpcClient(address, tlsAs('trading'));
  try {
    // a short warm-up at the same rate, then the measured run on the same orders as the other topology
    await openLoop(client, RATE, Math.min(500, ORDERS), (i) => order(1_000_000 + i));
    let sampling = true;
    const sampler = (async () => {
      while (during && sampling) {
        await during();
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    try {
      return await openLoop(client, RATE, ORDERS, order);
    } finally {
      sampling = false;
      await sampler;
    }
  } finally {
    client.close();
  }
}

const order = (i: number): Record<string, unknown> => benchPlaceRequest(i, 1 + (i % 2));

/** Today: the primary in us-east-1, its synchronous standby in us-west-2. */
async function crossRegionSync(dir: string): Promise<LoadResult> {
  const procs: HostProcess[] = [];
  let proxy: DelayProxy | undefined;
  try {
    const primary = await spawnHost({ ...QUIET, HOST_DATA_DIR: join(dir, 'east') }, { name: 'east' });
    procs.push(primary);
    proxy = await startDelayProxy({ target: `127.0.0.1:${primary.grpcPort}`, delayMs: REGION_RTT_MS / 2 });
    procs.push(
      await spawnHost(
        { ...QUIET, HOST_DATA_DIR: join(dir, 'west'), HOST_ROLE: 'standby', HOST_REPLICATE_FROM: proxy.address },
        { name: 'west' },
      ),
    );
    const health = connectHost(`127.0.0.1:${primary.grpcPort}`, tlsAs('dr'));
    const r = await fundAndDrive(`127.0.0.1:${primary.grpcPort}`, async () => (await call(health, 'Health', {})).replicas);
    health.close();
    return r;
  } finally {
    for (const p of procs.reverse()) await p.stop();
    await proxy?.close();
  }
}

/** The group: us-east-1a primary, us-east-1b synchronous one AZ away, us-west-2a asynchronous. */
type LagSummary = { max: number; p99: number; samples: number };

async function hostGroup(dir: string): Promise<{ load: LoadResult; drLagMs: { replica: LagSummary; primary: LagSummary } }> {
  const dynamo = await startDynalite(0);
  await ensureTables(dynamo.endpoint);
  const proxies: DelayProxy[] = [];
  const ports = {} as Record<HostId, { grpc: number; metrics: number }>;
  for (const id of HOST_IDS) ports[id] = { grpc: await freePort(), metrics: await freePort() };
  const routes = new Map<string, string>();
  for (const from of HOST_IDS)
    for (const to of HOST_IDS) {
      if (from === to) continue;
      const rtt = GROUP[from] === GROUP[to] ? AZ_RTT_MS : REGION_RTT_MS;
      if (rtt === 0) continue;
      const p = await startDelayProxy({ target: `127.0.0.1:${ports[to].grpc}`, delayMs: rtt / 2 });
      proxies.push(p);
      routes.set(`${from}>${to}`, p.address);
    }
  const group = await startHostGroup({
    env: {
      ...QUIET,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    },
    leaseTable: serviceNames('local').controlTable,
    dataDir: dir,
    ports,
    route: (from, to, address) => routes.get(`${from}>${to}`) ?? address,
  });
  try {
    const health = connectHost(group.addresses['us-east-1a'], tlsAs('dr'));
    const west = connectHost(group.addresses['us-west-2a'], tlsAs('dr'));
    // the DR replica's lag in time, sampled every 100 ms during the run (the RPO a region loss would cause then)
    const lags: number[] = [];
    const primaryLags: number[] = [];
    const load = await fundAndDrive(
      group.addresses['us-east-1a'],
      async () => (await call(health, 'Health', {})).replicas,
      async () => {
        // the replica's view (acknowledged commands it was told of and lacks) and the primary's
        // (since when the oldest batch the replica has not confirmed was written: the round trip included)
        const [w, p] = await Promise.all([call(west, 'Health', {}), call(health, 'Health', {})]);
        lags.push(Number(w.lagMs));
        primaryLags.push(Number(p.lagMs));
      },
    );
    health.close();
    west.close();
    const summary = (xs: number[]): { max: number; p99: number; samples: number } => {
      xs.sort((a, b) => a - b);
      return { max: xs.at(-1) ?? 0, p99: xs[Math.max(0, Math.ceil(xs.length * 0.99) - 1)] ?? 0, samples: xs.length };
    };
    return { load, drLagMs: { replica: summary(lags), primary: summary(primaryLags) } };
  } finally {
    await group.stop();
    await Promise.all(proxies.map((p) => p.close()));
    await dynamo.close();
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-topology-'));
  try {
    const today = await crossRegionSync(join(dir, 'today'));
    process.stderr.write(`cross-region synchronous standby: ${JSON.stringify(today)}\n`);
    const group = await hostGroup(join(dir, 'group'));
    process.stderr.write(`host group: ${JSON.stringify(group)}\n`);
    const summary = {
      rate: RATE,
      orders: ORDERS,
      az_rtt_ms: AZ_RTT_MS,
      region_rtt_ms: REGION_RTT_MS,
      ratio_p50: Number((today.p50_ms / group.load.p50_ms).toFixed(2)),
      ratio_p99: Number((today.p99_ms / group.load.p99_ms).toFixed(2)),
      cross_region_sync: today,
      host_group: { ...group.load, dr_lag_ms: group.drLagMs },
    };
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
