/**
 * A host's DR role over time: a primary serves standbys (ReplicationSource) and publishes; a
 * standby follows a primary (Replica) and publishes nothing. The region's lease (LeaseKeeper)
 * moves a host between the two by itself inside a region: a standby takes a lapsed lease and
 * promotes itself, a primary that lost it fences itself and follows the holder. Promote and Fence
 * (gRPC, driven by the DR runbooks) do it across regions, persisting role and epoch first.
 */
import { type Logger } from 'pino';
import { call, connectHost, type MatchingHostClient } from '../../proto/host-client';
import type { TlsMaterial } from '../../proto/host-tls';
import type { LeaseStore, Lease } from '../../proto/lease';
import { CursorFile } from '../publishers/cursor-file';
import { LeaseKeeper } from './lease-keeper';
import type { MatchingHost } from '../host';
import { Replica } from './replica';
import { ReplicationSource, type ReplicateCall } from './replication-source';

export interface DrRoleOptions {
  host: MatchingHost;
  log: Logger;
  /** this host's id in its group (HOST_ID): its name in replication and in the lease */
  id: string;
  /** host id → gRPC address of every host of the group (whom a lease holder's id names) */
  members?: Record<string, string>;
  /** the region's primary lease (absent: roles move only by Promote and Fence) */
  lease?: { store: LeaseStore; region: string; follow: string; leaseMs: number; marginMs: number; failover: boolean };
  /** follow as a DR replica: the primary never waits for this host */
  asynchronous?: boolean;
  /** this host's certificate, also what it presents to its peer (role `host`) */
  tls: TlsMaterial;
  sync: boolean;
  timeoutMs: number;
  /** the primary a standby follows at start */
  replicateFrom?: string;
  /**
   * The other region's host. A host that finds it primary at a higher epoch (at start, or every
   * few seconds while primary) fences itself and follows it: an old primary that was cut off
   * during a failover never goes on as a second primary once it sees the new one.
   */
  peer?: string;
  peerCheckMs?: number;
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
  hostId: string;
  /** a follower: behind its primary's acks; a primary: its asynchronous followers behind it (the DR RPO) */
  lagCommands: number;
  lagMs: number;
  /** a follower, or a primary with asynchronous followers: lagCommands/lagMs mean something */
  lagKnown: boolean;
  leaseValid: boolean;
}

export class DrRole {
  readonly source: ReplicationSource;
  private replica: Replica | null = null;
  /** Promote/Fence one at a time */
  private queue: Promise<unknown> = Promise.resolve();
  private discarded = 0;

  readonly keeper: LeaseKeeper | undefined;

  constructor(private readonly o: DrRoleOptions) {
    const keeper = o.lease
      ? new LeaseKeeper({
          ...o.lease,
          id: o.id,
          log: o.log,
          host: o.host,
          inSync: () => this.source.inSyncIds(),
          onHolder: (l) => this.onHolder(l),
          onWon: (l) => this.promote(l.epoch),
          onChange: () => this.source.release(),
        })
      : undefined;
    this.keeper = keeper;
    this.source = new ReplicationSource(o.host, {
      sync: o.sync,
      timeoutMs: o.timeoutMs,
      cursors: () => o.publisherCursors(),
      log: o.log,
      lease: keeper && { members: () => keeper.members(), valid: () => keeper.mayAcknowledge(), publish: () => keeper.publish() },
    });
    if (keeper) o.host.ackGuard = () => keeper.mayAcknowledge();
  }

  /**
   * The lease names a holder this host must respect. A primary that lost it fences itself at the
   * lease's epoch and follows the holder; a standby follows whoever holds it now.
   */
  private async onHolder(l: Lease): Promise<void> {
    const host = this.o.host;
    const address = l.holder ? this.o.members?.[l.holder] : undefined;
    if (l.holder && !address) this.o.log.warn({ holder: l.holder }, 'the lease names a host this host does not know');
    if (host.role === 'primary') {
      if (l.epoch >= host.epoch) await this.fence(l.epoch, address);
      return;
    }
    // a region a runbook fenced names nobody: follow whom the runbook named
    if (!address || l.epoch < host.epoch || this.replica?.primary === address) return;
    this.o.log.info({ holder: l.holder, epoch: l.epoch }, 'following the lease holder');
    await this.fence(l.epoch, address);
  }

  private peerTimer: NodeJS.Timeout | undefined;
  private peerClient: MatchingHostClient | undefined;
  private closed = false;

  async start(): Promise<void> {
    // the lease first: a restarted primary that lost it must not publish or serve as one
    await this.keeper?.start();
    await this.checkPeer();
    if (this.o.host.role === 'primary') await this.o.startPublishing();
    else if (!this.replica && this.o.replicateFrom) this.follow(this.o.replicateFrom);
    if (this.o.peer) {
      this.peerTimer = setInterval(() => void this.checkPeer(), this.o.peerCheckMs ?? 2_000);
      this.peerTimer.unref();
    }
  }

