/**
 * The host group as local processes (matching-host/server/dr/README.md): us-east-1a starts as the
 * primary, us-east-1b as its synchronous standby that takes over by itself when the primary's
 * lease lapses, us-west-2a as the asynchronous DR replica that only a runbook promotes. The leases
 * live in the control table (dynalite). Used by `npm start`, the failover tests, the game day and
 * the topology benchmark; `route` puts a delaying proxy between two hosts (1 ms between AZs, 65 ms
 * between regions).
 */
import { join } from 'node:path';
import { spawnHost, type HostProcess } from './host-process';
import type { ProcessOptions } from './processes';
import { freePort } from './region-hosts';
import { bundleDir, desiredVersion, SOURCE_VERSION } from '../../functions/sfn/adapters/local-host-fleet';

export const GROUP = { 'us-east-1a': 'us-east-1', 'us-east-1b': 'us-east-1', 'us-west-2a': 'us-west-2' } as const;
export type HostId = keyof typeof GROUP;
export const HOST_IDS = Object.keys(GROUP) as HostId[];
export type GroupRegion = (typeof GROUP)[HostId];

export interface HostPorts {
  grpc: number;
  metrics: number;
}

export interface HostGroup {
  /** host id → gRPC address, as clients reach it */
  addresses: Record<HostId, string>;
  /** what the functions' MATCHING_HOSTS holds: region → host id → address */
  regions: Record<GroupRegion, Partial<Record<HostId, string>>>;
  host(id: HostId): HostProcess | undefined;
  /** the build host `id` runs (`source`: the TypeScript sources) */
  version(id: HostId): string | undefined;
  /** start a host again (same data, same ports): it rejoins as its data and the lease say */
  start(id: HostId, env?: Record<string, string>): Promise<HostProcess>;
  /** kill -9: no flush, no snapshot */
  kill(id: HostId): Promise<void>;
  /** SIGSTOP / SIGCONT: a host that stalls (a long pause, a frozen VM) and wakes up */
  pause(id: HostId): void;
  resume(id: HostId): void;
  stop(): Promise<void>;
}

export interface HostGroupOptions {
  /** the environment every host shares (Redis, broker, Kinesis, AWS endpoint and credentials) */
  env: Record<string, string>;
  /** the control table that holds the leases */
  leaseTable: string;
  dataDir: string;
  dataDirs?: Partial<Record<HostId, string>>;
  ports?: Partial<Record<HostId, HostPorts>>;
  /** the address host `from` dials to reach host `to` (default: `to`'s own): a delaying proxy goes here */
  route?: (from: HostId, to: HostId, address: string) => string;
  /** each host's extra environment (e.g. a shorter lease in tests) */
  hostEnv?: (id: HostId) => Record<string, string>;
  echo?: boolean;
  output?: (id: HostId) => Pick<ProcessOptions, 'onLine' | 'onCrash'>;
  timeoutMs?: number;
  /**
   * The local host fleet's folder (functions/sfn/adapters/local-host-fleet.ts): each host runs the
   * build its version file names, and is replaced (graceful stop, start on that build) when the
   * file changes, as a release asks. Absent: every host runs the sources.
   */
  releases?: string;
  /** a host was replaced on another build (or could not be) */
  onReplaced?: (id: HostId, version: string, error?: Error) => void;
}

