/**
 * DR, primary side: streams the journal to standbys over the `Replicate` gRPC call.
 *
 * A standby opens the call saying which seq it needs next and which epoch its history belongs to.
 * It gets a snapshot first when the journal no longer reaches back that far, when it is ahead of
 * this host, or when its history diverged from ours (it kept commands a failover never carried
 * over); then the journal from disk; then every batch as the journal writes it. It acknowledges
 * what it made durable.
 *
 * Synchronous mode (the default): a command is acknowledged to its client, and published, only
 * once every synchronous standby in sync holds it, so a failover loses no acknowledged command
 * (RPO 0). A standby that is absent or does not answer within `timeoutMs` does not stop the
 * exchange: acks go on and are counted as unreplicated (metric and health), which is the RPO
 * exposure while it lasts. With a lease (lease-keeper.ts), a standby the lease lists as in sync is
 * first dropped from it by a lease write: only then may an ack go out without it, so a standby
 * that may take over automatically holds every acknowledged command.
 *
 * An asynchronous follower (the DR replica) gets the same stream but is never waited for; how far
 * behind it is, in commands and in milliseconds, is its lag (the RPO a DR failover would cause).
 */
import { status as grpcStatus, type ServerDuplexStream } from '@grpc/grpc-js';
import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import type { MatchingHost } from '../host';
import { encodeRecord, listSegments, scanSegment } from '../durability/journal';
import { snapshotFiles } from '../durability/snapshot-store';

export interface ReplicaAckMessage {
  fromSeq: number;
  epoch: number;
  durableSeq: number;
  replicaId: string;
  resync?: boolean;
  /** a DR replica: never waited for */
  asynchronous?: boolean;
}

/** The lease's view of the in-sync set, as the ack gate needs it (lease-keeper.ts). */
export interface InSyncLease {
  /** the standbys the lease last listed as in sync: each must hold a command before its ack */
  members(): ReadonlySet<string>;
  /** may this primary acknowledge now? (once it may not, nobody waits for standbys any more) */
  valid(): boolean;
  /** write the current in-sync set to the lease soon: a listed standby fell out of sync */
  publish(): void;
}

/** How far an asynchronous follower is behind this primary. */
export interface FollowerLag {
  followers: number;
  commands: number;
  ms: number;
}

export interface ReplicationBatchMessage {
  epoch: number;
  records?: Buffer;
  firstSeq?: number;
  lastSeq?: number;
  snapshot?: Buffer;
  snapshotSeq?: number;
  discardAfter?: number;
  ackedSeq: number;
  publisherCursors: Record<string, number>;
  epochs: { epoch: number; afterSeq: number }[];
  unreplicatedAcks: number;
}

export type ReplicateCall = ServerDuplexStream<ReplicaAckMessage, ReplicationBatchMessage>;

export interface ReplicationSourceOptions {
  /** wait for a standby before acknowledging (RPO 0) */
  sync: boolean;
  /** how long an ack waits for a standby before it goes out unreplicated */
  timeoutMs: number;
  /** where the primary's publishers stand (a promoted standby resumes its own from there) */
  cursors: () => Record<string, number>;
  log: Logger;
  /** records per catch-up message */
  batchRecords?: number;
  /** the lease's in-sync set (absent: no lease; every synchronous standby in sync is waited for) */
  lease?: InSyncLease;
}

interface Session {
  id: string;
  call: ReplicateCall;
  /** highest seq the standby has on disk */
  durableSeq: number;
  /** highest seq sent to it: an acknowledgement beyond this is a lie, never counted */
  sentSeq: number;
  /** caught up once it acknowledged the seq the primary was at when its live stream began */
  inSyncFrom: number;
  live: boolean;
  /** acknowledgements wait for it (the in-region standby); false for the DR replica */
  sync: boolean;
}

export class ReplicationSource {
  private readonly sessions = new Set<Session>();
  private waiters: { seq: number; resolve: () => void; timer?: NodeJS.Timeout }[] = [];
  /** acks that went out without a standby holding the command */
  unreplicatedAcks = 0;
  private heartbeat: NodeJS.Timeout;
  /** asynchronous followers by id → the highest seq each confirmed (kept while one is away: its lag grows) */
  private readonly followers = new Map<string, number>();
  /** when each journal batch was written, while an asynchronous follower lacks it */
  private batchTimes: { lastSeq: number; at: number }[] = [];

