/**
 * The assessment's Health probes under load: a host whose Health fails a few times (a channel
 * reconnecting, a deadline missed) is assessed from its answer; one that never answers makes the
 * failover abort with StandbyUnhealthy saying what was probed, how many attempts, and the last cause.
 */
import { DrService } from './dr-service';
import type { ControlStore } from '../shared/ports/control-store';
import type { HostAdminPort, HostHealth } from '../shared/ports/matching-host';
import { hostHealth } from '../../test/support/host-health';

const health = (role: string): HostHealth => hostHealth(role, { epoch: 3 });

/** a host whose Health fails `failures` times, then answers; `calls` counts the probes */
function flappingHost(role: string, failures: number): HostAdminPort & { calls: number } {
  const h = {
    calls: 0,
    health: (): Promise<HostHealth> =>
      ++h.calls <= failures ? Promise.reject(new Error('14 UNAVAILABLE: Connection dropped')) : Promise.resolve(health(role)),
    fence: () => Promise.reject(new Error('not in this test')),
    promote: () => Promise.reject(new Error('not in this test')),
  };
  return h;
}

const control: ControlStore = {
  activeRegion: () => Promise.resolve(null),
  switchActiveRegion: () => Promise.reject(new Error('not in this test')),
  putApproval: () => Promise.resolve(),
  approval: () => Promise.resolve(null),
  takeApproval: () => Promise.resolve(null),
  claimRunbook: () => Promise.resolve(),
  releaseRunbook: () => Promise.resolve(),
};

const assess = (standby: HostAdminPort) =>
  new DrService({
    control,
    hosts: { 'us-east-1': flappingHost('primary', 0), 'us-west-2': standby },
    addresses: { 'us-east-1': '10.0.0.1:50051', 'us-west-2': '10.0.0.2:50051' },
    primaryRegion: 'us-east-1',
    audit: { record: () => Promise.resolve(), recent: () => Promise.resolve([]) },
    notices: { announce: () => Promise.resolve() },
    autoApproveAllowed: true,
  }).assess({
    runbook: 'failover',
    input: { reason: 'drill', requestedBy: 'ops-alice', autoApprove: true },
    startedAt: new Date().toISOString(),
    executionArn: 'arn:aws:states:us-east-1:000000000000:execution:exchange-local-dr-failover:flaps',
  });

it('a standby whose Health fails twice is assessed from its third answer', async () => {
  const standby = flappingHost('standby', 2);
  const a = await assess(standby);
  expect(a.to).toMatchObject({ region: 'us-west-2', reachable: true, health: { role: 'standby' } });
  expect(a.newEpoch).toBe(4);
  expect(standby.calls).toBe(3);
}, 10_000);

it('a standby that never answers: StandbyUnhealthy naming the probe, its attempts and the last cause', async () => {
  const standby = flappingHost('standby', Infinity);
  await expect(assess(standby)).rejects.toMatchObject({
    name: 'StandbyUnhealthy',
    message: expect.stringMatching(
      /^the standby in us-west-2 does not answer: Health of us-west-2 \(10\.0\.0\.2:50051\): gave up after 6 attempts in \d+\.\d s; last: 14 UNAVAILABLE: Connection dropped$/,
    ) as unknown,
  });
  expect(standby.calls).toBe(6);
}, 10_000);
