/** The local stand-in for the release's CloudWatch alarms: same names, and an alarm needs several breached looks in a row. */
import type { HostAdminPort, HostHealth } from '../../shared/ports/matching-host';
import { hostHealth } from '../../../test/support/host-health';
import { HealthReleaseAlarms } from './health-release-alarms';

function host(h: HostHealth | null): HostAdminPort & { set(h: HostHealth | null): void } {
  let now = h;
  return {
    set: (x) => void (now = x),
    health: () => (now ? Promise.resolve(now) : Promise.reject(new Error('14 UNAVAILABLE'))),
    fence: () => Promise.reject(new Error('no')),
    promote: () => Promise.reject(new Error('no')),
  };
}

it('names the alarms as resources/operations.yml does, per host slot and for the pair', () => {
  const alarms = new HealthReleaseAlarms('prod', { 'us-east-1a': host(null), 'us-east-1b': host(null) }, true);
  expect(alarms.names).toEqual([
    'exchange-prod-host-a-down',
    'exchange-prod-host-b-down',
    'exchange-prod-host-lease-lost',
    'exchange-prod-host-no-standby',
  ]);
  expect(new HealthReleaseAlarms('prod', { 'us-west-2a': host(null) }, false).names).toEqual(['exchange-prod-host-a-down']);
});

it('fires a host-down alarm on the second look in a row, and forgets a single blip', async () => {
  const a = host(hostHealth('primary', { replicas: 1 }));
  const b = host(hostHealth('standby'));
  const alarms = new HealthReleaseAlarms('local', { 'us-east-1a': a, 'us-east-1b': b }, true);
  b.set(null);
  let r = await alarms.firing({});
  expect(r.firing).toEqual([]);
  b.set(hostHealth('standby'));
  r = await alarms.firing(r.breaches);
  expect(r.breaches['exchange-local-host-b-down']).toBe(0);
  b.set(null);
  r = await alarms.firing(await alarms.firing(r.breaches).then((x) => x.breaches));
  expect(r.firing).toContain('exchange-local-host-b-down');
  // a primary left without a standby: three looks
  expect(r.firing).not.toContain('exchange-local-host-no-standby');
});

it('fires lease-lost when no host is a primary under a valid lease', async () => {
  const a = host(hostHealth('primary', { leaseValid: false }));
  const alarms = new HealthReleaseAlarms('local', { 'us-east-1a': a, 'us-east-1b': host(hostHealth('standby')) }, true);
  const r = await alarms.firing((await alarms.firing({})).breaches);
  expect(r.firing).toEqual(['exchange-local-host-lease-lost']);
});
