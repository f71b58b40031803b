/**
 * The host group under faults, with orders flowing at a steady rate through the functions' own
 * client (which finds the primary from the lease): the primary killed, frozen, cut off from the
 * lease store; the standby killed; the whole primary region lost (DR runbook to the replica).
 * Every scenario checks that no acknowledged order was lost and prints how long orders went
 * unacknowledged. Hosts are child processes; the hosts reach the lease store (dynalite) through
 * proxies a test can cut, and each other through proxies with 1 ms (AZ) and 65 ms (region) round trips.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFunctionsEnv, type FunctionsEnv } from '../support/functions-env';
import { GrpcMatchingHost } from '../../functions/shared/adapters/grpc-matching-host';
import { closeMatchingHost, leaseStore, matchingHost } from '../../functions/shared/matching-host';
import type { HostHealth } from '../../functions/shared/ports/matching-host';
import { drOps } from '../../functions/ops/wiring';
import { startDelayProxy, type DelayProxy } from '../../scripts/local/delay-proxy';
import { GROUP, HOST_IDS, startHostGroup, type HostGroup, type HostId } from '../../scripts/local/host-group';
import { testTlsOf } from '../support/host-tls';
import { until } from '../support/until';
import { SteadyOrders } from '../../scripts/local/steady-orders';

const dataDir = mkdtempSync(join(tmpdir(), 'host-failover-'));
let env: FunctionsEnv;
let group: HostGroup;
const leaseProxy = {} as Record<HostId, DelayProxy>;
const links: DelayProxy[] = [];
const probes: Partial<Record<HostId, GrpcMatchingHost>> = {};

const health = (id: HostId): Promise<HostHealth> => {
  probes[id] ??= new GrpcMatchingHost(group.addresses[id], testTlsOf('dr'), { deadlineMs: 1_000, retries: 0, breakAfter: 1_000 });
  return probes[id].health();
};

const primaryOf = async (ids: readonly HostId[]): Promise<HostId | undefined> => {
  for (const id of ids) if ((await health(id).catch(() => null))?.role === 'primary') return id;
  return undefined;
};

/** The east pair as it stands: its primary, and its standby once the lease lists it in sync. */
async function pairInSync(): Promise<{ primary: HostId; standby: HostId }> {
  const primary = (await primaryOf(['us-east-1a', 'us-east-1b'])) as HostId;
  const standby: HostId = primary === 'us-east-1a' ? 'us-east-1b' : 'us-east-1a';
  await until(
    'the standby is in the lease',
    () => leaseStore().read('us-east-1'),
    (l) => l?.inSync.includes(standby) ?? false,
    20_000,
  );
  return { primary, standby };
}

/** `id` is primary under a valid lease */
const leads = (id: HostId): Promise<HostHealth> =>
  until(
    `${id} is primary`,
    () => health(id),
    (h) => h.role === 'primary' && h.leaseValid,
    20_000,
  );

/** `id` follows the primary */
const follows = (id: HostId): Promise<HostHealth> =>
  until(
    `${id} follows`,
    () => health(id),
    (h) => h.role === 'standby' && h.replicas === 1,
    30_000,
  );

/** A resting buy (never crosses: it stays on the book), through the functions' own client. */
const place = (clientOrderId: string): ReturnType<ReturnType<typeof matchingHost>['placeOrder']> =>
  matchingHost('trading').placeOrder(1, {
    clientOrderId,
    symbol: 'BTC-USD',
    side: 'buy',
    type: 'limit',
    price: '41000.00',
    quantity: '0.001',
  });

const steady = (name: string): SteadyOrders => new SteadyOrders(place, name);

/** Run `fault` under a steady load; report the gap in acknowledgements and the orders lost. */
async function underLoad(
  name: string,
  fault: () => Promise<void>,
  settle: () => Promise<unknown>,
): Promise<{ gapMs: number; acked: number }> {
  const load = steady(name);
  load.start();
  await new Promise((r) => setTimeout(r, 1_500));
  const at = Date.now();
  await fault();
  await settle();
  await new Promise((r) => setTimeout(r, 1_500));
  await load.stop();
  const gapMs = load.gapAfter(at);
  const lost = await load.lost();
  process.stdout.write(`${JSON.stringify({ scenario: name, acked: load.acked.size, lost: lost.length, ackGapMs: gapMs })}\n`);
  expect(lost).toEqual([]);
  expect(load.acked.size).toBeGreaterThan(20);
  return { gapMs, acked: load.acked.size };
}

