/**
 * The matching hosts' blue-green release, end to end: the host group as processes, the host-release
 * state machine on the local Step Functions with its Task function in-process, the local fleet
 * (each host's version file, which the group watches) and real builds (npm run build:host). Orders
 * flow at a steady rate through the functions' own client the whole time.
 *
 * 1. A good build: the east standby is replaced, catches up, takes the book (fence, verify,
 *    promote), the old primary follows, the alarms stay quiet, the old primary is replaced too.
 * 2. A bad build (it dies a few seconds after it becomes primary): the alarms fire, the book goes
 *    back to the previous build, which was kept in sync for that, and the standby goes back to it.
 * 3. The DR region: its one host, a follower, is replaced.
 * Each prints its figures; none may lose an acknowledged order.
 */
import { SFNClient } from '@aws-sdk/client-sfn';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GrpcMatchingHost } from '../../functions/shared/adapters/grpc-matching-host';
import { closeMatchingHost, leaseStore, matchingHost } from '../../functions/shared/matching-host';
import type { HostHealth } from '../../functions/shared/ports/matching-host';
import { bundleDir } from '../../functions/sfn/adapters/local-host-fleet';
import { buildHostBundle } from '../../scripts/aws/build-host';
import { startHostGroup, HOST_IDS, type HostGroup, type HostId } from '../../scripts/local/host-group';
import { installBuild, runHostRelease, type ReleaseRun } from '../../scripts/release-host';
import { startFunctionsEnv, type FunctionsEnv } from '../support/functions-env';
import { testTlsOf } from '../support/host-tls';
import { until } from '../support/until';

const work = mkdtempSync(join(tmpdir(), 'host-release-'));
const releases = join(work, 'releases');
let env: FunctionsEnv;
let group: HostGroup;
let sfn: SFNClient;
const probes: Partial<Record<HostId, GrpcMatchingHost>> = {};

const health = (id: HostId): Promise<HostHealth> => {
  probes[id] ??= new GrpcMatchingHost(group.addresses[id], testTlsOf('dr'), { deadlineMs: 1_000, retries: 0, breakAfter: 1_000 });
  return probes[id].health();
};

/** a resting buy far below the market, through the functions' own client (it follows the lease) */
const place = async (clientOrderId: string): Promise<{ orderId: number; duplicate: boolean }> => {
  const r = await matchingHost('trading').placeOrder(1, {
    clientOrderId,
    symbol: 'BTC-USD',
    side: 'buy',
    type: 'limit',
    price: '1000.00',
    quantity: '0.001',
  });
  return { orderId: r.orderId, duplicate: r.duplicate };
};

const release = async (name: string, input: { bundleVersion: string; region?: string }): Promise<ReleaseRun> => {
  const run = await runHostRelease({
    sfn,
    stateMachineArn: env.stepFunctions.arnOf('exchange-local-host-release'),
    input,
    place,
    perSecond: 20,
    print: () => undefined,
  });
  process.stdout.write(
    `${JSON.stringify({
      scenario: name,
      outcome: run.result?.outcome,
      status: run.status,
      writeOutageMs: run.writeOutageMs,
      handoverMs: run.result?.handover_ms,
      acked: run.ordersAcked,
      lost: run.ordersLost,
      firing: run.result?.firing,
      reason: run.result?.reason,
    })}\n`,
  );
  return run;
};

const eastPairOn = async (version: string): Promise<{ primary: HostId; standby: HostId }> => {
  const seen = await until(
    `the east pair runs ${version}, in sync`,
    async () => ({ a: await health('us-east-1a'), b: await health('us-east-1b'), lease: await leaseStore().read('us-east-1') }),
    ({ a, b, lease }) =>
      a.version === version &&
      b.version === version &&
      [a, b].some((h) => h.role === 'primary' && h.leaseValid && h.replicas === 1) &&
      lease?.inSync.length === 1,
    60_000,
  );
  const primary: HostId = seen.a.role === 'primary' ? 'us-east-1a' : 'us-east-1b';
  return { primary, standby: primary === 'us-east-1a' ? 'us-east-1b' : 'us-east-1a' };
};

