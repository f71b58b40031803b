/**
 * The matching host's server-side core: recovery (snapshot + journal replay), sequencing, group
 * commit before ack, periodic snapshots, and DR fencing (role + epoch). Transport-free: the gRPC
 * service (grpc-service.ts) is a thin layer over `submit` and the queries here.
 */
import { mkdirSync, readFileSync, readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileDurably } from './durability/durable-file';
import { HostCore, stateChunksInSlices } from './core/host-core';
import type { CommandResult, HostCommand } from './core/types';
import type { MarketConfig } from '../proto/market-config';
import { encodeRecord, forEachRecord, Journal, listSegments, scanSegment, type FlushStats } from './durability/journal';
import { Outbox } from './publishers/outbox';
import { decodeSnapshot, encodeSnapshotChunks, loadNewestSnapshot, pruneSnapshots, writeSnapshotAsync } from './durability/snapshot-store';
import { specDrift } from './core/spec-drift';
import type { EpochStart } from './core/epochs';

export type Role = 'primary' | 'standby';

/** A command before the host stamps it. */
export type Submission = HostCommand extends infer C ? (C extends HostCommand ? Omit<C, 'seq' | 'time'> : never) : never;

export interface HostOptions {
  /** submit a `tick` when the engine's next timer falls due (the serving host; off in tests that drive time) */
  wakeForTimers?: boolean;
  dataDir: string;
  market: MarketConfig;
  role?: Role;
  epoch?: number;
  /** snapshot after this many commands (0: never automatically) */
  snapshotEvery?: number;
  /** clock, injectable for tests */
  now?: () => number;
  /** publications kept in memory for publishers (older ones are regenerated from the journal) */
  outboxCapacity?: number;
  /** derive publications for the outbox (default true; off when the host has no publisher) */
  publish?: boolean;
  /** lowest journal seq a publisher still needs: snapshots and journal from there on are kept */
  retainFrom?: () => number;
  /** observers (metrics, snapshot mirroring); the host works without them */
  onCommand?: (type: HostCommand['type'], result: string, ackMs: number) => void;
  onFlush?: (stats: FlushStats) => void;
  onSnapshot?: (seq: number, chunks: Buffer[], ms: number) => void;
  /** an automatic snapshot failed (the host goes on; the journal still holds everything) */
  onSnapshotError?: (error: unknown) => void;
}

export class FencedError extends Error {
  constructor(
    readonly role: Role,
    readonly epoch: number,
  ) {
    super(`host is ${role} at epoch ${epoch}: order commands are refused`);
  }
}

/** Every transfer id the window can hold is inside its window: a new transfer waits (UNAVAILABLE, retried). */
export class TransferWindowFullError extends Error {
  override readonly name = 'TransferWindowFullError';
  constructor(capacity: number) {
    super(`the host remembers ${capacity} transfer ids, all still within their window`);
  }
}

/**
 * This primary's lease lapsed (or was never confirmed): it may not acknowledge, because a standby
 * may be taking over. A command already executed stays in the journal unacknowledged; the client
 * retries it (by its idempotency key) on whichever host holds the lease.
 */
export class LeaseExpiredError extends Error {
  override readonly name = 'LeaseExpiredError';
  constructor() {
    super('this host does not hold a valid primary lease: nothing is acknowledged');
  }
}