  /** Is the peer the primary of a newer epoch? Then this host fences itself and follows it. */
  private async checkPeer(): Promise<void> {
    const peer = this.o.peer;
    const host = this.o.host;
    // a standby that follows a live primary has nothing to learn; one whose primary was fenced does
    if (!peer || this.closed || (host.role === 'standby' && this.replica?.status.connected)) return;
    this.peerClient ??= connectHost(peer, this.o.tls);
    let h: { role: string; epoch: number };
    try {
      h = await call(this.peerClient, 'Health', {}, 1_000);
    } catch {
      return; // unreachable: nothing learned
    }
    if (h.role !== 'primary' || this.closed) return;
    if (h.epoch > host.epoch || (host.role === 'standby' && h.epoch >= host.epoch)) {
      // a standby finding its primary is the normal start; a host finding a newer primary was failed over
      const level = host.role === 'primary' || h.epoch > host.epoch ? 'warn' : 'info';
      this.o.log[level](
        { peer, peerEpoch: h.epoch, epoch: host.epoch, role: host.role },
        'the peer is the primary: fencing and following it',
      );
      await this.fence(h.epoch, peer);
    }
  }

  replicate(call: ReplicateCall): void {
    this.source.handle(call);
  }

  private follow(primary: string, resync = false): void {
    this.replica = new Replica(this.o.host, primary, this.o.tls, this.o.log, this.o.id, resync, this.o.asynchronous);
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
      // a retried Promote that had succeeded
      if (host.role === 'primary' && host.epoch === epoch) return;
      if (!(epoch > host.epoch)) throw new RangeError(`epoch ${epoch} is not above ${host.epoch}`);
      const cursors = await this.unfollow();
      host.promote(epoch);
      for (const [name, seq] of Object.entries(cursors)) new CursorFile(host.options.dataDir, name).save(Math.min(seq, host.lastSeq));
      this.o.log.warn({ epoch, lastSeq: host.lastSeq, cursors }, 'promoted to primary');
      // a runbook's promotion: take this region's lease at the new epoch before any ack
      if (this.keeper && !this.keeper.lease) this.keeper.publish();
      // the host takes orders now; its publishers come up beside it (a slow downstream must not hold the reply)
      this.o.startPublishing().catch((e: unknown) => this.o.log.error({ err: e }, 'publishers did not start'));
    });
  }

  /**
   * Stop taking orders at `epoch` (a newer primary exists); with `replicateFrom`, follow it. What
   * was accepted before the fence still reaches the standbys (bounded wait) before their streams
   * end, so the fenced host's last seq is one they hold.
   */
  fence(epoch: number, replicateFrom?: string, resync = false): Promise<void> {
    return this.serial(async () => {
      const host = this.o.host;
      const wasPrimary = host.role === 'primary';
      host.fence(epoch);
      if (host.role !== 'standby') return;
      if (wasPrimary) {
        await this.source.quiesce(this.o.timeoutMs * 2);
        this.source.detachAll();
        this.o.stopPublishing().catch((e: unknown) => this.o.log.error({ err: e }, 'publishers did not stop cleanly'));
        this.o.log.warn({ epoch, lastSeq: host.lastSeq }, 'fenced');
      }
      if (replicateFrom && (resync || this.replica?.primary !== replicateFrom)) {
        await this.unfollow();
        this.follow(replicateFrom, resync);
      }
    });
  }

  /** Lowest journal seq this host must keep: what its standbys need, and (a standby) what its primary's publishers have not confirmed. */
  retainFrom(): number {
    const cursors = Object.values(this.replica?.status.publisherCursors ?? {});
    return Math.min(this.source.retainFrom(), ...cursors.map((c) => c + 1));
  }

  status(): DrStatus {
    const r = this.replica?.status;
    const leaseValid = this.keeper ? this.keeper.mayAcknowledge() : this.o.host.role === 'primary';
    if (this.o.host.role === 'primary' || !r || !this.replica) {
      const lag = this.source.followerLag();
      return {
        replicatedSeq: this.source.replicatedSeq,
        replicas: this.source.replicas,
        unreplicatedAcks: this.source.unreplicatedAcks,
        discarded: this.discarded,
        hostId: this.o.id,
        lagCommands: lag?.commands ?? 0,
        lagMs: lag?.ms ?? 0,
        lagKnown: lag !== null,
        leaseValid,
      };
    }
    const lag = this.replica.lag();
    return {
      replicatedSeq: r.primaryAckedSeq,
      replicas: r.connected ? 1 : 0,
      unreplicatedAcks: r.primaryUnreplicatedAcks,
      discarded: this.discarded + r.discarded,
      following: r.primary,
      lastError: r.lastError,
      hostId: this.o.id,
      lagCommands: lag.commands,
      lagMs: lag.ms,
      lagKnown: true,
      leaseValid,
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.peerTimer);
    await this.keeper?.release();
    await this.keeper?.close();
    await this.queue;
    this.peerClient?.close();
    await this.unfollow();
    this.source.close();
  }
}
