import type { Lease, LeaseStore } from '../../matching-host/proto/lease';

/** The lease item with DynamoDB's conditional write, in memory (the adapter is tested against dynalite in the failover tests). */
export class MemoryLeaseStore implements LeaseStore {
  items = new Map<string, Lease>();
  reachable = true;
  /** the next write is applied but its answer is lost (the caller sees an error) */
  loseNextAnswer = false;
  read(region: string): Promise<Lease | null> {
    if (!this.reachable) return Promise.reject(new Error('unreachable'));
    return Promise.resolve(this.items.get(region) ?? null);
  }
  write(next: Lease, expectedVersion: number): Promise<boolean> {
    if (!this.reachable) return Promise.reject(new Error('unreachable'));
    const cur = this.items.get(next.region);
    if ((cur?.version ?? 0) !== expectedVersion) return Promise.resolve(false);
    this.items.set(next.region, { ...next, inSync: [...next.inSync] });
    if (this.loseNextAnswer) {
      this.loseNextAnswer = false;
      return Promise.reject(new Error('timed out'));
    }
    return Promise.resolve(true);
  }
}
