/**
 * Where a region's primary matching host is: the holder its lease names (matching-host/server/dr/
 * README.md). The lease names a host id; the address comes from this function's own configuration
 * (MATCHING_HOSTS), so a write to the lease can never send a client to a host it was not given.
 */
import type { LeaseStore } from '../../matching-host/proto/lease';

/** region → host id → gRPC address */
export type HostGroup = Record<string, Record<string, string>>;

export interface RegionPrimary {
  address: string;
  hostId: string;
  /** the lease's epoch (0: no lease): sent with every call, so a stale primary refuses it */
  epoch: number;
}

/**
 * The primary of `region`: its lease's holder; a region of one host, or a lease that names no one
 * configured (none yet, or a runbook fenced the region), falls back to the region's first host,
 * which refuses orders if it is not the primary (FENCED), so the caller looks again.
 */
export async function regionPrimary(leases: LeaseStore, group: HostGroup, region: string): Promise<RegionPrimary> {
  const members = group[region];
  if (!members) throw new Error(`the region ${region} has no matching host configured`);
  const ids = Object.keys(members);
  if (ids.length === 1) return { address: members[ids[0]], hostId: ids[0], epoch: 0 };
  const lease = await leases.read(region);
  const holder = lease?.holder && members[lease.holder] ? lease.holder : ids[0];
  return { address: members[holder], hostId: holder, epoch: lease?.epoch ?? 0 };
}
