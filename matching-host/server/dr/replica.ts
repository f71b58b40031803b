/**
 * DR, standby side: follows a primary's journal over the `Replicate` gRPC call, applies each
 * batch (execute + journal, as the primary ran it) and acknowledges what is on its disk. It
 * reconnects with backoff while it is a standby, always asking for the seq after its own last.
 */
import type * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { connectHost } from '../../proto/host-client';
import type { TlsMaterial } from '../../proto/host-tls';
import type { MatchingHost } from '../host';
import type { ReplicaAckMessage, ReplicationBatchMessage } from './replication-source';

type ReplicateStream = grpc.ClientDuplexStream<ReplicaAckMessage, ReplicationBatchMessage>;

export interface ReplicaStatus {
  primary: string;
  connected: boolean;
  /** highest seq the primary said it had acknowledged to clients */
  primaryAckedSeq: number;
  /** the primary's publisher cursors, as last reported */
  publisherCursors: Record<string, number>;
  /** own commands dropped because the primary's history diverged from them */
  discarded: number;
  /** what the primary last reported it had acknowledged without a standby holding it */
  primaryUnreplicatedAcks: number;
  lastError?: string;
}

/**
 * A snapshot travels as one message (a book of a few hundred thousand orders is tens of MB);
 * keepalive finds a dead connection that TCP alone would keep open for minutes.
 */
const STREAM_OPTIONS = { 'grpc.max_receive_message_length': 1 << 30, 'grpc.keepalive_time_ms': 5_000, 'grpc.keepalive_timeout_ms': 2_000 };
/** the primary sends at least a heartbeat every 250 ms: this long without a word, the stream is dead */
const SILENCE_MS = 3_000;

export class Replica {
  readonly status: ReplicaStatus;
  private stream: ReplicateStream | undefined;
  private client: ReturnType<typeof connectHost> | undefined;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;
  /** batches apply in arrival order; a snapshot install must finish before the next batch */
  private chain: Promise<void> = Promise.resolve();
  /** when each acknowledged seq the primary reported was first heard of, while this host lacks it */
  private heard: { seq: number; at: number }[] = [];

  /**
   * How far behind the primary's acknowledgements this host is: the commands a promotion now would
   * lose, and how long ago the oldest of them was first reported (a lower bound: the report took a trip).
   */
  lag(now = Date.now()): { commands: number; ms: number } {
    const held = this.host.durableSeq;
    while (this.heard.length > 0 && this.heard[0].seq <= held) this.heard.shift();
    const commands = Math.max(0, this.status.primaryAckedSeq - held);
    return { commands, ms: commands > 0 && this.heard.length > 0 ? Math.max(0, now - this.heard[0].at) : 0 };
  }