beforeAll(async () => {
  env = await startFunctionsEnv();
  const [good, bad] = [join(work, 'build-good'), join(work, 'build-bad')];
  await buildHostBundle(good, 'rel-good');
  await buildHostBundle(bad, 'rel-bad');
  // the defect: the build dies three seconds after it becomes primary (it asks its own /health)
  appendFileSync(
    join(bad, 'matching-host', 'main.js'),
    `\n;(() => { const t = setInterval(async () => { try { const h = await (await fetch('http://' + process.env.HOST_METRICS_ADDRESS + '/health')).json(); if (h.role === 'primary') { clearInterval(t); setTimeout(() => process.kill(process.pid, 'SIGKILL'), 3000); } } catch {} }, 200); })();\n`,
  );
  // one from its tarball (what the deploy uploads), one from its folder (the defect is in the folder only)
  expect(installBuild(join(good, 'matching-host.tar.gz'), releases)).toBe('rel-good');
  expect(installBuild(join(bad, 'matching-host'), releases)).toBe('rel-bad');
  group = await startHostGroup({
    env: { KINESIS_STREAM: '', REDIS_URL: '', AMQP_URL: '', HOST_SNAPSHOT_INTERVAL_MS: '0' },
    leaseTable: process.env.CONTROL_TABLE ?? 'exchange-local-control',
    dataDir: join(work, 'hosts'),
    releases,
  });
  Object.assign(process.env, {
    MATCHING_HOSTS: JSON.stringify(group.regions),
    PRIMARY_REGION: 'us-east-1',
    HOST_RELEASES_DIR: releases,
    HOST_RELEASE_WATCH_SECONDS: '6',
    HOST_RELEASE_POLL_SECONDS: '1',
    HOST_RELEASE_READY_TIMEOUT_SECONDS: '90',
  });
  closeMatchingHost();
  sfn = new SFNClient({ region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  await eastPairOn('source');
  await matchingHost('accounts').deposit(1, 'USD', '1000000000', 'release-fund-1');
}, 180_000);

afterAll(async () => {
  Object.values(probes).forEach((p) => p.close());
  sfn?.destroy();
  await group?.stop();
  await env?.stop();
  rmSync(work, { recursive: true, force: true });
}, 60_000);

describe('a blue-green release of the matching hosts', () => {
  it('moves the east pair to a good build: the standby takes the book, the old primary follows and is replaced; nothing lost', async () => {
    const before = await eastPairOn('source');
    const run = await release('good build', { bundleVersion: 'rel-good' });
    expect(run.result).toMatchObject({
      outcome: 'completed',
      version: 'rel-good',
      previous: 'source',
      primary: before.standby,
      firing: [],
    });
    expect(run.status).toBe('SUCCEEDED');
    expect(run.ordersLost).toBe(0);
    expect(run.ordersAcked).toBeGreaterThan(50);
    const after = await eastPairOn('rel-good');
    expect(after.primary).toBe(before.standby);
    expect(group.version(before.primary)).toBe('rel-good');
    // the fence-to-promote step, and what the orders saw: both well under the lease's 3 s
    expect(run.result?.handover_ms).toBeLessThan(2_000);
    expect(run.writeOutageMs).toBeLessThan(3_000);
  }, 240_000);

  it('fails back to the previous build when the alarms fire after the switch, and the standby goes back to it; nothing lost', async () => {
    const before = await eastPairOn('rel-good');
    const run = await release('bad build', { bundleVersion: 'rel-bad' });
    expect(run.result).toMatchObject({ outcome: 'rolled_back', version: 'rel-bad', previous: 'rel-good', primary: before.primary });
    expect(run.result?.firing.length).toBeGreaterThan(0);
    expect(run.status).toBe('FAILED');
    expect(run.ordersLost).toBe(0);
    const after = await eastPairOn('rel-good');
    expect(after.primary).toBe(before.primary);
    expect(group.version(before.standby)).toBe('rel-good');
  }, 240_000);

  it('replaces the DR region’s replica, a follower: no book moves, it catches up on the new build', async () => {
    const run = await release('dr replica', { bundleVersion: 'rel-good', region: 'us-west-2' });
    expect(run.result).toMatchObject({ outcome: 'completed', region: 'us-west-2', version: 'rel-good', primary: null, handover_ms: null });
    expect(run.ordersLost).toBe(0);
    const h = await health('us-west-2a');
    expect(h).toMatchObject({ version: 'rel-good', role: 'standby', replicas: 1 });
    expect(HOST_IDS.map((id) => group.version(id))).toEqual(['rel-good', 'rel-good', 'rel-good']);
  }, 240_000);

  it('refuses a version that is not installed, and one that is not a plain name, before it touches a host', async () => {
    const before = HOST_IDS.map((id) => group.version(id));
    const missing = await release('not installed', { bundleVersion: 'rel-missing' });
    expect(missing.result?.outcome).toBe('aborted');
    expect(missing.result?.reason).toMatch(/rel-missing is not installed/);
    const traversal = await release('path as version', { bundleVersion: '../../etc' });
    expect(traversal.result?.outcome).toBe('aborted');
    expect(traversal.result?.reason).toMatch(/InvalidInput/);
    expect(HOST_IDS.map((id) => group.version(id))).toEqual(before);
    expect(bundleDir(releases, 'rel-good')).toContain(join('bundles', 'rel-good'));
  }, 120_000);
});
