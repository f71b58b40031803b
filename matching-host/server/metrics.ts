/**
 * Prometheus metrics of the matching host (prom-client), fed by the host's observer hooks and
 * read at scrape time for gauges that are cheap to compute (lag, depth, sequence).
 */
import { BUILD_VERSION } from './build-version';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { MatchingHost } from './host';
import type { FlushStats } from './durability/journal';
import type { Publisher } from './publishers/publisher';
import type { DrStatus } from './dr/dr-role';

const LATENCY_BUCKETS = [0.0001, 0.00025, 0.0005, 0.00075, 0.001, 0.0015, 0.002, 0.003, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5];

export class HostMetrics {
  readonly registry = new Registry();
  private readonly commands = new Counter({
    name: 'exchange_host_commands_total',
    help: 'Commands executed, by type and result',
    labelNames: ['type', 'result'],
    registers: [this.registry],
  });
  private readonly ack = new Histogram({
    name: 'exchange_host_ack_latency_seconds',
    help: 'From execution to durable ack',
    labelNames: ['type'],
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  private readonly fsync = new Histogram({
    name: 'exchange_host_journal_fsync_seconds',
    help: 'Journal write + fdatasync per group commit',
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  private readonly batch = new Histogram({
    name: 'exchange_host_journal_batch_records',
    help: 'Records per group commit',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024],
    registers: [this.registry],
  });
  private readonly snapshotTime = new Histogram({
    name: 'exchange_host_snapshot_seconds',
    help: 'Time to take and write a snapshot',
    buckets: [0.001, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [this.registry],
  });
  private readonly published = new Counter({
    name: 'exchange_host_published_messages_total',
    help: 'Messages confirmed by a downstream',
    labelNames: ['publisher'],
    registers: [this.registry],
  });
  private readonly publishErrors = new Counter({
    name: 'exchange_host_publish_errors_total',
    help: 'Failed publish attempts (retried)',
    labelNames: ['publisher'],
    registers: [this.registry],
  });
  private readonly gaps = new Counter({
    name: 'exchange_host_publish_gaps_total',
    help: 'Commands whose publications could not be regenerated',
    labelNames: ['publisher'],
    registers: [this.registry],
  });

  constructor(
    host: () => MatchingHost | undefined,
    publishers: () => readonly Publisher[],
    /** replication as the DR role sees it (absent before it starts) */
    dr: () => DrStatus | undefined = () => undefined,
  ) {
    collectDefaultMetrics({ register: this.registry, prefix: 'exchange_host_' });
    // which build runs where (a blue-green release moves the pair from one version to the next)
    new Gauge({
      name: 'exchange_host_build_info',
      help: 'Always 1; the label says which build (release version) this host runs',
      labelNames: ['version'],
      registers: [this.registry],
    }).set({ version: BUILD_VERSION }, 1);
    // what the alarms watch in AWS (resources/operations.yml, through the CloudWatch agent)
    new Gauge({
      name: 'exchange_host_up',
      help: '1 while the host serves with a healthy journal, else 0',
      registers: [this.registry],
      collect() {
        this.set(host()?.journalHealthy ? 1 : 0);
      },
    });
    new Gauge({
      name: 'exchange_host_replicas',
      help: 'A primary: synchronous standbys in sync now (not the DR replica); a follower: 1 while it follows its primary',
      registers: [this.registry],
      collect() {
        this.set(dr()?.replicas ?? 0);
      },
    });
    new Gauge({
      name: 'exchange_host_replication_lag_commands',
      help: 'Commands the standby does not hold yet (a primary: its last minus what a standby acknowledged; a standby: what its primary acknowledged minus its own last)',
      registers: [this.registry],
      collect() {
        const h = host();
        const d = dr();
        if (!h || !d) return this.set(0);
        this.set(Math.max(0, h.role === 'primary' ? (d.replicas > 0 ? h.lastSeq - d.replicatedSeq : 0) : d.replicatedSeq - h.lastSeq));
      },
    });
    // the DR replica's distance from the primary: the RPO a cross-region failover would cause now
    new Gauge({
      name: 'exchange_host_dr_lag_commands',
      help: 'A primary: commands its asynchronous followers (the DR replica) do not hold yet; a follower: acknowledged commands it does not hold',
      registers: [this.registry],
      collect() {
        const d = dr();
        this.set(d?.lagKnown ? d.lagCommands : 0);
      },
    });
    new Gauge({
      name: 'exchange_host_dr_lag_ms',
      help: 'How long ago the oldest command the DR replica (or this follower) lacks was written or first reported',
      registers: [this.registry],
      collect() {
        const d = dr();
        this.set(d?.lagKnown ? d.lagMs : 0);
      },
    });
    new Gauge({
      name: 'exchange_host_lease_valid',
      help: '1 while this host is a primary that may acknowledge under its lease, else 0',
      registers: [this.registry],
      collect() {
        this.set(dr()?.leaseValid ? 1 : 0);
      },
    });
    new Gauge({
      name: 'exchange_host_unreplicated_acks',
      help: 'Commands acknowledged without a standby holding them, since the host started (RPO exposure)',
      registers: [this.registry],
      collect() {
        this.set(dr()?.unreplicatedAcks ?? 0);
      },
    });
    new Gauge({
      name: 'exchange_host_last_sequence',
      help: 'Journal sequence of the last executed command',
      registers: [this.registry],
      collect() {
        this.set(host()?.lastSeq ?? 0);
      },
    });
    new Gauge({
      name: 'exchange_host_epoch',
      help: 'DR epoch and role (1 = primary)',
      labelNames: ['role'],
      registers: [this.registry],
      collect() {
        const h = host();
        this.reset();
        if (h) this.set({ role: h.role }, h.epoch);
      },
    });
    new Gauge({
      name: 'exchange_host_publisher_lag_commands',
      help: 'Durable commands a publisher has not yet confirmed downstream',
      labelNames: ['publisher'],
      registers: [this.registry],
      collect() {
        const h = host();
        for (const p of publishers()) this.set({ publisher: p.name }, Math.max(0, (h?.outbox.durableSeq ?? 0) - p.cursor));
      },
    });
    new Gauge({
      name: 'exchange_host_book_levels',
      help: 'Price levels in the book',
      labelNames: ['symbol', 'side'],
      registers: [this.registry],
      collect() {
        const h = host();
        if (!h) return;
        for (const s of h.core.engine.symbols) {
          const l2 = h.core.engine.l2(s.symbol, 1_000_000);
          this.set({ symbol: s.symbol, side: 'bid' }, l2.bids.length);
          this.set({ symbol: s.symbol, side: 'ask' }, l2.asks.length);
        }
      },
    });
  }

  /** label children cached: resolving labels per observation costs more than the observation */
  private readonly children = new Map<string, { count: { inc(): void }; ack: { observe(v: number): void } }>();

  command(type: string, result: string, ackMs: number): void {
    const key = `${type}|${result}`;
    let c = this.children.get(key);
    if (!c) {
      c = { count: this.commands.labels({ type, result }), ack: this.ack.labels({ type }) };
      this.children.set(key, c);
    }
    c.count.inc();
    c.ack.observe(ackMs / 1000);
  }

  flush(s: FlushStats): void {
    this.fsync.observe(s.syncMs / 1000);
    this.batch.observe(s.records);
  }

  snapshot(ms: number): void {
    this.snapshotTime.observe(ms / 1000);
  }

  publishedMessages(publisher: string, n: number): void {
    this.published.inc({ publisher }, n);
  }

  publishError(publisher: string): void {
    this.publishErrors.inc({ publisher });
  }

  gap(publisher: string, commands: number): void {
    this.gaps.inc({ publisher }, commands);
  }
}