  constructor(
    private readonly host: MatchingHost,
    readonly primary: string,
    /** this host's own certificate (role `host`): the primary serves its journal to nobody else */
    private readonly tls: TlsMaterial,
    private readonly log: Logger,
    private readonly id: string,
    /** start over from the primary's snapshot (once: reconnects resume from where this host is) */
    private resync = false,
    /** a DR replica: the primary never waits for it */
    private readonly asynchronous = false,
  ) {
    this.status = { primary, connected: false, primaryAckedSeq: 0, publisherCursors: {}, discarded: 0, primaryUnreplicatedAcks: 0 };
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  private connect(): void {
    if (this.stopped) return;
    const host = this.host;
    this.client ??= connectHost(this.primary, this.tls, STREAM_OPTIONS);
    const stream = (this.client as unknown as { Replicate: () => ReplicateStream }).Replicate();
    this.stream = stream;
    // the chain goes on across reconnects: a snapshot install from the old stream finishes before
    // anything of the new one is applied
    // watched from its first message on: before that the primary may be taking and sending a large
    // snapshot, and keepalive covers a dead connection
    let heard = 0;
    const watchdog = setInterval(() => {
      if (heard > 0 && Date.now() - heard > SILENCE_MS) stream.cancel();
    }, 500);
    watchdog.unref();
    // the epoch our history belongs to: the last promotion we know of
    const historyEpoch = host.epochs.at(-1)?.epoch ?? 1;
    stream.write({
      fromSeq: host.lastSeq + 1,
      epoch: historyEpoch,
      durableSeq: host.durableSeq,
      replicaId: this.id,
      resync: this.resync,
      asynchronous: this.asynchronous,
    });
    stream.on('data', (b: ReplicationBatchMessage) => {
      heard = Date.now();
      this.status.connected = true;
      this.status.lastError = undefined;
      this.chain = this.chain.then(() => this.apply(stream, b)).catch((e: unknown) => this.fail(stream, e));
    });
    const lost = (why: string): void => {
      clearInterval(watchdog);
      if (this.stream !== stream) return;
      this.stream = undefined;
      this.status.connected = false;
      // a batch this host refused says more than the cancel that followed it
      this.status.lastError ??= why;
      if (this.stopped) return;
      this.log.warn({ primary: this.primary, why }, 'replication stream lost; reconnecting');
      // after what the old stream delivered is applied: the hello says where this host stands then
      this.retry = setTimeout(() => void this.chain.finally(() => this.connect()), 500);
      this.retry.unref();
    };
    stream.on('error', (e: Error) => lost(e.message));
    stream.on('end', () => lost('primary ended the stream'));
  }

  private async apply(stream: ReplicateStream, b: ReplicationBatchMessage): Promise<void> {
    if (this.stopped || this.stream !== stream) return;
    const host = this.host;
    const epoch = Number(b.epoch);
    // a primary below the epoch this host knows was failed over: its work counts for nothing here
    if (epoch < host.epoch) throw new Error(`the primary is at epoch ${epoch}, below this host's ${host.epoch}: refused`);
    // the epoch its primary was promoted in (its history's last), not the epoch it sends under: a
    // primary being fenced still ships what it accepted, under the epoch of its fence, which a
    // runbook then promotes this host to
    const promoted = Math.max(1, ...b.epochs.map((e) => Number(e.epoch)));
    if (promoted > host.epoch) host.fence(promoted);
    const acked = Number(b.ackedSeq);
    if (acked > this.status.primaryAckedSeq) {
      this.heard.push({ seq: acked, at: Date.now() });
      if (this.heard.length > 100_000) this.heard.shift();
    }
    this.status.primaryAckedSeq = Math.max(this.status.primaryAckedSeq, b.ackedSeq);
    this.status.publisherCursors = b.publisherCursors;
    this.status.primaryUnreplicatedAcks = b.unreplicatedAcks;
    if (b.snapshot && b.snapshot.length > 0) {
      const r = await host.installSnapshot(b.snapshotSeq ?? 0, b.snapshot, b.discardAfter || undefined);
      this.resync = false;
      this.status.discarded += r.discarded;
      this.log.warn({ snapshotSeq: b.snapshotSeq, discarded: r.discarded, setAside: r.setAside }, "restarted from the primary's snapshot");
      stream.write({ fromSeq: 0, epoch: 0, durableSeq: host.durableSeq, replicaId: this.id });
    }
    // our history is the primary's now (a prefix of it, or its snapshot): take on its epochs, after the install
    if (b.epochs.length > 0) host.adoptEpochs(b.epochs.map((e) => ({ epoch: Number(e.epoch), afterSeq: Number(e.afterSeq) })));
    if (b.records && b.records.length > 0) {
      const last = b.lastSeq ?? 0;
      // already here (a batch overlapping what we had): nothing to do but confirm
      if (last <= host.lastSeq) return;
      const durable = host.applyReplicated(b.firstSeq ?? 0, last, b.records);
      // acknowledged once on disk; the next batch is applied meanwhile (group commit on this side too)
      durable.then(
        () => stream.write({ fromSeq: 0, epoch: 0, durableSeq: host.durableSeq, replicaId: this.id }),
        (e: unknown) => this.fail(stream, e),
      );
    }
  }

  private fail(stream: ReplicateStream, e: unknown): void {
    this.log.error({ err: e, primary: this.primary }, 'replicated batch could not be applied');
    this.status.lastError = e instanceof Error ? e.message : String(e);
    stream.cancel();
  }

  /** Stop following (promotion, or a fence that names another primary); resolves once applied batches are settled. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    this.stream?.cancel();
    this.stream = undefined;
    this.status.connected = false;
    await this.chain.catch(() => undefined);
    this.client?.close();
    this.client = undefined;
  }
}
