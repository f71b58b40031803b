/**
 * Assembles a running matching host from its configuration: recovery, gRPC, publishers, metrics
 * and health, periodic snapshots (also mirrored to Redis for the DR host), and an orderly stop.
 * main.ts runs it as a process; tests and benchmarks run it in-process or as a child.
 */
import type * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { Server } from 'node:http';
import { eventSigningKeyOf, type HostConfig } from './config';
import { startGrpcServer } from './api/grpc-service';
import { MatchingHost } from './host';
import type { MarketConfig } from '../proto/market-config';
import { DrRole } from './dr/dr-role';
import { HostMetrics } from './metrics';
import { startOpsServer } from './api/ops-server';
import { defaultTopology } from '../proto/order-event-topology';
import { kinesisClient } from './publishers/kinesis-sink';
import { hostRedis, mirrorSnapshot } from './host-redis';
import { Publishing } from './publishers/publishing';
import { tlsFromDir } from '../proto/host-tls';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoLeaseStore } from '../proto/lease';

export interface HostRuntime {
  host: MatchingHost;
  grpcPort: number;
  metricsPort: number;
  /** the publishers, while this host is the primary */
  readonly publishing: Publishing | undefined;
  dr: DrRole;
  metrics: HostMetrics;
  /** stop accepting, flush the journal, snapshot (graceful) and stop publishers */
  stop(options?: { snapshot?: boolean }): Promise<void>;
}