/** The journal could not make a command durable; from then on the host acknowledges nothing. */
export class JournalFailedError extends Error {
  constructor(cause: unknown) {
    super(`journal failed: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

/**
 * Role, epoch and epoch history, kept in the data directory: a host that restarts comes back as
 * what it last was (a primary fenced at epoch 2 never wakes up as the primary of epoch 1), and
 * the history tells a rejoining host which of its commands a newer primary never had.
 */
interface RoleFile {
  role: Role;
  epoch: number;
  epochs: EpochStart[];
}

function readRoleFile(dir: string): RoleFile | null {
  try {
    const r = JSON.parse(readFileSync(join(dir, 'role.json'), 'utf8')) as RoleFile;
    return (r.role === 'primary' || r.role === 'standby') && Number.isSafeInteger(r.epoch) && Array.isArray(r.epochs) ? r : null;
  } catch {
    return null;
  }
}

function writeRoleFile(dir: string, r: RoleFile): void {
  writeFileDurably(join(dir, 'role.json'), JSON.stringify(r));
}

export interface RecoveryReport {
  snapshotSeq: number;
  replayed: number;
  tornBytes: number;
  lastSeq: number;
  checksum: string;
  ms: number;
  /** where the configured markets differ from those the recovered history runs with (which apply) */
  specDrift: string[];
}

/** The result label of a command for metrics. */
function outcome(r: CommandResult): string {
  if (r.order) return r.order.status === 'REJECTED' ? `rejected:${r.order.reason}` : 'accepted';
  if (r.transfer) return r.transfer.ok ? 'accepted' : `rejected:${r.transfer.reason}`;
  return r.rejectReason ? `rejected:${r.rejectReason}` : 'accepted';
}

export class MatchingHost {
  core: HostCore;
  role: Role;
  epoch: number;
  private journal!: Journal;
  private readonly now: () => number;
  private lastTime = 0;
  private sinceSnapshot = 0;
  private snapshotting: Promise<void> | null = null;
  /** a standby is replacing its state with a primary's snapshot: no snapshot of its own meanwhile */
  private installing = false;
  /** the wake-up for the engine's next timer, and when it is set for */
  private wake: NodeJS.Timeout | undefined;
  private wakeAt = Infinity;
  recovery!: RecoveryReport;
  /** durable publications waiting for the publishers */
  outbox!: Outbox;
  /**
   * Epochs this host's history went through (DR: where a rejoining host diverged). The core holds
   * them: what a command publishes carries the epoch it ran in (trade ids).
   */
  get epochs(): EpochStart[] {
    return this.core.epochs;
  }

  /** Run on `core` from now on (recovered or installed state), in this host's epoch history. */
  private useCore(core: HostCore): void {
    core.epochs = this.core.epochs;
    this.core = core;
  }
  /** highest seq acknowledged to a client */
  ackedSeq = 0;
  /**
   * Synchronous replication: resolves once a standby holds `seq` (or replication gave up on it).
   * Acks and publications wait for it, so nothing is confirmed that a failover could take back.
   */
  replicationGate: { wait(seq: number): Promise<void>; heldSeq(): number } | null = null;
  /**
   * With a lease (dr/lease-keeper.ts): may this primary acknowledge now? Asked before a command
   * executes and again just before its ack, so a primary that stalled past its lease acknowledges
   * nothing, whatever it had in flight.
   */
  ackGuard: (() => boolean) | null = null;
  /** each journal batch as written (the replication source ships it) */
  onJournalWrite: ((records: Buffer, firstSeq: number, lastSeq: number) => void) | null = null;

  private constructor(readonly options: HostOptions) {
    this.core = new HostCore(options.market);
    const saved = readRoleFile(options.dataDir);
    // what the host last was outranks the configuration it was started with, unless that names a newer epoch
    if (saved && saved.epoch >= (options.epoch ?? 1)) {
      this.role = saved.role;
      this.epoch = saved.epoch;
    } else {
      this.role = options.role ?? 'primary';
      this.epoch = options.epoch ?? 1;
    }
    // the history is the data's, whatever the configuration says: a replay must stamp what the live host did
    if (saved) this.core.epochs = saved.epochs;
    this.now = options.now ?? Date.now;
  }

  /** Recover from the data directory (newest valid snapshot + journal after it), then open for appends. */
  static open(options: HostOptions): MatchingHost {
    mkdirSync(options.dataDir, { recursive: true });
    const host = new MatchingHost(options);
    const t0 = performance.now();
    const snap = loadNewestSnapshot(options.dataDir);
    if (snap) host.useCore(HostCore.fromState(options.market, snap.engine, snap.state, snap.format));
    let replayed = 0;
    let tornBytes = 0;
    let lastScan: { file: string; validBytes: number; tornBytes: number } | undefined;
    const segs = listSegments(options.dataDir);
    for (let i = 0; i < segs.length; i++) {
      const core = host.core;
      const last = i === segs.length - 1;
      // a segment whose successor starts at or before the snapshot holds nothing to replay
      if (!last && segs[i + 1].firstSeq <= core.lastSeq + 1) continue;
      let maxTime = host.lastTime;
      const r = scanSegment(
        segs[i].file,
        (rec) => {
          if (rec.seq !== core.lastSeq + 1) throw new Error(`journal gap: seq ${rec.seq} after ${core.lastSeq}`);
          core.execute(rec, { publish: false });
          if (rec.time > maxTime) maxTime = rec.time;
          replayed++;
        },
        core.lastSeq,
      );
      host.lastTime = maxTime;
      // only the newest segment may end torn; damage in an older one means lost acked commands
      if (r.tornBytes > 0 && !last) throw new Error(`journal segment ${segs[i].file} is damaged before its end`);
      tornBytes += r.tornBytes;
      if (last) lastScan = { file: segs[i].file, validBytes: r.validBytes, tornBytes: r.tornBytes };
    }
    host.attachJournal(Journal.open(options.dataDir, host.core.lastSeq + 1, lastScan));
    host.ackedSeq = host.core.lastSeq;
    host.recovery = {
      snapshotSeq: snap?.seq ?? 0,
      replayed,
      tornBytes,
      lastSeq: host.core.lastSeq,
      checksum: host.core.engine.checksum(),
      ms: performance.now() - t0,
      specDrift: specDrift(options.market.symbols, host.core.engine.symbols),
    };
    host.armTimers();
    return host;
  }

  /** Use `journal` from now on; everything before it is on disk (recovered or installed). */
  private attachJournal(journal: Journal): void {
    this.journal = journal;
    journal.durableSeq = this.core.lastSeq;
    this.outbox = new Outbox(this.core.lastSeq, this.options.outboxCapacity);
    journal.onFlush = (stats) => {
      this.releaseOutbox();
      this.options.onFlush?.(stats);
    };
    journal.onWrite = (records, first, last) => this.onJournalWrite?.(records, first, last);
  }

  /** Publications become readable once durable here and, with synchronous replication, on a standby. */
  releaseOutbox(): void {
    this.outbox.commit(Math.min(this.journal.durableSeq, this.replicationGate?.heldSeq() ?? Infinity));
  }

  get durableSeq(): number {
    return this.journal.durableSeq;
  }

  /** Resolves once everything appended so far is on disk. */
  drain(): Promise<void> {
    return this.journal.drain();
  }

  get journalHealthy(): boolean {
    return this.journal.healthy;
  }

  get lastSeq(): number {
    return this.core.lastSeq;
  }

  /**
   * Stamp, execute and journal one command; resolves with its result once it is durable.
   * Idempotent repeats are answered from memory without a new sequence number.
   */
  async submit(sub: Submission): Promise<CommandResult & { duplicate: boolean; seq: number }> {
    // a failed journal leaves durability unknown: execute nothing more, acknowledge nothing more
    if (!this.journal.healthy) throw new JournalFailedError('not healthy');
    const trading = sub.type !== 'deposit' && sub.type !== 'withdraw' && sub.type !== 'tick';
    if (trading && this.role !== 'primary') throw new FencedError(this.role, this.epoch);
    if (sub.type !== 'tick') this.guardAck();
    if (sub.type === 'place') {
      const prior = this.core.priorOrder(sub.account, sub.clientOrderId);
      if (prior) return { order: prior, seq: prior.seq, duplicate: await this.durable(prior.seq) };
    } else if ((sub.type === 'cancel' || sub.type === 'replace' || sub.type === 'cancelAll') && sub.requestId !== undefined) {
      const prior = this.core.priorRequest(sub.account, sub.requestId);
      if (prior)
        return { canceled: prior.canceled, rejectReason: prior.rejectReason, seq: prior.seq, duplicate: await this.durable(prior.seq) };
    } else if (sub.type === 'deposit' || sub.type === 'withdraw') {
      if (this.role !== 'primary') throw new FencedError(this.role, this.epoch);
      const prior = this.core.priorTransfer(sub.account, sub.transferId);
      if (prior) return { transfer: prior, seq: prior.seq, duplicate: await this.durable(prior.seq) };
      // a new id the window could not keep for its whole span is not taken (the caller retries later)
      if (!this.core.hasRoomForTransfer(Math.max(this.lastTime, Math.floor(this.now()))))
        throw new TransferWindowFullError(this.core.transferIdCapacity);
    }
    // time never runs backwards, whatever the wall clock does
    this.lastTime = Math.max(this.lastTime, Math.floor(this.now()));
    const cmd: HostCommand = { ...sub, seq: this.core.lastSeq + 1, time: this.lastTime };
    const t0 = performance.now();
    // encoded before it runs: a command the journal cannot hold never changes the state
    const record = encodeRecord(cmd);
    const result = this.core.execute(cmd, { publish: this.options.publish !== false });
    if (result.publication) this.outbox.stage(result.publication);
    const durable = this.journal.append(cmd.seq, record);
    if (this.options.snapshotEvery && ++this.sinceSnapshot >= this.options.snapshotEvery) this.autoSnapshot();
    try {
      await durable;
    } catch (e) {
      throw new JournalFailedError(e);
    }
    if (this.replicationGate) await this.replicationGate.wait(cmd.seq);
    if (cmd.type !== 'tick') this.guardAck();
    if (cmd.seq > this.ackedSeq) this.ackedSeq = cmd.seq;
    this.options.onCommand?.(cmd.type, outcome(result), performance.now() - t0);
    this.armTimers();
    return { ...result, seq: cmd.seq, duplicate: false };
  }

  /**
   * GTD expiries and dead-man deadlines fire when a command reaches the engine at or after their
   * time. With no traffic none would: so the primary submits a `tick` (journaled like any command,
   * so a replay fires the same timers at the same sequence) when the next one falls due.
   */
  armTimers(): void {
    const due = this.core.engine.core.nextTimerTime;
    if (!this.options.wakeForTimers || this.role !== 'primary' || !Number.isFinite(due) || due >= this.wakeAt) return;
    clearTimeout(this.wake);
    this.wakeAt = due;
    this.wake = setTimeout(
      () => {
        this.wakeAt = Infinity;
        if (this.role !== 'primary' || !this.journal.healthy) return;
        void this.submit({ type: 'tick' }).catch(() => undefined);
      },
      Math.max(0, due - this.now() + 1),
    );
    this.wake.unref();
  }

  /**
   * A repeat is answered with the original reply, but never before the original is on disk:
   * otherwise a retry racing its original could be acknowledged and then lost in a crash.
   */
  private async durable(seq: number): Promise<true> {
    if (seq > this.journal.durableSeq) {
      try {
        await this.journal.drain();
      } catch (e) {
        throw new JournalFailedError(e);
      }
    }
    if (this.replicationGate) await this.replicationGate.wait(seq);
    this.guardAck();
    return true;
  }

  private guardAck(): void {
    if (this.ackGuard && !this.ackGuard()) throw new LeaseExpiredError();
  }

  /**
   * Standby: execute and journal the commands a primary shipped (`firstSeq..lastSeq`, framed as in
   * its journal), exactly as they ran there; resolves once they are on this host's disk.
   */
  applyReplicated(firstSeq: number, lastSeq: number, records: Buffer): Promise<void> {
    if (this.role === 'primary') return Promise.reject(new Error("a primary does not apply another host's journal"));
    if (this.installing) return Promise.reject(new Error('a snapshot is being installed'));
    if (!this.journal.healthy) return Promise.reject(new JournalFailedError('not healthy'));
    if (firstSeq !== this.core.lastSeq + 1) return Promise.reject(new Error(`replication gap: seq ${firstSeq} after ${this.core.lastSeq}`));
    let expected = firstSeq;
    // check the whole batch before running any of it
    const cmds: HostCommand[] = [];
    forEachRecord(records, (rec) => {
      if (rec.seq !== expected++) throw new Error(`replicated batch out of order at seq ${rec.seq}`);
      cmds.push(rec);
    });
    if (expected - 1 !== lastSeq) throw new Error(`replicated batch ends at ${expected - 1}, not ${lastSeq}`);
    for (const cmd of cmds) {
      this.core.execute(cmd, { publish: false });
      if (cmd.time > this.lastTime) this.lastTime = cmd.time;
    }
    const durable = this.journal.appendRecords(firstSeq, lastSeq, records);
    this.sinceSnapshot += cmds.length;
    if (this.options.snapshotEvery && this.sinceSnapshot >= this.options.snapshotEvery) this.autoSnapshot();
    return durable.then(() => {
      this.ackedSeq = Math.max(this.ackedSeq, lastSeq);
    });
  }

  /**
   * Standby: start over from a primary's snapshot (this host was too far behind, or its history
   * diverged after `discardAfter`). What was here is moved aside, not deleted: the commands it
   * held beyond the primary's history are the evidence of what a failover lost.
   */
  async installSnapshot(seq: number, bytes: Buffer, discardAfter?: number): Promise<{ discarded: number; setAside: string }> {
    if (this.role === 'primary') throw new Error("a primary does not install another host's snapshot");
    const snap = decodeSnapshot(bytes, seq);
    if (!snap) throw new Error(`snapshot at seq ${seq} fails its checksum`);
    if (this.installing) throw new Error('a snapshot is being installed already');
    this.installing = true;
    try {
      await this.snapshotting;
      await this.journal.close();
      const discarded = discardAfter === undefined ? 0 : Math.max(0, this.core.lastSeq - discardAfter);
      const dir = this.options.dataDir;
      const setAside = join(dir, `set-aside-${this.epoch}-${this.core.lastSeq}-${Math.floor(this.now())}`);
      mkdirSync(setAside);
      for (const f of readdirSync(dir)) if (/^(journal-\d+\.log|snapshot-\d+\.bin)$/.test(f)) renameSync(join(dir, f), join(setAside, f));
      await writeSnapshotAsync(dir, seq, [bytes]);
      this.useCore(HostCore.fromState(this.options.market, snap.engine, snap.state, snap.format));
      this.lastTime = 0;
      this.sinceSnapshot = 0;
      this.lastSnapshotSeq = seq;
      this.attachJournal(Journal.open(dir, seq + 1));
      this.ackedSeq = seq;
      return { discarded, setAside };
    } finally {
      this.installing = false;
    }
  }

  private autoSnapshot(): void {
    this.snapshot().catch((e: unknown) => this.options.onSnapshotError?.(e));
  }

  private lastSnapshotSeq = -1;

  /** Periodic snapshots by time: only when something happened since the last one. */
  snapshotIfChanged(): Promise<void> | undefined {
    if (this.core.lastSeq === this.lastSnapshotSeq || this.core.lastSeq === this.recovery.snapshotSeq) return undefined;
    return this.snapshot().catch((e: unknown) => this.options.onSnapshotError?.(e));
  }

  /** Write a snapshot of the current state and prune what it covers. */
  snapshot(): Promise<void> {
    if (this.snapshotting) return this.snapshotting;
    if (this.installing) return Promise.resolve();
    // after a journal failure the state holds commands that are not on disk: never persist it
    if (!this.journal.healthy) return Promise.reject(new JournalFailedError('not healthy'));
    this.sinceSnapshot = 0;
    const seq = this.core.lastSeq;
    this.lastSnapshotSeq = seq;
    const t0 = performance.now();
    // Captured synchronously between two commands, so it is exactly the state after `seq`; the
    // engine's binary copy is fast, the rest is serialized in slices and written asynchronously
    // while matching goes on.
    const engine = this.core.engine.snapshot();
    this.journal.rotate();
    // retains the idempotency replies until stateChunksInSlices below has read them
    const captured = this.core.captureState();
    this.snapshotting = (async () => {
      try {
        const chunks = encodeSnapshotChunks(engine, await stateChunksInSlices(captured));
        // the snapshot may only replace journal records once those are durable themselves
        await this.journal.drain();
        await writeSnapshotAsync(this.options.dataDir, seq, chunks);
        // keep two snapshots (a damaged newest one can be skipped) and whatever publishers still need
        const oldest = pruneSnapshots(this.options.dataDir, this.options.retainFrom?.() ?? Infinity);
        this.journal.prune(oldest);
        this.options.onSnapshot?.(seq, chunks, performance.now() - t0);
      } finally {
        this.snapshotting = null;
      }
    })();
    return this.snapshotting;
  }

  /** The time of the last command executed (commands' time never runs backwards). */
  get lastCommandTime(): number {
    return this.lastTime;
  }

  /**
   * DR: become primary at a higher epoch. The outbox starts afresh: publishers resume from their
   * cursors and regenerate from the journal what this host applied as a standby.
   */
  promote(epoch: number): void {
    if (!(epoch > this.epoch)) throw new RangeError(`epoch ${epoch} is not above ${this.epoch}`);
    const epochs = [...this.epochs, { epoch, afterSeq: this.core.lastSeq }];
    writeRoleFile(this.options.dataDir, { role: 'primary', epoch, epochs });
    this.core.epochs = epochs;
    this.epoch = epoch;
    this.role = 'primary';
    this.outbox = new Outbox(this.core.lastSeq, this.options.outboxCapacity);
    this.ackedSeq = this.core.lastSeq;
    this.armTimers();
  }

  /** DR: a higher epoch exists elsewhere; stop taking orders. */
  fence(epoch: number): void {
    if (epoch >= this.epoch) {
      writeRoleFile(this.options.dataDir, { role: 'standby', epoch, epochs: this.epochs });
      this.epoch = epoch;
      this.role = 'standby';
    }
  }

  /** Standby: take on the epoch history of the primary it follows (it is that history now). */
  adoptEpochs(epochs: EpochStart[]): void {
    if (JSON.stringify(epochs) === JSON.stringify(this.epochs)) return;
    writeRoleFile(this.options.dataDir, { role: this.role, epoch: this.epoch, epochs });
    this.core.epochs = epochs;
  }

  async close(options: { snapshot?: boolean } = {}): Promise<void> {
    clearTimeout(this.wake);
    this.wakeAt = Infinity;
    if (options.snapshot) await this.snapshot();
    await this.snapshotting;
    await this.journal.close();
  }
}
