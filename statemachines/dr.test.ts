/**
 * The DR runbooks (statemachines/dr-failover.asl.json, dr-failback.asl.json) on the local Step
 * Functions endpoint through @aws-sdk/client-sfn, their Tasks calling our handlers in-process,
 * against two real matching host processes ("us-east-1" primary, "us-west-2" standby replicating
 * over gRPC), the control record and audit trail in dynalite, notices on RabbitMQ. Each path ends
 * where it should: standby unhealthy (aborted, nothing touched), approval rejected (nothing
 * touched), success with a second operator's approval, failback, checksum mismatch (rolled back:
 * the primary keeps its role, the standby starts over from its snapshot), primary unreachable
 * (the standby takes over from what it holds; nothing acknowledged is lost).
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFunctionsEnv, type FunctionsEnv } from '../test/support/functions-env';
import { DynamoAuditLog } from '../functions/shared/adapters/dynamo-audit-log';
import { GrpcMatchingHost } from '../functions/shared/adapters/grpc-matching-host';
import { dynamo } from '../functions/shared/aws';
import { controlStore, matchingHost } from '../functions/shared/matching-host';
import type { HostHealth } from '../functions/shared/ports/matching-host';
import { drOps } from '../functions/ops/wiring';
import type { DrExecutionStatus } from '../functions/ops/dr-ops-service';
import type { Runbook } from '../functions/sfn/dr-service';
import { call } from '../matching-host/proto/host-client';
import { spawnHost } from '../scripts/local/host-process';
import { startRegionHosts, type Region, type RegionHosts } from '../scripts/local/region-hosts';
import { refusalOf } from '../test/support/host-refusal';
import { until } from '../test/support/until';
import { connectTestHost, testTlsOf } from '../test/support/host-tls';

const dataDir = mkdtempSync(join(tmpdir(), 'dr-test-'));
const ctx = { requestId: 'dr-test', ip: '127.0.0.1' };
let env: FunctionsEnv;
let failSwitchAfterWrite = false;
let hosts: RegionHosts;
const admin: Partial<Record<Region, GrpcMatchingHost>> = {};

const health = (r: Region): Promise<HostHealth> => {
  admin[r] ??= new GrpcMatchingHost(hosts.addresses[r], testTlsOf('dr'), { deadlineMs: 1_000, retries: 0, breakAfter: 1_000 });
  return admin[r].health();
};

async function run(
  runbook: Runbook,
  input: { reason: string; autoApprove?: boolean },
  onApproval?: (execution: string) => Promise<void>,
): Promise<DrExecutionStatus> {
  const { execution } = await drOps(undefined).start(runbook, input, 'ops-alice', ctx);
  if (onApproval) {
    const waiting = await until(
      'the approval request',
      () => drOps(undefined).status(execution),
      (s) => s.awaitingApproval || s.status !== 'RUNNING',
    );
    if (!waiting.awaitingApproval) throw new Error(`${execution} ended before its approval: ${JSON.stringify(waiting)}`);
    await onApproval(execution);
  }
  return until(
    `${execution} to end`,
    () => drOps(undefined).status(execution),
    (s) => s.status !== 'RUNNING',
    60_000,
  );
}

let n = 0;
/** Orders through the functions' own client (it routes to the active region); what the host acknowledged. */
async function trade(count: number): Promise<{ clientOrderId: string; orderId: number }[]> {
  const acked = [];
  for (let i = 0; i < count; i++) {
    n++;
    const buy = n % 2 === 0;
    const r = await matchingHost('trading').placeOrder(buy ? 1 : 2, {
      clientOrderId: `dr-${n}`,
      symbol: 'BTC-USD',
      side: buy ? 'buy' : 'sell',
      type: 'limit',
      price: (42000 + (n % 7)).toFixed(2),
      quantity: '0.1',
    });
    acked.push({ clientOrderId: `dr-${n}`, orderId: r.orderId });
  }
  return acked;
}

