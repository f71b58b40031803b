/**
 * A host's DR role over time: a primary serves standbys (ReplicationSource) and publishes; a
 * standby follows a primary (Replica) and publishes nothing. Promote and Fence (gRPC, driven by
 * the DR state machines) move a host between the two, persisting role and epoch first.
 */
import { type Logger } from 'pino';
import { CursorFile } from './publishers/cursor-file';
import type { MatchingHost } from './host';
import { Replica } from './replica';
import { ReplicationSource, type ReplicateCall } from './replication-source';

export interface DrRoleOptions {
  host: MatchingHost;
  log: Logger;
  /** this host's name in replication logs (its region) */
  id: string;
  sync: boolean;
  timeoutMs: number;
  /** the primary a standby follows at start */
  replicateFrom?: string;
  /** publishers run only on the primary */
  startPublishing(): Promise<void>;
  stopPublishing(): Promise<void>;
  publisherCursors(): Record<string, number>;
}

export interface DrStatus {
  replicatedSeq: number;
  replicas: number;
  unreplicatedAcks: number;
  discarded: number;
  following?: string;
  lastError?: string;
}

export class DrRole {
  readonly source: ReplicationSource;
  private replica: Replica | null = null;
  /** Promote/Fence one at a time */
  private queue: Promise<unknown> = Promise.resolve();
  private discarded = 0;

  constructor(private readonly o: DrRoleOptions) {
    this.source = new ReplicationSource(o.host, { sync: o.sync, timeoutMs: o.timeoutMs, cursors: () => o.publisherCursors(), log: o.log });
  }

  async start(): Promise<void> {
    if (this.o.host.role === 'primary') await this.o.startPublishing();
    else if (this.o.replicateFrom) this.follow(this.o.replicateFrom);
  }

  replicate(call: ReplicateCall): void {
    this.source.handle(call);
  }

  private follow(primary: string): void {
    this.replica = new Replica(this.o.host, primary, this.o.log, this.o.id);
    this.replica.start();
  }

  private async unfollow(): Promise<Record<string, number>> {
    const r = this.replica;
    this.replica = null;
    if (!r) return {};
    await r.stop();
    this.discarded += r.status.discarded;
    return r.status.publisherCursors;
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /**
   * Become primary at `epoch`: stop following, then publish from where the old primary's
   * publishers last stood (a few messages again at worst; consumers drop them by sequence).
   */
  promote(epoch: number): Promise<void> {
    return this.serial(async () => {
      const host = this.o.host;
      if (!(epoch > host.epoch)) throw new RangeError(`epoch ${epoch} is not above ${host.epoch}`);
      const cursors = await this.unfollow();
      host.promote(epoch);
      for (const [name, seq] of Object.entries(cursors)) new CursorFile(host.options.dataDir, name).save(Math.min(seq, host.lastSeq));
      await this.o.startPublishing();
      this.o.log.warn({ epoch, lastSeq: host.lastSeq, cursors }, 'promoted to primary');
    });
  }

  /** Stop taking orders at `epoch` (a newer primary exists); with `replicateFrom`, follow it. */
  fence(epoch: number, replicateFrom?: string): Promise<void> {
    return this.serial(async () => {
      const host = this.o.host;
      const wasPrimary = host.role === 'primary';
      host.fence(epoch);
      if (host.role !== 'standby') return;
      if (wasPrimary) {
        this.source.detachAll();
        await this.o.stopPublishing();
        this.o.log.warn({ epoch, lastSeq: host.lastSeq }, 'fenced');
      }
      if (replicateFrom && this.replica?.primary !== replicateFrom) {
        await this.unfollow();
        this.follow(replicateFrom);
      }
    });
  }

  status(): DrStatus {
    const r = this.replica?.status;
    if (this.o.host.role === 'primary' || !r)
      return { replicatedSeq: this.source.replicatedSeq, replicas: this.source.replicas, unreplicatedAcks: this.source.unreplicatedAcks, discarded: this.discarded };
    return {
      replicatedSeq: r.primaryAckedSeq,
      replicas: r.connected ? 1 : 0,
      unreplicatedAcks: 0,
      discarded: this.discarded + r.discarded,
      following: r.primary,
      lastError: r.lastError,
    };
  }

  async close(): Promise<void> {
    await this.unfollow();
    this.source.close();
  }
}
