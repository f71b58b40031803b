/**
 * The container's matching-host client (gRPC with retries and a breaker) and where it points:
 * the one host of MATCHING_HOST_ADDRESS, or, with DR (MATCHING_HOSTS), the primary of the region
 * the control record names as active, as that region's lease names it. Both are read again every
 * 5 s, and at once when the host answers FENCED or LEASE_EXPIRED or cannot be reached: a failover
 * reaches every container as soon as the old host turns it away, without a read per request.
 */
import { GrpcMatchingHost, type HostAddressSource } from './adapters/grpc-matching-host';
import { DynamoControlStore } from './adapters/dynamo-control-store';
import { dynamo } from './aws';
import { config } from './config';
import type { ControlStore } from './ports/control-store';
import type { MatchingHostPort } from './ports/matching-host';
import type { HostRole } from '../../matching-host/proto/host-roles';
import { hostTls } from './host-tls';
import { DynamoLeaseStore, type LeaseStore } from '../../matching-host/proto/lease';
import { regionPrimary, type HostGroup } from './region-primary';

/** The active region's primary's address, cached for `ttlMs` (or until invalidated). */
export class ActiveHostAddress implements HostAddressSource {
  private cached: { address: string; epoch: number; until: number } | undefined;
  private pending: Promise<string> | undefined;

  constructor(
    private readonly store: ControlStore,
    private readonly leases: LeaseStore,
    private readonly hosts: HostGroup,
    private readonly defaultRegion: string,
    private readonly ttlMs = 5_000,
    private readonly now: () => number = Date.now,
  ) {}

  address(): Promise<string> {
    if (this.cached && this.cached.until > this.now()) return Promise.resolve(this.cached.address);
    // concurrent calls share one lookup
    this.pending ??= this.lookup().finally(() => (this.pending = undefined));
    return this.pending;
  }

  /** the epoch of the lease the address came from (0: none) */
  epoch(): number {
    return this.cached?.epoch ?? 0;
  }

  private async lookup(): Promise<string> {
    const region = (await this.store.activeRegion())?.region ?? this.defaultRegion;
    const p = await regionPrimary(this.leases, this.hosts, region);
    this.cached = { address: p.address, epoch: p.epoch, until: this.now() + this.ttlMs };
    return p.address;
  }

  invalidate(): void {
    this.cached = undefined;
  }
}

const clients = new Map<HostRole, GrpcMatchingHost>();

/** The control record (active region, DR approvals). */
export function controlStore(): ControlStore {
  return new DynamoControlStore(dynamo(), config().CONTROL_TABLE);
}

/** The regions' primary leases (in the control table). */
export function leaseStore(): LeaseStore {
  return new DynamoLeaseStore(dynamo(), config().CONTROL_TABLE);
}

/** The host as `role` sees it: the certificate it presents allows that role's methods only. */
export function matchingHost(role: HostRole): MatchingHostPort {
  let client = clients.get(role);
  if (!client) {
    const c = config();
    client = new GrpcMatchingHost(
      c.MATCHING_HOSTS ? new ActiveHostAddress(controlStore(), leaseStore(), c.MATCHING_HOSTS, c.PRIMARY_REGION) : c.MATCHING_HOST_ADDRESS,
      () => hostTls(role),
    );
    clients.set(role, client);
  }
  return client;
}

/** Tests and scripts: close the connections; the next call opens new ones. */
export function closeMatchingHost(): void {
  for (const c of clients.values()) c.close();
  clients.clear();
}