/** Every acknowledged order is known to the active host: placing it again answers the same order. */
async function expectAllKnown(acked: { clientOrderId: string; orderId: number }[]): Promise<void> {
  for (const a of acked) {
    n++;
    const buy = Number(a.clientOrderId.slice(3)) % 2 === 0;
    const r = await matchingHost('trading').placeOrder(buy ? 1 : 2, {
      clientOrderId: a.clientOrderId,
      symbol: 'BTC-USD',
      side: buy ? 'buy' : 'sell',
      type: 'limit',
      price: '42000.00',
      quantity: '0.1',
    });
    expect({ clientOrderId: a.clientOrderId, orderId: r.orderId, duplicate: r.duplicate }).toEqual({ ...a, duplicate: true });
  }
}

beforeAll(async () => {
  env = await startFunctionsEnv({
    amqpExchange: `order-events-dr-${process.pid}-${Date.now()}`,
    // a test makes the switch task die after it wrote the record (a Lambda timing out at the worst moment)
    invoke: (direct) => async (fn, input) => {
      const out = await direct(fn, input);
      if (fn === 'exchange-local-sfnDrSwitch' && failSwitchAfterWrite) {
        failSwitchAfterWrite = false;
        throw Object.assign(new Error('Task timed out after 60.00 seconds'), { name: 'Sandbox.Timedout' });
      }
      return out;
    },
  });
  hosts = await startRegionHosts({ env: { KINESIS_STREAM: '', REDIS_URL: '', AMQP_URL: '', HOST_SNAPSHOT_INTERVAL_MS: '0' }, dataDir });
  Object.assign(process.env, {
    MATCHING_HOSTS: JSON.stringify(hosts.addresses),
    PRIMARY_REGION: 'us-east-1',
    DR_AUTO_APPROVE_ALLOWED: 'true',
  });
  await matchingHost('accounts').deposit(1, 'USD', '1000000000', 'dr-fund-1');
  await matchingHost('accounts').deposit(2, 'BTC', '10000', 'dr-fund-2');
  await until(
    'the standby in sync',
    () => health('us-east-1'),
    (h) => h.replicas === 1,
  );
}, 120_000);

