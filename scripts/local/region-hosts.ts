/**
 * The two regions' matching hosts as local processes: "us-east-1" starts as the primary,
 * "us-west-2" as its standby, following its journal over gRPC (synchronous replication). Each
 * names the other as its peer, so a host that comes back after a failover sees the newer primary
 * and follows it. Used by `npm start`, the DR tests and the game day.
 */
import { createServer } from 'node:net';
import { join } from 'node:path';
import { spawnHost, type HostProcess } from './host-process';
import type { ProcessOptions } from './processes';

export const REGIONS = ['us-east-1', 'us-west-2'] as const;
export type Region = (typeof REGIONS)[number];

export interface RegionPorts {
  grpc: number;
  metrics: number;
}

export interface RegionHosts {
  /** region → gRPC address (what MATCHING_HOSTS holds) */
  addresses: Record<Region, string>;
  host(region: Region): HostProcess | undefined;
  /** start a region's host again (same data, same ports); it rejoins as its data and peer say; `env` overrides */
  start(region: Region, env?: Record<string, string>): Promise<HostProcess>;
  /** kill -9: no flush, no snapshot */
  kill(region: Region): Promise<void>;
  stop(): Promise<void>;
}

/** A free loopback port (the hosts must know each other's address before either starts). */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

export async function startRegionHosts(o: {
  /** the environment both hosts share (Redis, broker, Kinesis; '' switches a publisher off) */
  env: Record<string, string>;
  /** each region's data directory is `<dataDir>/<region>` unless `dataDirs` names it */
  dataDir: string;
  dataDirs?: Partial<Record<Region, string>>;
  ports?: Record<Region, RegionPorts>;
  echo?: boolean;
  /** each region's output and crash hooks (npm start filters the lines and restarts a crashed host) */
  output?: (region: Region) => Pick<ProcessOptions, 'onLine' | 'onCrash'>;
  timeoutMs?: number;
}): Promise<RegionHosts> {
  const ports = o.ports ?? {
    'us-east-1': { grpc: await freePort(), metrics: await freePort() },
    'us-west-2': { grpc: await freePort(), metrics: await freePort() },
  };
  const addresses = { 'us-east-1': `127.0.0.1:${ports['us-east-1'].grpc}`, 'us-west-2': `127.0.0.1:${ports['us-west-2'].grpc}` };
  const peer = (r: Region): Region => (r === 'us-east-1' ? 'us-west-2' : 'us-east-1');
  const running = new Map<Region, HostProcess>();
  const start = async (region: Region, env: Record<string, string> = {}): Promise<HostProcess> => {
    const east = region === 'us-east-1';
    const p = await spawnHost(
      {
        ...o.env,
        AWS_REGION: region,
        HOST_DATA_DIR: o.dataDirs?.[region] ?? join(o.dataDir, region),
        HOST_GRPC_ADDRESS: addresses[region],
        HOST_METRICS_ADDRESS: `127.0.0.1:${ports[region].metrics}`,
        // the role a host starts in the first time; afterwards its data directory remembers
        HOST_ROLE: east ? 'primary' : 'standby',
        HOST_REPLICATE_FROM: east ? '' : addresses['us-east-1'],
        HOST_PEER_ADDRESS: addresses[peer(region)],
        ...env,
      },
      { echo: o.echo, timeoutMs: o.timeoutMs ?? 60_000, name: `host ${region}`, ...o.output?.(region) },
    );
    running.set(region, p);
    return p;
  };
  await start('us-east-1');
  try {
    await start('us-west-2');
  } catch (e) {
    await running.get('us-east-1')?.stop();
    throw e;
  }
  return {
    addresses,
    host: (r) => running.get(r),
    start,
    kill: async (r) => {
      await running.get(r)?.kill();
      running.delete(r);
    },
    stop: async () => {
      // the standby first: its primary's graceful stop then waits on no stream
      for (const r of [...REGIONS].reverse()) {
        await running.get(r)?.stop();
        running.delete(r);
      }
    },
  };
}