  constructor(
    private readonly host: MatchingHost,
    private readonly o: ReplicationSourceOptions,
  ) {
    host.onJournalWrite = (records, first, last) => this.ship(records, first, last);
    if (o.sync) host.replicationGate = { wait: (seq) => this.wait(seq), heldSeq: () => this.heldSeq() };
    // an idle primary still tells its standbys what it acknowledged and where its publishers are
    this.heartbeat = setInterval(() => {
      for (const s of this.sessions) if (s.live) this.send(s, {});
    }, 250);
    this.heartbeat.unref();
  }

  /** synchronous standbys attached and in sync */
  get replicas(): number {
    let n = 0;
    for (const s of this.sessions) if (s.sync && this.inSync(s)) n++;
    return n;
  }

  /** highest seq every synchronous standby in sync holds (0 when none) */
  get replicatedSeq(): number {
    let m = Infinity;
    for (const s of this.sessions) if (s.sync && this.inSync(s)) m = Math.min(m, s.durableSeq);
    return m === Infinity ? 0 : m;
  }

  /** ids of the synchronous standbys in sync now (what a lease renewal lists) */
  inSyncIds(): string[] {
    const ids = new Set<string>();
    for (const s of this.sessions) if (s.sync && this.inSync(s)) ids.add(s.id);
    return [...ids].sort();
  }

  /** How far behind the asynchronous followers are (null: none has followed this host since it started). */
  followerLag(now = Date.now()): FollowerLag | null {
    if (this.followers.size === 0) return null;
    const held = Math.min(...this.followers.values());
    const first = this.batchTimes.find((b) => b.lastSeq > held);
    return { followers: this.followers.size, commands: Math.max(0, this.host.lastSeq - held), ms: first ? Math.max(0, now - first.at) : 0 };
  }

  private followerConfirmed(s: Session): void {
    this.followers.set(s.id, s.durableSeq);
    const held = Math.min(...this.followers.values());
    let drop = 0;
    while (drop < this.batchTimes.length && this.batchTimes[drop].lastSeq <= held) drop++;
    if (drop > 0) this.batchTimes = this.batchTimes.slice(drop);
  }

  /** lowest journal seq a standby still needs (the host keeps the journal from there) */
  retainFrom(): number {
    let m = Infinity;
    for (const s of this.sessions) m = Math.min(m, s.durableSeq + 1);
    return m;
  }

  private inSync(s: Session): boolean {
    return s.live && s.durableSeq >= s.inSyncFrom;
  }

  /**
   * What the outbox may publish: what every synchronous standby in sync (and every standby the
   * lease lists) holds, or was acknowledged anyway; with a lapsed lease, only what was acknowledged.
   */
  private heldSeq(): number {
    if (this.o.lease && !this.o.lease.valid()) return this.host.ackedSeq;
    if (this.leaseOutOfDate()) return this.host.ackedSeq;
    if (this.replicas === 0) return Infinity;
    return Math.max(this.replicatedSeq, this.host.ackedSeq);
  }

  private syncSessionOf(id: string): Session | undefined {
    for (const s of this.sessions) if (s.id === id && s.sync && this.inSync(s)) return s;
    return undefined;
  }

  /**
   * May `seq` be acknowledged: does every synchronous standby in sync hold it? (A standby the lease
   * lists but that is not in sync here must first be dropped from the lease: `outOfDate`.)
   */
  private covered(seq: number, outOfDate = this.leaseOutOfDate()): boolean {
    if (outOfDate) return false;
    for (const s of this.sessions) if (s.sync && this.inSync(s) && s.durableSeq < seq) return false;
    return true;
  }

  /** The lease lists a standby that is not in sync: have it written without it. */
  private leaseOutOfDate(): boolean {
    const lease = this.o.lease;
    if (!lease) return false;
    for (const id of lease.members()) if (!this.syncSessionOf(id)) return true;
    return false;
  }

  private ackCounted(seq: number): void {
    if (this.replicas === 0 || this.replicatedSeq < seq) this.unreplicatedAcks++;
  }