beforeAll(async () => {
  env = await startFunctionsEnv();
  const dynamo = process.env.AWS_ENDPOINT_URL_DYNAMODB ?? '';
  for (const id of HOST_IDS) leaseProxy[id] = await startDelayProxy({ target: dynamo.replace(/^http:\/\//, ''), delayMs: 0 });
  const link = async (from: HostId, to: HostId, address: string): Promise<string> => {
    const p = await startDelayProxy({ target: address, delayMs: GROUP[from] === GROUP[to] ? 0.5 : 32.5 });
    links.push(p);
    return p.address;
  };
  // every host reaches every other through a proxy of the right distance
  const routes = new Map<string, string>();
  const addressesFirst = await startHostGroupPorts();
  for (const from of HOST_IDS)
    for (const to of HOST_IDS) if (from !== to) routes.set(`${from}>${to}`, await link(from, to, addressesFirst[to]));
  group = await startHostGroup({
    env: { KINESIS_STREAM: '', REDIS_URL: '', AMQP_URL: '', HOST_SNAPSHOT_INTERVAL_MS: '0' },
    leaseTable: process.env.CONTROL_TABLE ?? 'exchange-local-control',
    dataDir,
    ports: Object.fromEntries(HOST_IDS.map((id) => [id, { grpc: Number(addressesFirst[id].split(':')[1]), metrics: 0 }])),
    route: (from, to, address) => routes.get(`${from}>${to}`) ?? address,
    hostEnv: (id) => ({ AWS_ENDPOINT_URL_DYNAMODB: `http://${leaseProxy[id].address}` }),
  });
  Object.assign(process.env, {
    MATCHING_HOSTS: JSON.stringify(group.regions),
    PRIMARY_REGION: 'us-east-1',
    DR_AUTO_APPROVE_ALLOWED: 'true',
  });
  closeMatchingHost();
  await until(
    'the primary holds the lease',
    () => health('us-east-1a'),
    (h) => h.leaseValid && h.replicas === 1,
    30_000,
  );
  await matchingHost('accounts').deposit(1, 'USD', '1000000000', 'failover-fund-1');
}, 120_000);

/** free ports for the hosts, known before they start (the proxies point at them) */
async function startHostGroupPorts(): Promise<Record<HostId, string>> {
  const { freePort } = await import('../../scripts/local/region-hosts');
  const out = {} as Record<HostId, string>;
  for (const id of HOST_IDS) out[id] = `127.0.0.1:${await freePort()}`;
  return out;
}

afterAll(async () => {
  Object.values(probes).forEach((c) => c.close());
  await group?.stop();
  await Promise.all([...links, ...Object.values(leaseProxy)].map((p) => p.close()));
  await env?.stop();
  rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

describe('the host group fails over by itself inside the region', () => {
  it('primary killed (kill -9): the standby takes over within seconds, no acknowledged order lost', async () => {
    const r = await underLoad(
      'kill-primary',
      () => group.kill('us-east-1a'),
      () => leads('us-east-1b'),
    );
    expect(r.gapMs).toBeLessThan(15_000);
    // the old primary comes back on its data and follows the new one
    await group.start('us-east-1a');
    await follows('us-east-1a');
  }, 90_000);

  it('primary frozen (SIGSTOP): the standby takes over; the old primary wakes, acknowledges nothing and follows', async () => {
    const { primary: frozen, standby: other } = await pairInSync();
    await underLoad(
      'freeze-primary',
      () => Promise.resolve(group.pause(frozen)),
      () => leads(other),
    );
    group.resume(frozen);
    const h = await follows(frozen);
    expect(h.leaseValid).toBe(false);
    // what it held unacknowledged when it froze, the new primary never had: dropped as it rejoined
    expect(await steady('none').lost()).toEqual([]);
  }, 90_000);

  it('primary cut off from the lease store only: it stops acknowledging, the standby takes over, it follows once it sees the lease', async () => {
    const { primary: cut, standby: other } = await pairInSync();
    await underLoad(
      'cut-lease-store',
      () => Promise.resolve(leaseProxy[cut].cut('blackhole')),
      () => leads(other),
    );
    // still reachable by clients and by the standby, but it may not acknowledge
    expect((await health(cut)).leaseValid).toBe(false);
    leaseProxy[cut].restore();
    await follows(cut);
  }, 90_000);

  it('planned handover (a deploy stops the primary gracefully): it releases the lease and the standby takes it at its next look', async () => {
    const { primary, standby: other } = await pairInSync();
    const r = await underLoad(
      'graceful-handover',
      async () => {
        await group.host(primary)?.stop();
      },
      () => leads(other),
    );
    // well under a whole lease: the stop released it
    expect(r.gapMs).toBeLessThan(3_000);
    await group.start(primary);
    await follows(primary);
  }, 90_000);

  it('standby killed: the primary goes on, unreplicated and saying so; the standby rejoins', async () => {
    const primary = (await primaryOf(['us-east-1a', 'us-east-1b'])) as HostId;
    const standby: HostId = primary === 'us-east-1a' ? 'us-east-1b' : 'us-east-1a';
    const before = (await health(primary)).unreplicatedAcks;
    const r = await underLoad(
      'kill-standby',
      () => group.kill(standby),
      () => Promise.resolve(),
    );
    expect(r.gapMs).toBeLessThan(5_000);
    const h = await health(primary);
    expect(h.role).toBe('primary');
    expect(h.unreplicatedAcks).toBeGreaterThan(before);
    expect((await leaseStore().read('us-east-1'))?.inSync).toEqual([]);
    await group.start(standby);
    await until(
      'the standby back in the lease',
      () => leaseStore().read('us-east-1'),
      (l) => l?.inSync.includes(standby) ?? false,
      30_000,
    );
  }, 90_000);
});

describe('the DR region follows asynchronously and takes over by a runbook', () => {
  it('reports its lag, and on losing the whole east region the runbook promotes it and states the RPO', async () => {
    const west = await until(
      'the DR replica follows',
      () => health('us-west-2a'),
      (h) => h.replicas === 1,
      20_000,
    );
    expect(west.role).toBe('standby');
    const load = steady('region-loss');
    load.start();
    await new Promise((r) => setTimeout(r, 2_000));
    const lag = await health('us-west-2a');
    // 65 ms away: it trails by a little, never by much
    expect(lag.lagMs).toBeLessThan(1_000);
    await load.stop();
    // everything the primary holds has reached the replica (its lag counts only what it was told was acknowledged)
    const last = (await health((await primaryOf(['us-east-1a', 'us-east-1b'])) as HostId)).lastSeq;
    await until(
      'the DR replica caught up',
      () => health('us-west-2a'),
      (h) => h.lastSeq >= last,
      10_000,
    );
    for (const id of ['us-east-1a', 'us-east-1b'] as HostId[]) await group.kill(id);
    const { execution } = await drOps(undefined).start('failover', { reason: 'game day: us-east-1 lost', autoApprove: true }, 'ops-alice', {
      requestId: 'failover-test',
      ip: '127.0.0.1',
    });
    const end = await until(
      'the runbook to end',
      () => drOps(undefined).status(execution),
      (s) => s.status !== 'RUNNING',
      60_000,
    );
    process.stdout.write(`${JSON.stringify({ scenario: 'lose-east', runbook: end.status, result: end.output })}\n`);
    expect(end.status).toBe('SUCCEEDED');
    expect(end.output).toMatchObject({ outcome: 'completed', to: 'us-west-2', rpo_orders: 0 });
    expect((await health('us-west-2a')).role).toBe('primary');
    expect(await load.lost()).toEqual([]);
  }, 120_000);

  it('the east region comes back as followers, and the failback runbook makes it primary again with its pair', async () => {
    const load = steady('on-west');
    load.start();
    await new Promise((r) => setTimeout(r, 1_000));
    await load.stop();
    // both east hosts return on their data: the lease of their region names no one, the peer (west) is primary
    for (const id of ['us-east-1a', 'us-east-1b'] as HostId[]) await group.start(id);
    for (const id of ['us-east-1a', 'us-east-1b'] as HostId[]) await follows(id);
    const west = await health('us-west-2a');
    for (const id of ['us-east-1a', 'us-east-1b'] as HostId[])
      await until(
        `${id} caught up`,
        () => health(id),
        (h) => h.lastSeq === west.lastSeq,
        20_000,
      );
    const { execution } = await drOps(undefined).start(
      'failback',
      { reason: 'game day: us-east-1 restored', autoApprove: true },
      'ops-alice',
      { requestId: 'failback-test', ip: '127.0.0.1' },
    );
    const end = await until(
      'the runbook to end',
      () => drOps(undefined).status(execution),
      (s) => s.status !== 'RUNNING',
      60_000,
    );
    process.stdout.write(`${JSON.stringify({ scenario: 'failback-east', runbook: end.status, result: end.output })}\n`);
    expect(end.output).toMatchObject({ outcome: 'completed', to: 'us-east-1', rpo_orders: 0 });
    // one east host holds the region's lease again, the other follows it synchronously, west follows asynchronously
    const primary = (await primaryOf(['us-east-1a', 'us-east-1b'])) as HostId;
    await leads(primary);
    await pairInSync();
    expect((await follows('us-west-2a')).role).toBe('standby');
    expect(await load.lost()).toEqual([]);
  }, 120_000);
});
