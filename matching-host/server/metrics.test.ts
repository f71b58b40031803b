import { HostMetrics } from './metrics';
import type { MatchingHost } from './host';
import type { DrStatus } from './dr/dr-role';

const host = (role: 'primary' | 'standby', lastSeq: number, journalHealthy = true): MatchingHost =>
  ({
    role,
    lastSeq,
    epoch: 1,
    journalHealthy,
    core: { engine: { symbols: [] } },
    outbox: { durableSeq: lastSeq },
  }) as unknown as MatchingHost;
const dr = (replicatedSeq: number, replicas: number, unreplicatedAcks = 0): DrStatus => ({
  replicatedSeq,
  replicas,
  unreplicatedAcks,
  discarded: 0,
  hostId: 'us-east-1a',
  lagCommands: 0,
  lagMs: 0,
  lagKnown: false,
  leaseValid: true,
});

async function gauges(h: MatchingHost, d: DrStatus | undefined): Promise<Record<string, number>> {
  const text = await new HostMetrics(
    () => h,
    () => [],
    () => d,
  ).registry.metrics();
  const out: Record<string, number> = {};
  for (const name of [
    'exchange_host_up',
    'exchange_host_replicas',
    'exchange_host_replication_lag_commands',
    'exchange_host_unreplicated_acks',
  ])
    out[name] = Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
  return out;
}

describe('HostMetrics: what the AWS alarms watch', () => {
  it('a primary lags by what its standby has not acknowledged', async () => {
    expect(await gauges(host('primary', 10), dr(7, 1, 2))).toEqual({
      exchange_host_up: 1,
      exchange_host_replicas: 1,
      exchange_host_replication_lag_commands: 3,
      exchange_host_unreplicated_acks: 2,
    });
  });

  it('a primary without a standby has nothing to lag (its replicas gauge says why)', async () => {
    expect(await gauges(host('primary', 10), dr(0, 0))).toMatchObject({
      exchange_host_replicas: 0,
      exchange_host_replication_lag_commands: 0,
    });
  });

  it('a standby lags by what its primary acknowledged beyond its own last command', async () => {
    expect(await gauges(host('standby', 10), dr(12, 1))).toMatchObject({ exchange_host_replication_lag_commands: 2 });
  });

  it('a host whose journal failed is down', async () => {
    expect(await gauges(host('primary', 10, false), undefined)).toMatchObject({
      exchange_host_up: 0,
      exchange_host_replication_lag_commands: 0,
    });
  });
});