  private wait(seq: number): Promise<void> {
    if (this.o.lease && !this.o.lease.valid()) return Promise.resolve(); // the host refuses the ack itself
    if (this.covered(seq)) {
      this.ackCounted(seq);
      return Promise.resolve();
    }
    if (this.leaseOutOfDate()) this.o.lease?.publish();
    return new Promise<void>((resolve) => {
      const w: { seq: number; resolve: () => void; timer?: NodeJS.Timeout } = { seq, resolve };
      w.timer = setTimeout(() => {
        // a standby that let a command wait this long is out of sync until it catches up again:
        // later commands do not wait for it (and, with a lease, it is dropped from the lease first)
        let dropped = false;
        for (const s of this.sessions)
          if (s.sync && this.inSync(s) && s.durableSeq < seq) {
            s.inSyncFrom = this.host.lastSeq;
            dropped = true;
          }
        if (dropped) this.o.log.warn({ seq, timeoutMs: this.o.timeoutMs }, 'standby did not confirm in time; acknowledging without it');
        // (release has the lease rewritten without it first)
        this.release();
      }, this.o.timeoutMs);
      this.waiters.push(w);
    });
  }

  /** Resolve the acks that may go out now (the lease changed, a standby confirmed or fell out). */
  release(): void {
    const lapsed = this.o.lease !== undefined && !this.o.lease.valid();
    const outOfDate = this.leaseOutOfDate();
    if (!lapsed && this.waiters.length > 0 && outOfDate) this.o.lease?.publish();
    const keep: typeof this.waiters = [];
    for (const w of this.waiters) {
      if (lapsed || this.covered(w.seq, outOfDate)) {
        clearTimeout(w.timer);
        if (!lapsed) {
          this.ackCounted(w.seq);
          if (w.seq > this.host.ackedSeq) this.host.ackedSeq = w.seq;
        }
        w.resolve();
      } else keep.push(w);
    }
    this.waiters = keep;
    this.host.releaseOutbox();
  }

  private send(s: Session, m: Partial<ReplicationBatchMessage>): void {
    const sent = m.lastSeq ?? m.snapshotSeq;
    if (sent !== undefined && sent > s.sentSeq) s.sentSeq = sent;
    s.call.write({
      epoch: this.host.epoch,
      ackedSeq: this.host.ackedSeq,
      publisherCursors: this.o.cursors(),
      epochs: this.host.epochs,
      unreplicatedAcks: this.unreplicatedAcks,
      ...m,
    });
  }

  /**
   * Fenced: let what was accepted before reach the standbys (bounded), so the fenced primary's
   * last seq is one they hold; only then end their streams.
   */
  async quiesce(timeoutMs: number): Promise<void> {
    await this.host.drain().catch(() => undefined);
    const target = this.host.lastSeq;
    const until = Date.now() + timeoutMs;
    while (Date.now() < until && this.replicas > 0 && this.replicatedSeq < target) await new Promise((r) => setTimeout(r, 10));
  }

  private ship(records: Buffer, firstSeq: number, lastSeq: number): void {
    if (this.followers.size > 0) this.batchTimes.push({ lastSeq, at: Date.now() });
    for (const s of this.sessions) if (s.live) this.send(s, { records, firstSeq, lastSeq });
  }

  /** Serve one standby's `Replicate` call. */
  handle(call: ReplicateCall): void {
    let session: Session | undefined;
    let refused = false;
    const end = (why: string): void => {
      if (!session) return;
      this.sessions.delete(session);
      this.o.log.info({ replica: session.id, durableSeq: session.durableSeq, why }, 'standby detached');
      session = undefined;
      // a standby the lease lists is gone: the lease learns it now, not at the next ack
      if (this.leaseOutOfDate()) this.o.lease?.publish();
      this.release();
    };
    call.on('data', (m: ReplicaAckMessage) => {
      if (refused) return;
      if (!session) {
        // what it says it has before the stream counts for nothing until it is sent again (or acknowledged as sent)
        const from = Math.max(0, Math.min(m.fromSeq - 1, this.host.lastSeq));
        const sync = m.asynchronous !== true;
        session = { id: m.replicaId || 'standby', call, durableSeq: from, sentSeq: from, inSyncFrom: Infinity, live: false, sync };
        if (!sync && !this.followers.has(session.id)) this.followers.set(session.id, from);
        const s = session;
        this.sessions.add(s);
        this.start(s, m).catch((e: unknown) => {
          this.o.log.warn({ err: e, replica: s.id }, 'replication to standby refused or failed');
          end('error');
          // an 'error' on a server stream ends the call with that status (destroy would end it without one)
          call.emit('error', { code: grpcStatus.FAILED_PRECONDITION, details: e instanceof Error ? e.message : String(e) });
        });
        return;
      }
      if (m.durableSeq > session.sentSeq) {
        // a standby cannot hold what it was never sent: whoever says so is not a faithful replica
        this.o.log.warn(
          { replica: session.id, acked: m.durableSeq, sent: session.sentSeq },
          'standby acknowledged beyond what was sent: detached',
        );
        const s = session;
        refused = true;
        end('forged acknowledgement');
        s.call.emit('error', { code: grpcStatus.PERMISSION_DENIED, details: 'acknowledged a sequence that was not sent' });
        return;
      }
      if (m.durableSeq > session.durableSeq) {
        session.durableSeq = m.durableSeq;
        if (session.sync) this.release();
        else this.followerConfirmed(session);
      }
    });
    call.on('end', () => {
      end('closed');
      call.end();
    });
    call.on('error', () => end('error'));
    call.on('cancelled', () => end('cancelled'));
  }