afterAll(async () => {
  Object.values(admin).forEach((c) => c.close());
  await hosts?.stop();
  await env?.stop();
  rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

describe('DR runbooks', () => {
  it('standby unhealthy: the failover aborts before it touches anything', async () => {
    await hosts.kill('us-west-2');
    const r = await run('failover', { reason: 'drill: standby down', autoApprove: true });
    expect(r).toMatchObject({ status: 'FAILED', error: 'FailoverAborted' });
    expect(r.cause).toMatch(/StandbyUnhealthy: the standby in us-west-2 does not answer/);
    expect(r.states).toEqual(['Start', 'Assess', 'NotifyAborted', 'Aborted']);
    expect(await health('us-east-1')).toMatchObject({ role: 'primary', epoch: 1 });
    expect(await controlStore().activeRegion()).toBeNull();
    // it comes back and follows the primary again
    await hosts.start('us-west-2');
    await until(
      'the standby in sync',
      () => health('us-east-1'),
      (h) => h.replicas === 1,
    );
  }, 60_000);

  it('approval rejected: not by the requester; a second operator says no and nothing changes', async () => {
    await trade(10);
    const r = await run('failover', { reason: 'drill: rejected' }, async (execution) => {
      await expect(drOps(undefined).answer(execution, 'approve', undefined, 'ops-alice', ctx)).rejects.toMatchObject({
        status: 403,
        code: 'FORBIDDEN',
      });
      await drOps(undefined).answer(execution, 'reject', 'not today', 'ops-bob', ctx);
      // the token was taken: a second answer finds nothing
      await expect(drOps(undefined).answer(execution, 'approve', undefined, 'ops-carol', ctx)).rejects.toMatchObject({ status: 404 });
    });
    expect(r).toMatchObject({ status: 'FAILED', error: 'ApprovalRejected', cause: 'ApprovalRejected: rejected by ops-bob: not today' });
    expect(r.states).toEqual(['Start', 'Assess', 'ApprovalNeeded', 'Approval', 'NotifyRejected', 'Rejected']);
    expect(await health('us-east-1')).toMatchObject({ role: 'primary', epoch: 1 });
    expect(await health('us-west-2')).toMatchObject({ role: 'standby' });
    const audit = await new DynamoAuditLog(dynamo(), 'exchange-local-audit').recent('system:dr', 20);
    expect(audit.map((a) => `${a.action}:${a.outcome}:${a.actorId}`)).toEqual(
      expect.arrayContaining(['dr.failover.reject:succeeded:ops-bob', 'dr.failover:rejected:ops-alice']),
    );
  }, 60_000);

  let acked: { clientOrderId: string; orderId: number }[] = [];

  it('failover with approval: fenced, caught up, verified, promoted, switched; the functions follow; RPO 0', async () => {
    acked = await trade(30);
    const r = await run('failover', { reason: 'drill: approved' }, (execution) =>
      drOps(undefined)
        .answer(execution, 'approve', 'go', 'ops-bob', ctx)
        .then(() => undefined),
    );
    expect(r.status).toBe('SUCCEEDED');
    expect(r.states).toEqual([
      'Start',
      'Assess',
      'ApprovalNeeded',
      'Approval',
      'Reassess',
      'FencePrimary',
      'CatchUp',
      'Verify',
      'Promote',
      'SwitchActiveRegion',
      'FollowNewPrimary',
      'NotifyCompleted',
      'Done',
    ]);
    const out = r.output as { outcome: string; from: string; to: string; epoch: number; rto_s: number; rpo_orders: number };
    expect(out).toMatchObject({
      outcome: 'completed',
      from: 'us-east-1',
      to: 'us-west-2',
      epoch: 2,
      rpo_orders: 0,
      rpo_exact: true,
      unreplicated_acks: 0,
    });
    expect(out.rto_s).toBeGreaterThan(0);
    expect(out.rto_s).toBeLessThan(30);
    expect(await controlStore().activeRegion()).toMatchObject({ region: 'us-west-2', epoch: 2 });
    expect(await health('us-west-2')).toMatchObject({ role: 'primary', epoch: 2 });
    // the old primary follows the new one and refuses orders
    await until(
      'east following west',
      () => health('us-west-2'),
      (h) => h.replicas === 1,
    );
    expect(await health('us-east-1')).toMatchObject({ role: 'standby', epoch: 2, discarded: 0 });
    expect(
      await refusalOf(
        call(connectTestHost(hosts.addresses['us-east-1']), 'PlaceOrder', {
          account: 1,
          clientOrderId: 'x',
          symbol: 'BTC-USD',
          side: 'buy',
          type: 'limit',
          price: '1.00',
          quantity: '1',
        }),
      ),
    ).toMatchObject({ reason: 'FENCED' });
    // the functions read the switch when the old host turns them away and talk to the new primary
    await until(
      'the functions on the new primary',
      () => matchingHost('trading').health(),
      (h) => h.role === 'primary' && h.epoch === 2,
      10_000,
    );
    await expectAllKnown(acked);
    acked.push(...(await trade(10)));
  }, 90_000);

  it('failback: the old primary, caught up, becomes the primary again', async () => {
    const r = await run('failback', { reason: 'drill: back home', autoApprove: true });
    expect(r.status).toBe('SUCCEEDED');
    expect(r.output).toMatchObject({ outcome: 'completed', from: 'us-west-2', to: 'us-east-1', epoch: 3, rpo_orders: 0 });
    expect(await controlStore().activeRegion()).toMatchObject({ region: 'us-east-1', epoch: 3 });
    await until(
      'west following east',
      () => health('us-east-1'),
      (h) => h.role === 'primary' && h.epoch === 3 && h.replicas === 1,
    );
    await until(
      'the functions back on east',
      () => matchingHost('trading').health(),
      (h) => h.epoch === 3 && h.role === 'primary',
      10_000,
    );
    await expectAllKnown(acked);
  }, 90_000);

  it('checksum mismatch: rolled back; the primary keeps its role and the standby starts over from its snapshot', async () => {
    // a standby whose book went wrong: as many commands as the primary, but different ones
    await hosts.kill('us-west-2');
    const east = await health('us-east-1');
    const westDir = join(dataDir, 'us-west-2');
    rmSync(westDir, { recursive: true, force: true });
    const rogue = await spawnHost({
      HOST_DATA_DIR: westDir,
      KINESIS_STREAM: '',
      REDIS_URL: '',
      AMQP_URL: '',
      HOST_SNAPSHOT_INTERVAL_MS: '0',
    });
    const rc = connectTestHost(`127.0.0.1:${rogue.grpcPort}`);
    for (let i = 1; i <= east.lastSeq; i++) await call(rc, 'Deposit', { account: 9, asset: 'USD', amount: '1', transferId: `rogue-${i}` });
    rc.close();
    await rogue.stop();
    // kept aside: it follows nobody until the runbook fences it (to its configured peer, the only one it accepts)
    await hosts.start('us-west-2', { HOST_REPLICATE_FROM: '', HOST_PEER_WATCH: 'off' });
    expect(await health('us-west-2')).toMatchObject({ role: 'standby', lastSeq: east.lastSeq });

    const r = await run('failover', { reason: 'drill: bad standby', autoApprove: true });
    expect(r).toMatchObject({ status: 'FAILED', error: 'FailoverRolledBack' });
    expect(r.cause).toMatch(/^ChecksumMismatch: standby at seq \d+ checksum \w+; primary at seq \d+ checksum \w+/);
    expect(r.states.slice(-5)).toEqual(['Verify', 'Rollback', 'SwitchedAnyway', 'NotifyRolledBack', 'RolledBack']);
    // the switch never happened: east is primary again (at a higher epoch), the functions never moved
    expect(await controlStore().activeRegion()).toMatchObject({ region: 'us-east-1', epoch: 3 });
    const e = await health('us-east-1');
    expect(e).toMatchObject({ role: 'primary', epoch: 5 });
    const w = await until(
      'the standby resynced',
      () => health('us-west-2'),
      (h) => h.lastSeq === e.lastSeq && h.checksum === e.checksum,
    );
    expect(w).toMatchObject({ role: 'standby', epoch: 5 });
    expect(readdirSync(westDir).some((f) => f.startsWith('set-aside-'))).toBe(true);
    await expectAllKnown(acked);
  }, 90_000);

  it('primary unreachable: kill -9, the standby takes over with everything acknowledged (RPO 0); the old primary rejoins as standby', async () => {
    // west was started without a peer for the test above; now as configured
    await hosts.kill('us-west-2');
    await hosts.start('us-west-2');
    await until(
      'the standby in sync',
      () => health('us-east-1'),
      (h) => h.replicas === 1,
    );
    acked.push(...(await trade(25)));
    await hosts.kill('us-east-1');
    const r = await run('failover', { reason: 'drill: primary lost', autoApprove: true });
    expect(r.status).toBe('SUCCEEDED');
    expect(r.output).toMatchObject({
      outcome: 'completed',
      from: 'us-east-1',
      to: 'us-west-2',
      epoch: 6,
      rpo_orders: 0,
      rpo_exact: false,
      unreplicated_acks: 0,
    });
    expect(await health('us-west-2')).toMatchObject({ role: 'primary', epoch: 6 });
    await until(
      'the functions on west',
      () => matchingHost('trading').health(),
      (h) => h.role === 'primary' && h.epoch === 6,
      10_000,
    );
    await expectAllKnown(acked);
    acked.push(...(await trade(5)));
    // the old primary comes back, sees the newer primary, fences itself and follows it
    await hosts.start('us-east-1');
    const w = await health('us-west-2');
    const e = await until(
      'east following west',
      () => health('us-east-1'),
      (h) => h.role === 'standby' && h.lastSeq === w.lastSeq,
    );
    expect(e).toMatchObject({ epoch: 6, checksum: w.checksum, discarded: 0 });
  }, 120_000);

  it('one runbook at a time: a second one aborts while the first waits for its approval', async () => {
    let first = '';
    const waiting = run('failover', { reason: 'drill: first' }, (execution) => {
      first = execution;
      return Promise.resolve();
    });
    await until(
      'the first runbook waiting',
      () => (first ? drOps(undefined).status(first) : Promise.resolve(null)),
      (s) => s?.awaitingApproval === true,
    );
    const second = await run('failover', { reason: 'drill: second', autoApprove: true });
    expect(second).toMatchObject({ status: 'FAILED', error: 'FailoverAborted' });
    expect(second.cause).toMatch(new RegExp(`^RunbookInProgress: another DR runbook is in progress: ${first}`));
    await drOps(undefined).answer(first, 'reject', 'drill over', 'ops-bob', ctx);
    expect(await waiting).toMatchObject({ status: 'FAILED', error: 'ApprovalRejected' });
  }, 60_000);

  it('an approval that comes after the situation moved aborts: the runbook reassesses before it acts', async () => {
    let late = '';
    const stale = run('failback', { reason: 'drill: approved too late' }, (execution) => {
      late = execution;
      return Promise.resolve();
    });
    await until(
      'the first runbook waiting',
      () => (late ? drOps(undefined).status(late) : Promise.resolve(null)),
      (s) => s?.awaitingApproval === true,
    );
    // meanwhile an operator fails back by hand (host by host, then the record)
    await admin['us-west-2']?.fence(7);
    const w = await health('us-west-2');
    await until(
      'east holding all of west',
      () => health('us-east-1'),
      (h) => h.lastSeq === w.lastSeq,
    );
    await admin['us-east-1']?.promote(7);
    await admin['us-west-2']?.fence(7, hosts.addresses['us-east-1']);
    await controlStore().switchActiveRegion(
      { region: 'us-east-1', epoch: 7, since: new Date().toISOString(), changedBy: 'ops-carol by hand' },
      6,
    );
    await drOps(undefined).answer(late, 'approve', 'sorry, late', 'ops-bob', ctx);
    const r = await stale;
    expect(r).toMatchObject({ status: 'FAILED', error: 'FailbackAborted' });
    expect(r.cause).toMatch(/^StaleApproval: approved: us-west-2 → us-east-1 at record epoch 6; now us-east-1 is active at 7/);
    expect(await health('us-east-1')).toMatchObject({ role: 'primary', epoch: 7 });
  }, 90_000);

  it('a switch task that dies after writing the record: the runbook sees the switch happened and completes, never rolls it back', async () => {
    failSwitchAfterWrite = true;
    const r = await run('failover', { reason: 'drill: switch task lost', autoApprove: true });
    expect(r.status).toBe('SUCCEEDED');
    expect(r.states.slice(-6)).toEqual(['SwitchActiveRegion', 'Rollback', 'SwitchedAnyway', 'FollowNewPrimary', 'NotifyCompleted', 'Done']);
    expect(r.output).toMatchObject({ outcome: 'completed', from: 'us-east-1', to: 'us-west-2', epoch: 8, rpo_orders: 0 });
    expect((r.output as { rto_s: number }).rto_s).toBeGreaterThan(0);
    expect(await controlStore().activeRegion()).toMatchObject({ region: 'us-west-2', epoch: 8 });
    expect(await health('us-west-2')).toMatchObject({ role: 'primary', epoch: 8 });
    await until(
      'east following west',
      () => health('us-west-2'),
      (h) => h.replicas === 1,
    );
  }, 90_000);
});