export async function startHostGroup(o: HostGroupOptions): Promise<HostGroup> {
  const ports = {} as Record<HostId, HostPorts>;
  for (const id of HOST_IDS) ports[id] = o.ports?.[id] ?? { grpc: await freePort(), metrics: await freePort() };
  const addresses = Object.fromEntries(HOST_IDS.map((id) => [id, `127.0.0.1:${ports[id].grpc}`])) as Record<HostId, string>;
  const regions: HostGroup['regions'] = { 'us-east-1': {}, 'us-west-2': {} };
  for (const id of HOST_IDS) regions[GROUP[id]][id] = addresses[id];
  const seen = (from: HostId, to: HostId): string => o.route?.(from, to, addresses[to]) ?? addresses[to];
  const running = new Map<HostId, HostProcess>();
  const versions = new Map<HostId, string>();

  const alive = (id: HostId): HostProcess | undefined => {
    const p = running.get(id);
    return p && p.child.exitCode === null && p.child.signalCode === null ? p : undefined;
  };
  const start = async (id: HostId, env: Record<string, string> = {}): Promise<HostProcess> => {
    const region = GROUP[id];
    const dr = region === 'us-west-2';
    const members = Object.fromEntries(HOST_IDS.map((m) => [m, seen(id, m)]));
    const version = o.releases ? desiredVersion(o.releases, id) : SOURCE_VERSION;
    const p = await spawnHost(
      {
        ...o.env,
        AWS_REGION: region,
        HOST_ID: id,
        HOST_DATA_DIR: o.dataDirs?.[id] ?? join(o.dataDir, id),
        HOST_GRPC_ADDRESS: addresses[id],
        HOST_METRICS_ADDRESS: `127.0.0.1:${ports[id].metrics}`,
        HOST_MEMBERS: JSON.stringify(members),
        HOST_LEASE_TABLE: o.leaseTable,
        HOST_LEASE_KEY: region,
        // the DR replica follows whoever holds the primary region's lease, asynchronously, and never takes over by itself
        HOST_FOLLOW: 'us-east-1',
        HOST_FAILOVER: dr ? 'off' : 'auto',
        HOST_FOLLOW_MODE: dr ? 'async' : 'sync',
        // the role a host starts in the first time; afterwards its data directory and the lease decide
        HOST_ROLE: id === 'us-east-1a' ? 'primary' : 'standby',
        HOST_REPLICATE_FROM: id === 'us-east-1a' ? '' : seen(id, 'us-east-1a'),
        // across regions a host learns of a newer primary from the peer (a DR runbook moved the group)
        HOST_PEER_ADDRESS: dr ? seen(id, 'us-east-1a') : seen(id, 'us-west-2a'),
        ...o.hostEnv?.(id),
        ...env,
      },
      {
        echo: o.echo,
        timeoutMs: o.timeoutMs ?? 60_000,
        name: `host ${id}`,
        ...(version === SOURCE_VERSION || !o.releases ? {} : { bundle: bundleDir(o.releases, version) }),
        ...o.output?.(id),
      },
    );
    running.set(id, p);
    versions.set(id, version);
    return p;
  };

  // the instance refresh's stand-in: a host whose version file names another build is stopped
  // gracefully (it snapshots; a primary releases its lease) and started on that build
  let replacing: Promise<void> = Promise.resolve();
  let stopped = false;
  let pending = false;
  const refresh = (): void => {
    if (!o.releases || stopped || pending) return;
    const releases = o.releases;
    pending = true;
    replacing = replacing.then(async () => {
      pending = false;
      for (const id of HOST_IDS) {
        const want = desiredVersion(releases, id);
        // a host a test killed stays down until its version changes (a release asks for it)
        if (stopped || versions.get(id) === want) continue;
        try {
          await running.get(id)?.stop();
          running.delete(id);
          await start(id);
          o.onReplaced?.(id, want);
        } catch (e) {
          versions.set(id, want);
          o.onReplaced?.(id, want, e instanceof Error ? e : new Error(String(e)));
        }
      }
    });
  };

  try {
    // the primary first: it claims the lease before the others look for a holder
    for (const id of HOST_IDS) await start(id);
  } catch (e) {
    for (const p of running.values()) await p.stop();
    throw e;
  }
  // watched once every host is up (a host still starting is no replacement)
  const watcher = o.releases ? setInterval(refresh, 250) : undefined;
  watcher?.unref();
  const signal = (id: HostId, s: NodeJS.Signals): void => {
    running.get(id)?.child.kill(s);
  };
  return {
    addresses,
    regions,
    host: (id) => running.get(id),
    version: (id) => (running.has(id) ? versions.get(id) : undefined),
    // one at a time with the replacements (a supervisor's restart and a release's must not both start
    // it); a host that is running already (a replacement started it meanwhile) is not started twice
    start: (id, env) => {
      const r = replacing.then(() => {
        if (stopped) throw new Error(`the host group is stopping: ${id} is not started`);
        return alive(id) ?? start(id, env);
      });
      replacing = r.then(
        () => undefined,
        () => undefined,
      );
      return r;
    },
    kill: async (id) => {
      await running.get(id)?.kill();
      running.delete(id);
    },
    pause: (id) => signal(id, 'SIGSTOP'),
    resume: (id) => signal(id, 'SIGCONT'),
    stop: async () => {
      stopped = true;
      clearInterval(watcher);
      await replacing;
      // followers first: their primary's graceful stop then waits on no stream
      for (const id of [...HOST_IDS].reverse()) {
        signal(id, 'SIGCONT');
        await running.get(id)?.stop();
        running.delete(id);
      }
    },
  };
}