export async function startHostRuntime(cfg: HostConfig, market: MarketConfig, log: Logger): Promise<HostRuntime> {
  // filled in as the parts come up; metrics and health read them at scrape time
  const parts: { host?: MatchingHost; publishing?: Publishing; dr?: DrRole } = {};
  // read before anything starts: a key that cannot be read stops the host, not its publisher later
  const signingKey = eventSigningKeyOf(cfg);
  if (cfg.AMQP_URL && !signingKey) log.warn('order events go out unsigned: consumers refuse them (set HOST_EVENT_SIGNING_KEY_FILE)');
  const metrics = new HostMetrics(
    () => parts.host,
    () => parts.publishing?.publishers ?? [],
    () => parts.dr?.status(),
  );
  const redis = hostRedis(cfg);
  redis?.on('error', (e: Error) => log.debug({ err: e.message }, 'redis connection error'));

  // no TLS material, no host: it never serves in the clear
  const tls = tlsFromDir(cfg.HOST_TLS_DIR, 'host');
  let mirroring: Promise<void> | undefined;
  const h = MatchingHost.open({
    dataDir: cfg.HOST_DATA_DIR,
    market,
    role: cfg.HOST_ROLE,
    epoch: cfg.HOST_EPOCH,
    snapshotEvery: cfg.HOST_SNAPSHOT_EVERY,
    wakeForTimers: true,
    publish: Boolean(cfg.KINESIS_STREAM || cfg.REDIS_URL || cfg.AMQP_URL),
    retainFrom: () => Math.min(parts.publishing?.retainFrom() ?? Infinity, parts.dr?.retainFrom() ?? Infinity),
    onCommand: (type, result, ms) => metrics.command(type, result, ms),
    onFlush: (s) => metrics.flush(s),
    onSnapshotError: (e) => log.error({ err: e }, 'snapshot failed; the journal still holds every command'),
    onSnapshot: (seq, chunks, ms) => {
      metrics.snapshot(ms);
      const bytes = Buffer.concat(chunks);
      log.info({ seq, bytes: bytes.length, ms: Math.round(ms) }, 'snapshot written');
      // a copy for tools and a fresh DR host (a running standby gets its snapshots over replication)
      if (h.role !== 'primary') return;
      mirroring = redis && mirrorSnapshot(redis, seq, bytes).catch((e: unknown) => log.warn({ err: e }, 'snapshot not mirrored to Redis'));
    },
  });
  parts.host = h;
  log.info({ ...h.recovery }, 'recovered');
  if (h.recovery.specDrift.length > 0)
    log.warn(
      { specDrift: h.recovery.specDrift },
      "the configured markets differ from the recovered history's, whose specs apply: a change takes effect only on a new history",
    );

  let publishingOps: Promise<void> = Promise.resolve();
  const kinesis = cfg.KINESIS_STREAM
    ? { client: kinesisClient(cfg.AWS_ENDPOINT_URL_KINESIS, cfg.AWS_REGION), streamName: cfg.KINESIS_STREAM }
    : undefined;
  const dr = new DrRole({
    host: h,
    log,
    id: cfg.HOST_ID,
    members: cfg.HOST_MEMBERS,
    asynchronous: cfg.HOST_FOLLOW_MODE === 'async',
    lease: cfg.HOST_LEASE_TABLE
      ? {
          store: new DynamoLeaseStore(
            new DynamoDBClient({
              region: cfg.AWS_REGION,
              endpoint: cfg.AWS_ENDPOINT_URL_DYNAMODB,
              maxAttempts: 2,
              // a store that stops answering must not hold the keeper's next step: the lease lapses by its clock
              requestHandler: { connectionTimeout: 500, requestTimeout: Math.floor(cfg.HOST_LEASE_MS / 3) },
            }),
            cfg.HOST_LEASE_TABLE,
          ),
          region: cfg.HOST_LEASE_KEY,
          follow: cfg.HOST_FOLLOW,
          leaseMs: cfg.HOST_LEASE_MS,
          marginMs: cfg.HOST_LEASE_MARGIN_MS,
          failover: cfg.HOST_FAILOVER === 'auto',
        }
      : undefined,
    tls,
    sync: cfg.HOST_REPLICATION === 'sync',
    timeoutMs: cfg.HOST_REPLICATION_TIMEOUT_MS,
    replicateFrom: cfg.HOST_REPLICATE_FROM || undefined,
    peer: (cfg.HOST_PEER_WATCH === 'on' && cfg.HOST_PEER_ADDRESS) || undefined,
    // only the primary publishes; a promoted standby starts its publishers where the old primary's
    // stood. Starts and stops run one after the other, each deciding on the role as it is by then,
    // so a fence that overtakes a slow start never leaves publishers running on a standby.
    startPublishing: () =>
      (publishingOps = publishingOps.then(async () => {
        if (h.role !== 'primary' || parts.publishing) return;
        const pub = new Publishing(h, {
          dataDir: cfg.HOST_DATA_DIR,
          market,
          kinesis,
          redis,
          amqp: cfg.AMQP_URL ? { url: cfg.AMQP_URL, topology: defaultTopology(cfg.AMQP_EXCHANGE), signingKey } : undefined,
          log,
          metrics,
        });
        parts.publishing = pub;
        await pub.start();
      })),
    stopPublishing: () =>
      (publishingOps = publishingOps.then(async () => {
        const pub = parts.publishing;
        if (!pub || h.role === 'primary') return;
        parts.publishing = undefined;
        await pub.caughtUp(2_000);
        await pub.stop();
      })),
    publisherCursors: () =>
      Object.fromEntries((parts.publishing?.publishers ?? []).filter((p) => p.name !== 'redis').map((p) => [p.name, p.cursor])),
  });
  parts.dr = dr;
  await dr.start();

  const ops: { server: Server; port: number } = await startOpsServer(cfg.HOST_METRICS_ADDRESS, metrics, () => parts.host);
  const grpcServer: { server: grpc.Server; port: number } = await startGrpcServer(h, cfg.HOST_GRPC_ADDRESS, tls, {
    dr,
    deposits: cfg.HOST_DEPOSITS === 'on',
    peers: [cfg.HOST_PEER_ADDRESS, cfg.HOST_REPLICATE_FROM, ...Object.values(cfg.HOST_MEMBERS)].filter((a) => a !== ''),
  });
  log.info({ grpcPort: grpcServer.port, metricsPort: ops.port, role: h.role, epoch: h.epoch }, 'serving');

  // after a journal failure there is nothing safe to snapshot: stay quiet instead of failing every tick
  const timer =
    cfg.HOST_SNAPSHOT_INTERVAL_MS > 0
      ? setInterval(() => h.journalHealthy && void h.snapshotIfChanged(), cfg.HOST_SNAPSHOT_INTERVAL_MS)
      : undefined;
  timer?.unref();

  let stopping: Promise<void> | null = null;
  return {
    host: h,
    grpcPort: grpcServer.port,
    metricsPort: ops.port,
    get publishing() {
      return parts.publishing;
    },
    dr,
    metrics,
    stop(options = { snapshot: true }) {
      stopping ??= (async () => {
        if (timer) clearInterval(timer);
        // what was accepted reaches the standby first (bounded); then the replication streams, which
        // are long-lived calls, end, or the gRPC shutdown would wait on them
        if (h.role === 'primary') await dr.source.quiesce(cfg.HOST_REPLICATION_TIMEOUT_MS * 2);
        await dr.close();
        await new Promise<void>((resolve) => grpcServer.server.tryShutdown(() => resolve()));
        let failure: Error | null = null;
        try {
          await h.close({ snapshot: options.snapshot && h.journalHealthy });
        } catch (e) {
          // e.g. the journal had failed: still stop the rest in order, then report it
          failure = e instanceof Error ? e : new Error(String(e));
        }
        // give publishers a moment to confirm what is durable, then stop them (they resume from their cursors)
        await publishingOps;
        const pub = parts.publishing;
        await pub?.caughtUp(2_000);
        await pub?.stop();
        await mirroring;
        redis?.disconnect();
        await new Promise<void>((resolve) => ops.server.close(() => resolve()));
        if (failure) throw failure;
      })();
      return stopping;
    },
  };
}