  private async start(s: Session, hello: ReplicaAckMessage): Promise<void> {
    const host = this.host;
    if (host.role !== 'primary') throw new Error(`this host is ${host.role} at epoch ${host.epoch}; replicate from the primary`);
    let from = Math.max(1, hello.fromSeq);
    const snapshot = hello.resync
      ? { why: 'the standby asked to start over', discardAfter: undefined }
      : this.needsSnapshot(from, hello.epoch);
    if (snapshot) {
      await host.snapshot();
      const newest = snapshotFiles(host.options.dataDir)[0];
      const bytes = readFileSync(newest.file);
      this.o.log.info(
        { replica: s.id, from, snapshotSeq: newest.seq, discardAfter: snapshot.discardAfter, why: snapshot.why },
        'standby starts from a snapshot',
      );
      this.send(s, { snapshot: bytes, snapshotSeq: newest.seq, discardAfter: snapshot.discardAfter });
      from = newest.seq + 1;
      s.durableSeq = newest.seq;
    }
    // From here to `live = true` runs in one turn: every batch the journal wrote before is on
    // disk and read below, every batch after is shipped live; none is missed or sent twice.
    const chunk = this.o.batchRecords ?? 2_000;
    let parts: Buffer[] = [];
    let first = from;
    let next = from;
    const flush = (): void => {
      if (parts.length === 0) return;
      this.send(s, { records: Buffer.concat(parts), firstSeq: first, lastSeq: next - 1 });
      parts = [];
      first = next;
    };
    const segs = listSegments(host.options.dataDir);
    for (let i = 0; i < segs.length; i++) {
      if (i + 1 < segs.length && segs[i + 1].firstSeq <= from) continue;
      scanSegment(
        segs[i].file,
        (rec) => {
          if (rec.seq !== next) return;
          parts.push(encodeRecord(rec));
          next++;
          if (parts.length >= chunk) flush();
        },
        from - 1,
      );
    }
    flush();
    if (next - 1 !== host.lastSeq && next - 1 < host.durableSeq)
      throw new Error(`journal on disk ends at ${next - 1}, host is at ${host.durableSeq}`);
    s.inSyncFrom = host.lastSeq;
    s.live = true;
    this.o.log.info({ replica: s.id, from: hello.fromSeq, sent: next - from, inSyncFrom: s.inSyncFrom }, 'standby attached');
  }

  /** Why a standby starting at `from` with history of `epoch` must start over from a snapshot, if it must. */
  private needsSnapshot(from: number, epoch: number): { why: string; discardAfter?: number } | null {
    const host = this.host;
    const newer = host.epochs.find((e) => e.epoch > epoch);
    if (newer && from - 1 > newer.afterSeq)
      return { why: `its history diverged after seq ${newer.afterSeq}`, discardAfter: newer.afterSeq };
    if (from - 1 > host.lastSeq) return { why: `it is ahead of this host (${from - 1} > ${host.lastSeq})`, discardAfter: host.lastSeq };
    const segs = listSegments(host.options.dataDir);
    if (from <= host.lastSeq && (segs.length === 0 || segs[0].firstSeq > from))
      return { why: `the journal no longer reaches back to seq ${from}` };
    return null;
  }

  /** End every standby's stream (this host was fenced: it has nothing more to ship). */
  detachAll(): void {
    for (const s of this.sessions) s.call.end();
    this.sessions.clear();
    this.release();
  }

  close(): void {
    clearInterval(this.heartbeat);
    this.detachAll();
  }
}
