import { readFileSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import { z } from 'zod';
import { brokerUrlProblem } from '../proto/broker-credentials';
import { REDIS_KEY_PREFIX_PATTERN, redisKeyPrefixFor } from '../proto/market-data-views';
import { redisUrlProblem } from '../proto/redis-connection';
import { orderEventSigningKey } from '../proto/order-event-signature';

/**
 * Commands between automatic snapshots. A restart loads the newest snapshot and replays at most
 * this many commands, so it bounds restart time (~0.4 s per 100k here); each snapshot costs a
 * ~10-20 ms capture on the matching thread and ~0.3 s of background work (every 5 s at 10k/s).
 */
export const DEFAULT_SNAPSHOT_EVERY = 50_000;

/**
 * The stage's market data stream, as serverless.yml names it (custom.names.marketDataStream): a
 * stage's own, so two stages in one account never share one.
 */
export const marketDataStreamFor = (stage: string): string => `exchange-${stage}-market-data`;

/** "" switches an optional downstream off. */
const optionalUrl = z.string().default('');

/** Host settings from the environment, validated once at start with a clear error. */
const schema = z
  .object({
    HOST_DATA_DIR: z.string().min(1).default('.data/matching-host'),
    HOST_GRPC_ADDRESS: z.string().min(1).default('127.0.0.1:50051'),
    /** Prometheus /metrics and load-balancer /health */
    HOST_METRICS_ADDRESS: z
      .string()
      .regex(/^[^:]+:\d+$/, 'expected host:port')
      .default('127.0.0.1:9464'),
    HOST_ROLE: z.enum(['primary', 'standby']).default('primary'),
    HOST_EPOCH: z.coerce.number().int().min(1).default(1),
    HOST_SNAPSHOT_EVERY: z.coerce.number().int().min(0).default(DEFAULT_SNAPSHOT_EVERY),
    /** also snapshot this often when anything happened since the last one (0: only by count) */
    HOST_SNAPSHOT_INTERVAL_MS: z.coerce.number().int().min(0).default(60_000),
    HOST_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    AWS_REGION: z.string().min(1).default('us-east-1'),
    /** DR: a standby follows this primary's journal (gRPC address) */
    HOST_REPLICATE_FROM: z.string().default(''),
    /** DR: the other region's host; a primary that finds it primary at a higher epoch fences itself */
    HOST_PEER_ADDRESS: z.string().default(''),
    /**
     * DR: watch the peer and follow it on finding it primary at a newer epoch (off: a host kept
     * aside, e.g. for inspection, follows only when a runbook fences it). Either way the peer is
     * the only address a Fence may name to follow.
     */
    HOST_PEER_WATCH: z.enum(['on', 'off']).default('on'),
    /** DR: sync acks a command only once a standby holds it (RPO 0); async ships it after the ack */
    HOST_REPLICATION: z.enum(['sync', 'async']).default('sync'),
    /** DR: how long an ack waits for the standby before it goes out unreplicated (counted) */
    HOST_REPLICATION_TIMEOUT_MS: z.coerce.number().int().min(1).default(1_000),
    /** the host group (dr/README.md): this host's id, e.g. us-east-1a (default: AWS_REGION) */
    HOST_ID: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/)
      .optional(),
    /** JSON: host id → gRPC address of every host of the group, both regions (whom a lease holder's id names) */
    HOST_MEMBERS: z
      .string()
      .default('{}')
      .transform((v, ctx) => {
        const r = z.record(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/), z.string().min(1)).safeParse(JSON.parse(v));
        if (!r.success) {
          ctx.addIssue({ code: 'custom', message: 'expected JSON {"<host id>": "<host:port>", ...}' });
          return z.NEVER;
        }
        return r.data;
      }),
    /** the control table holding the regions' primary leases ("" : no lease; roles move only by Promote and Fence) */
    HOST_LEASE_TABLE: z.string().default(''),
    /** the region whose lease this host may hold (default: AWS_REGION) */
    HOST_LEASE_KEY: z.string().optional(),
    /** the region whose lease holder this host follows as a standby (default: HOST_LEASE_KEY; the DR replica: the primary region) */
    HOST_FOLLOW: z.string().optional(),
    /** auto: a standby in the lease's in-sync set takes a lapsed lease; off: only a runbook promotes (the DR replica) */
    HOST_FAILOVER: z.enum(['auto', 'off']).default('auto'),
    /** how this host follows a primary: sync (acks wait for it: the in-region standby) or async (the DR replica) */
    HOST_FOLLOW_MODE: z.enum(['sync', 'async']).default('sync'),
    /** lease length; a standby takes over this long after the last renewal it saw */
    HOST_LEASE_MS: z.coerce.number().int().min(300).max(60_000).default(3_000),
    /** the primary stops acknowledging this long before its lease could lapse */
    HOST_LEASE_MARGIN_MS: z.coerce.number().int().min(50).default(500),
    /** dynalite locally; unset in AWS */
    AWS_ENDPOINT_URL_DYNAMODB: z.string().url().optional(),
    /** kinesalite locally; unset in AWS */
    AWS_ENDPOINT_URL_KINESIS: z.string().url().optional(),
    /** unset: the stage's stream (marketDataStreamFor); "" switches the Kinesis publisher off */
    KINESIS_STREAM: z.string().optional(),
    /** one node, or in cluster mode the configuration endpoint (`rediss://:<auth token>@host:port` for TLS; the instance writes it at boot) */
    REDIS_URL: optionalUrl.default('redis://127.0.0.1:6379'),
    /** true: REDIS_URL is a Redis Cluster (ElastiCache in cluster mode), as the functions' REDIS_CLUSTER says */
    REDIS_CLUSTER: z
      .enum(['true', 'false'])
      .default('false')
      .transform((v) => v === 'true'),
    /** the stack's Redis key prefix, the same the functions use (see market-data-views.ts) */
    REDIS_KEY_PREFIX: z.string().regex(REDIS_KEY_PREFIX_PATTERN, 'expected e.g. exchange:local:').optional(),
    /** the deployment stage (names the default Redis key prefix, as the functions' STAGE does) */
    STAGE: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/)
      .default('local'),
    /**
     * The host's TLS material: ca.crt, host.crt, host.key (its certificate serves gRPC and is what
     * it presents to its peer). npm start and the tests create a local CA; in AWS the instance
     * writes them from the secret store before the host starts.
     */
    HOST_TLS_DIR: z.string().min(1).default('.data/host-ca'),
    /**
     * Deposit credits simulated funding. On only where the stage has it (local); on a stage with
     * real money, funds arrive by the payment rails, never by a call to the host.
     */
    HOST_DEPOSITS: z.enum(['on', 'off']).optional(),
    AMQP_URL: optionalUrl.default('amqp://guest:guest@127.0.0.1:5672'),
    AMQP_EXCHANGE: z.string().min(1).default('order-events'),
    /**
     * The key order events are signed with (Ed25519, PKCS#8 PEM), or a file holding it (AWS: the
     * instance writes it from the secret store at boot, readable by the host's user only).
     */
    HOST_EVENT_SIGNING_KEY: z.string().default(''),
    HOST_EVENT_SIGNING_KEY_FILE: z.string().default(''),
  })
  .superRefine((c, ctx) => {
    if (c.HOST_LEASE_MARGIN_MS * 2 > c.HOST_LEASE_MS)
      ctx.addIssue({ code: 'custom', path: ['HOST_LEASE_MARGIN_MS'], message: 'must be at most half of HOST_LEASE_MS' });
    const broker = brokerUrlProblem(c.AMQP_URL, c.STAGE);
    if (broker) ctx.addIssue({ code: 'custom', path: ['AMQP_URL'], message: broker });
    const redis = c.REDIS_URL ? redisUrlProblem(c.REDIS_URL, c.REDIS_CLUSTER) : undefined;
    if (redis) ctx.addIssue({ code: 'custom', path: ['REDIS_URL'], message: redis });
    // consumers refuse unsigned events: locally a host without a key is a developer's choice, elsewhere a mistake
    if (c.AMQP_URL && c.STAGE !== 'local' && !c.HOST_EVENT_SIGNING_KEY && !c.HOST_EVENT_SIGNING_KEY_FILE)
      ctx.addIssue({
        code: 'custom',
        path: ['HOST_EVENT_SIGNING_KEY_FILE'],
        message: `stage ${c.STAGE} publishes order events: they must be signed`,
      });
  })
  // the stage's own Redis keys and stream unless told otherwise, as the functions do
  .transform((c) => ({
    ...c,
    KINESIS_STREAM: c.KINESIS_STREAM ?? marketDataStreamFor(c.STAGE),
    REDIS_KEY_PREFIX: c.REDIS_KEY_PREFIX ?? redisKeyPrefixFor(c.STAGE),
    HOST_DEPOSITS: c.HOST_DEPOSITS ?? (c.STAGE === 'local' ? 'on' : 'off'),
    HOST_ID: c.HOST_ID ?? c.AWS_REGION,
    HOST_LEASE_KEY: c.HOST_LEASE_KEY ?? c.AWS_REGION,
    HOST_FOLLOW: c.HOST_FOLLOW ?? c.HOST_LEASE_KEY ?? c.AWS_REGION,
  }));

export type HostConfig = z.infer<typeof schema>;

export function loadHostConfig(env: NodeJS.ProcessEnv = process.env): HostConfig {
  const r = schema.safeParse(env);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid matching host configuration:\n${lines.join('\n')}`);
  }
  return r.data;
}

/** The order-event signing key the configuration names, if any (throws on a key that is not Ed25519). */
export function eventSigningKeyOf(cfg: Pick<HostConfig, 'HOST_EVENT_SIGNING_KEY' | 'HOST_EVENT_SIGNING_KEY_FILE'>): KeyObject | undefined {
  const pem = cfg.HOST_EVENT_SIGNING_KEY || (cfg.HOST_EVENT_SIGNING_KEY_FILE ? readFileSync(cfg.HOST_EVENT_SIGNING_KEY_FILE, 'utf8') : '');
  return pem ? orderEventSigningKey(pem) : undefined;
}
