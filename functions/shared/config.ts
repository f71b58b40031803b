/**
 * Configuration of every function, from the environment (serverless.yml sets it in AWS; the local
 * stack and tests set it here), validated once with one clear line per problem.
 */
import { z } from 'zod';
import { brokerUrlProblem } from '../../matching-host/proto/broker-credentials';
import { REDIS_KEY_PREFIX_PATTERN, redisKeyPrefixFor } from '../../matching-host/proto/market-data-views';
import { redisUrlProblem } from '../../matching-host/proto/redis-connection';

/** JSON text parsed, anything else left for the schema to refuse with a message ('' or unset: absent) */
const jsonOrRaw = (v: unknown): unknown => {
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
};
const LOCAL_AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';

const schema = z
  .object({
    STAGE: z.string().min(1).default('local'),
    DATABASE_URL: z.string().min(1).default('postgres://postgres@127.0.0.1:5432/exchange'),
    /** where the database password is read at run time (AWS: the secret RDS generates and rotates; field password); '' for none */
    DATABASE_SECRET: z.preprocess((v) => v || undefined, z.string().min(1).optional()),
    /** one node, or in cluster mode the configuration endpoint (`rediss://host:port` for TLS; the auth token from REDIS_AUTH_SECRET) */
    REDIS_URL: z.string().min(1).default('redis://127.0.0.1:6379'),
    /** true: REDIS_URL is a Redis Cluster (ElastiCache in cluster mode); the host's setting must say the same */
    /** where the Redis auth token is read at run time (ElastiCache with in-transit encryption; field token); '' for none */
    REDIS_AUTH_SECRET: z.preprocess((v) => v || undefined, z.string().min(1).optional()),
    REDIS_CLUSTER: z
      .enum(['true', 'false'])
      .default('false')
      .transform((v) => v === 'true'),
    /** the stack's Redis key prefix (one per stack on a shared Redis; see market-data-views.ts) */
    REDIS_KEY_PREFIX: z.string().regex(REDIS_KEY_PREFIX_PATTERN, 'expected e.g. exchange:local:').optional(),
    /** issuer and audience every access token carries and every check demands */
    JWT_ISSUER: z.string().min(1).default('https://exchange.local'),
    JWT_AUDIENCE: z.string().min(1).default('exchange-api'),
    /**
     * where the private JWK (Ed25519) the auth functions sign with is read at run time (secret-store.ts:
     * a Secrets Manager ARN or name, `file:` locally; field jwtSigningJwk); only they are given it
     */
    JWT_SIGNING_SECRET: z.string().min(1).optional(),
    /** the private JWK itself: tests and tools only, never a deployed function's environment */
    JWT_SIGNING_JWK: z.string().min(1).optional(),
    /** public JWKs accepted (JSON array); the signing key's public half and any key still rotating out (tests and tools; see PUBLIC_KEYS_SECRET) */
    JWT_VERIFY_JWKS: z.string().min(1).optional(),
    /** where the public keys are read at run time (public-keys.ts): a secret's ARN or name, `file:` locally */
    PUBLIC_KEYS_SECRET: z.string().min(1).optional(),
    /**
     * The matching host's mutual TLS: in AWS the secret store holds each caller role's material
     * (`<prefix><role>`, JSON {ca, cert, key}), read at run time; locally a directory of PEM files
     * (ca.crt, <role>.crt, <role>.key) that npm start and the tests create.
     */
    HOST_TLS_SECRET_PREFIX: z.preprocess((v) => v || undefined, z.string().min(1).optional()),
    HOST_TLS_DIR: z.preprocess((v) => v || undefined, z.string().min(1).default('.data/host-ca')),
    /** the matching host's gRPC address, when one region serves (no DR routing) */
    MATCHING_HOST_ADDRESS: z.string().min(1).default('127.0.0.1:50051'),
    /**
     * DR: each region's matching hosts, JSON region → {host id → gRPC address} (a region of one host
     * may give its address alone). Set, the functions talk to the active region's primary as its
     * lease names it (matching-host/server/dr/README.md); unset, to MATCHING_HOST_ADDRESS.
     */
    MATCHING_HOSTS: z
      .string()
      .optional()
      .transform((v, ctx) => {
        if (!v) return undefined;
        let json: unknown;
        try {
          json = JSON.parse(v);
        } catch {
          json = null;
        }
        const address = z.string().regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, 'expected host:port');
        const members = z.record(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/), address).refine((m) => Object.keys(m).length > 0);
        const r = z.record(z.string().min(1), z.union([address, members])).safeParse(json);
        // two regions (DR), or one region whose host pair fails over by its lease
        const hosts = r.success
          ? Object.values(r.data).reduce<number>((n, m) => n + (typeof m === 'string' ? 1 : Object.keys(m).length), 0)
          : 0;
        if (!r.success || hosts < 2) {
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            message:
              'expected JSON {"<region>": {"<host id>": "<host:port>", …}, …} (or "<region>": "<host:port>") naming at least two hosts',
          });
          return z.NEVER;
        }
        return Object.fromEntries(Object.entries(r.data).map(([region, m]) => [region, typeof m === 'string' ? { [region]: m } : m]));
      }),
    /** DR: the region that is active until the control record says otherwise */
    PRIMARY_REGION: z.string().min(1).default('us-east-1'),
    /** the control record (active region, DR approvals) */
    CONTROL_TABLE: z.string().min(1).default('exchange-local-control'),
    /** the DR runbooks (Standard state machines): their names */
    DR_FAILOVER_STATE_MACHINE: z.string().min(1).default('exchange-local-dr-failover'),
    DR_FAILBACK_STATE_MACHINE: z.string().min(1).default('exchange-local-dr-failback'),
    /** may a runbook be started without a second operator's approval (drills)? */
    DR_AUTO_APPROVE_ALLOWED: z
      .enum(['true', 'false'])
      .default('false')
      .transform((v) => v === 'true'),
    /** the hosts' blue-green release (statemachines/host-release.asl.json): its name */
    HOST_RELEASE_STATE_MACHINE: z.string().min(1).default('exchange-local-host-release'),
    /** the region whose hosts a release moves unless its input names one (AWS: the stack's region) */
    HOST_RELEASE_REGION: z.preprocess((v) => v || undefined, z.string().min(1).optional()),
    /**
     * AWS: host id → its auto-scaling group (JSON); a release sets the build in SSM and replaces the
     * instance. Unset: the local fleet, whose builds and versions are under HOST_RELEASES_DIR.
     */
    HOST_ASG_NAMES: z.preprocess(jsonOrRaw, z.record(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/), z.string().min(1)).optional()),
    HOST_RELEASES_DIR: z.preprocess((v) => v || undefined, z.string().min(1).default('.data/host-releases')),
    /** the CloudWatch alarms a release watches after its switch (JSON array of names; AWS only) */
    HOST_RELEASE_ALARMS: z.preprocess(jsonOrRaw, z.array(z.string().min(1)).optional()),
    /** how long a release watches the alarms after the switch, how often it looks, how long a replaced host may take */
    HOST_RELEASE_WATCH_SECONDS: z.coerce.number().int().min(0).max(3_600).default(600),
    HOST_RELEASE_POLL_SECONDS: z.coerce.number().int().min(1).max(60).default(10),
    HOST_RELEASE_READY_TIMEOUT_SECONDS: z.coerce.number().int().min(10).max(7_200).default(1_200),
    /** DynamoDB tables (names from serverless.yml, shared with resources/dynamodb.yml) */
    AUDIT_TABLE: z.string().min(1).default('exchange-local-audit'),
    CONNECTIONS_TABLE: z.string().min(1).default('exchange-local-ws-connections'),
    ORDER_HISTORY_TABLE: z.string().min(1).default('exchange-local-order-history'),
    /** how long order history is kept (DynamoDB TTL) */
    HISTORY_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(365),
    /** the WebSocket API's management endpoint (postToConnection) */
    WS_API_ENDPOINT: z.string().url().default('http://localhost:3001'),
    /** where the data keys for secrets at rest are read at run time (fields dataKeys, dataKeyId; see JWT_SIGNING_SECRET) */
    DATA_KEYS_SECRET: z.string().min(1).optional(),
    /** the data keys themselves (JSON: key id → base64 of 32 bytes) and the one that seals: tests and tools only */
    DATA_KEYS: z.string().min(1).optional(),
    DATA_KEY_ID: z.string().min(1).optional(),
    /**
     * Deposits from the simulated funding source (dev and test stages only). Off, a deposit is
     * refused: real funds arrive through a funding provider, which is not built yet.
     */
    SIMULATED_FUNDING: z
      .enum(['true', 'false'])
      .default('false')
      .transform((v) => v === 'true'),
    /**
     * the broker of the order-event queue (Amazon MQ); settlement announces batches and parks failed
     * ones there. Given only to the functions that use it; outside `local`, never guest or credential-less
     */
    AMQP_URL: z.string().min(1).optional(),
    /** where the broker's credentials are read at run time (fields username, password), added to AMQP_URL; '' for none */
    BROKER_SECRET: z.preprocess((v) => v || undefined, z.string().min(1).optional()),
    /** the matching host's order-event public keys (JSON array of PEMs): events not signed by one are refused (tests and tools; see PUBLIC_KEYS_SECRET) */
    ORDER_EVENT_VERIFY_KEYS: z.string().min(1).optional(),
    AMQP_EXCHANGE: z.string().min(1).default('order-events'),
    /** the settlement state machine (Express) the order-event consumer starts per batch of fills: its name */
    SETTLEMENT_STATE_MACHINE: z.string().min(1).default('exchange-local-settlement'),
    /** the release hooks only (functions/ops/release-service.ts): the stage's function names start with it */
    RELEASE_FUNCTION_PREFIX: z.string().min(1).optional(),
    /** register/login/refresh attempts per minute from one IP (rate-limit.ts authIpBudget) */
    AUTH_IP_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(20),
    ACCESS_TOKEN_TTL_S: z.coerce.number().int().min(60).max(3600).default(900),
    REFRESH_TOKEN_TTL_S: z.coerce
      .number()
      .int()
      .min(3600)
      .default(30 * 24 * 3600),
  })
  .superRefine((c, ctx) => {
    // with BROKER_SECRET the credentials come at run time (broker-url.ts checks the URL they make)
    const broker = c.AMQP_URL && !c.BROKER_SECRET ? brokerUrlProblem(c.AMQP_URL, c.STAGE) : undefined;
    if (broker) ctx.addIssue({ code: 'custom', path: ['AMQP_URL'], message: broker });
    const redis = redisUrlProblem(c.REDIS_URL, c.REDIS_CLUSTER);
    if (redis) ctx.addIssue({ code: 'custom', path: ['REDIS_URL'], message: redis });
  })
  // the stage's own Redis keys unless told otherwise, as the host and the scripts do; the local
  // broker's guest account only on the local stage (elsewhere a function not given the URL has none)
  .transform((c) => ({
    ...c,
    REDIS_KEY_PREFIX: c.REDIS_KEY_PREFIX ?? redisKeyPrefixFor(c.STAGE),
    AMQP_URL: c.AMQP_URL ?? (c.STAGE === 'local' ? LOCAL_AMQP_URL : ''),
  }));

export type AppConfig = z.infer<typeof schema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const r = schema.safeParse(env);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid function configuration:\n${lines.join('\n')}`);
  }
  return r.data;
}

let cached: AppConfig | undefined;
/** The process's configuration, loaded on first use (a Lambda container reuses it). */
export function config(): AppConfig {
  cached ??= loadConfig();
  return cached;
}
