/**
 * `npm start`: the whole exchange on this machine.
 *   - PostgreSQL: DATABASE_URL when given; otherwise PGlite (embedded Postgres) on :5433, data in
 *     .data/pglite, so a machine without PostgreSQL still starts;
 *   - Redis, RabbitMQ: REDIS_URL / AMQP_URL, or the machine's servers on their default ports
 *     (started if installed and down; if not installed, a line says how to install them);
 *   - database migrations and the local JWT key (.data/local-secrets.json);
 *   - dynalite (DynamoDB) on :4569 with the tables of resources/dynamodb.yml;
 *   - kinesalite (Kinesis) on :4567 with the market data stream;
 *   - two matching hosts: "us-east-1" primary (gRPC :50051, metrics/health :9464; data in
 *     .data/matching-host) and "us-west-2" its standby, replicating its journal synchronously
 *     (gRPC :50052, :9465; .data/matching-host-us-west-2); the functions talk to the active one;
 *   - serverless offline (REST :3000, WebSocket :3001) with every function;
 *   - the page of the API documents (OpenAPI and AsyncAPI) on :8084.
 * It prints each component as it comes up, the table of URLs, then only warnings, errors and one
 * line per failed request (`--verbose` or EXCHANGE_VERBOSE=1: everything). A component that dies
 * is named at once and restarted (three times in five minutes at most, then the stack stops and
 * exits non-zero). Ctrl-C stops everything (the host flushes and snapshots first).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ensureTables, serviceNames, startDynalite } from './dynamo-tables';
import { startKinesalite } from './kinesalite';
import { startLocalPostgres, type LocalPostgres } from './pglite';
import { freePort } from './region-hosts';
import { HOST_IDS, startHostGroup, type HostGroup, type HostId } from './host-group';
import { invokeForResult } from './invoke-function';
import { startProcess, type Managed } from './processes';
import { startStepFunctions, stateMachines } from './step-functions';
import { consumeOrderEvents, type QueueConsumer } from './queue-consumer';
import { pollStream, type Poller } from './stream-poller';
import { ensureDevSecrets } from './dev-secrets';
import { migrateDatabase } from '../db-migrate';
import { DEFAULT_PORTS, portsFromEnv, type StackPorts } from './ports';
import { consoleFilter, repeatSuppressor } from './console-filter';
import { supervisor } from './supervisor';
import { assertPortsFree } from './free-ports';
import type { ProcessOptions } from './processes';
import { DEFAULT_REDIS_KEY_PREFIX } from '../../matching-host/proto/market-data-views';
import { serveApiDocs } from '../api-docs-html';
import { ensureHostCa } from './host-ca';

const ROOT = join(__dirname, '..', '..');

export { DEFAULT_PORTS, type StackPorts } from './ports';

const REDIS_DEFAULT = 'redis://127.0.0.1:6379';
const AMQP_DEFAULT = 'amqp://guest:guest@127.0.0.1:5672';

// Node 20 is supported here (package.json engines); the SDK's notice about its 2027 releases,
// printed by every process that loads it, is for whoever upgrades the SDK, not for each run
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export interface StackOptions {
  /** where every component keeps its data (default .data/ in the repository); created if missing */
  dataDir?: string;
  /** a PostgreSQL server; without it, PGlite in `dataDir` */
  databaseUrl?: string;
  /** false: print nothing (tests); default true */
  echo?: boolean;
  /** print every line of every component, not only warnings and errors */
  verbose?: boolean;
  /** the order-event exchange (and its queues' prefix), for stacks sharing a broker */
  amqpExchange?: string;
  /** every Redis key of the stack starts with it, for stacks sharing a Redis */
  redisKeyPrefix?: string;
  /** register/login/refresh attempts per minute from one IP (the local stage is generous) */
  authIpPerMinute?: number;
  /** a component died and would not stay up: the stack is beyond repair (npm start stops and exits 1) */
  onFatal?: (message: string) => void;
}

export interface Stack {
  /** the host group: the primary, its in-region standby, the DR replica */
  hosts: HostGroup;
  stop(): Promise<void>;
}

export async function startStack(ports: StackPorts = DEFAULT_PORTS, options: StackOptions = {}): Promise<Stack> {
  const echo = options.echo !== false;
  const verbose = echo && options.verbose === true;
  /** a component's output: all of it when verbose, else what the console filter lets through */
  const output = (name: string, kind: 'edge' | 'host' | 'service'): { hooks: Pick<ProcessOptions, 'echo' | 'onLine'>; ready(): void } => {
    if (!echo || verbose) return { hooks: { echo: verbose }, ready: () => undefined };
    const f = consoleFilter(kind);
    return {
      hooks: {
        onLine: (l) => {
          const shown = f.line(l);
          if (shown !== undefined) process.stdout.write(`[${name}] ${shown}\n`);
        },
      },
      ready: f.ready,
    };
  };
  const say = (m: string): void => {
    if (echo) process.stdout.write(`[stack] ${m}\n`);
  };
  // the stack's own messages fold repeats (a heartbeat failing every 5 s); what the supervisor
  // says never is: each death is news
  const log = repeatSuppressor(say);
  const watch = supervisor({ say, fatal: options.onFatal ?? say });

  const dataDir = options.dataDir ?? join(ROOT, '.data');
  mkdirSync(dataDir, { recursive: true });
  const usesPglite = !(options.databaseUrl ?? process.env.DATABASE_URL);
  await assertPortsFree({
    'REST API': ports.http,
    WebSocket: ports.websocket,
    'Lambda endpoint': ports.lambda,
    'matching host gRPC': ports.grpc,
    'matching host metrics': ports.metrics,
    'standby gRPC': ports.grpcStandby,
    'standby metrics': ports.metricsStandby,
    Kinesis: ports.kinesis,
    DynamoDB: ports.dynamodb,
    'Step Functions': ports.stepFunctions,
    'API documents': ports.apiDocs,
    ...(usesPglite ? { PostgreSQL: ports.postgres } : {}),
  });
  const redisUrl = process.env.REDIS_URL ?? REDIS_DEFAULT;
  const amqpUrl = process.env.AMQP_URL ?? AMQP_DEFAULT;
  const amqpExchange = options.amqpExchange ?? process.env.AMQP_EXCHANGE ?? 'order-events';
  const redisKeyPrefix = options.redisKeyPrefix ?? process.env.REDIS_KEY_PREFIX ?? DEFAULT_REDIS_KEY_PREFIX;
  // the machine's servers only where no URL points elsewhere
  const machine = [...(redisUrl === REDIS_DEFAULT ? ['redis'] : []), ...(amqpUrl === AMQP_DEFAULT ? ['rabbitmq'] : [])];
  if (machine.length) {
    const services = spawnSync('bash', [join(ROOT, 'scripts', 'local', 'ensure-services.sh'), ...machine], {
      stdio: echo ? 'inherit' : 'pipe',
      encoding: 'utf8',
    });
    if (services.status !== 0)
      throw new Error(`${machine.join(' or ')} is not available${echo ? ' (see the line above)' : `: ${services.stderr.trim()}`}`);
  }
  let pglite: LocalPostgres | undefined;
  let databaseUrl = options.databaseUrl ?? process.env.DATABASE_URL;
  if (!databaseUrl) {
    const pgOut = output('pglite', 'service');
    const startPglite = async (): Promise<LocalPostgres> => {
      const pg = await startLocalPostgres(ports.postgres, join(dataDir, 'pglite'), {
        ...pgOut.hooks,
        onCrash: watch.watch('PostgreSQL (PGlite)', async () => (pglite = await startPglite())),
      });
      pgOut.ready();
      return pg;
    };
    pglite = await startPglite();
    databaseUrl = pglite.databaseUrl;
    log(`PostgreSQL: embedded PGlite on ${databaseUrl} (set DATABASE_URL to use a server)`);
  }
  const applied = await migrateDatabase(databaseUrl);
  log(`database ready (${applied.length} migrations applied)`);
  const secrets = await ensureDevSecrets();
  const dynamo = await startDynalite(ports.dynamodb, join(dataDir, 'dynalite'));
  const created = await ensureTables(dynamo.endpoint);
  log(`dynalite on ${dynamo.endpoint}${created.length ? ` (created ${created.join(', ')})` : ''}`);
  const kinesis = await startKinesalite(ports.kinesis, join(dataDir, 'kinesalite'));
  log(`kinesalite on ${kinesis.endpoint}`);
  // its Tasks call the functions through serverless offline's Lambda endpoint (up a little later)
  const stepFunctions = await startStepFunctions({
    port: ports.stepFunctions,
    invoke: (fn, input) => invokeForResult(ports.lambda, fn, input),
  });
  log(
    `Step Functions on ${stepFunctions.endpoint} (${stateMachines()
      .map((m) => m.name)
      .join(', ')})`,
  );
  let apiDocs: Awaited<ReturnType<typeof serveApiDocs>> | undefined;
  let edge: Managed | undefined;
  let hosts: HostGroup | undefined;
  let poller: Poller | undefined;
  let queue: QueueConsumer | undefined;
  // every step runs whatever the one before did: a failed step must not leave processes behind
  const stop = async (): Promise<void> => {
    // a restart under way finishes first, so what it brings up is stopped below, not left behind
    await watch.stop();
    const steps: [string, () => unknown][] = [
      ['stream poller', () => poller?.stop()],
      ['queue consumer', () => queue?.stop()],
      ['edge', () => edge?.stop()],
      ['matching hosts', () => hosts?.stop()],
      ['step functions', () => stepFunctions.close()],
      ['API documents', () => apiDocs?.close()],
      ['kinesalite', () => kinesis.close()],
      ['dynalite', () => dynamo.close()],
      ['pglite', () => pglite?.close()],
    ];
    for (const [name, step] of steps) {
      try {
        await step();
      } catch (e) {
        log(`stopping ${name} failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  };
  // if this process dies anyway, its children go with it
  process.once('exit', () => {
    if (edge?.child.exitCode === null) edge.child.kill('SIGKILL');
    for (const id of HOST_IDS) hosts?.host(id)?.child.kill('SIGKILL');
    pglite?.kill();
  });
  try {
    // the API documents as committed, rendered once (npm run docs:api writes the same page)
    if (ports.apiDocs !== undefined) apiDocs = await serveApiDocs(ports.apiDocs);
    // what the host and the functions are told about the services around them
    const marketDataStream = serviceNames('local').marketDataStream;
    const shared: Record<string, string> = {
      DATABASE_URL: databaseUrl,
      AMQP_EXCHANGE: amqpExchange,
      WS_API_ENDPOINT: `http://localhost:${ports.websocket}`,
      REDIS_URL: redisUrl,
      REDIS_KEY_PREFIX: redisKeyPrefix,
      AMQP_URL: amqpUrl,
      MATCHING_HOST_ADDRESS: `127.0.0.1:${ports.grpc}`,
      // the hosts' mutual TLS: a CA of this checkout's own, made once (the hosts and functions read it)
      HOST_TLS_DIR: ensureHostCa(join(dataDir, 'host-ca')),
      AWS_ENDPOINT_URL_KINESIS: kinesis.endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_SFN: stepFunctions.endpoint,
      AWS_REGION: 'us-east-1',
      // the host fleet's stand-in: installed builds and which each host runs (npm run release:host)
      HOST_RELEASES_DIR: join(dataDir, 'host-releases'),
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      ...(options.authIpPerMinute ? { AUTH_IP_PER_MINUTE: String(options.authIpPerMinute) } : {}),
    };
    const hostOut = Object.fromEntries(HOST_IDS.map((id) => [id, output(`host ${id}`, 'host')])) as Record<
      HostId,
      ReturnType<typeof output>
    >;
    const group: HostGroup = await startHostGroup({
      // the order-event signing key: the hosts' alone (the functions get the public half from serverless.yml)
      // the market data stream as serverless.yml names it for the stage; the stream poller reads the same one
      env: { ...shared, KINESIS_STREAM: marketDataStream, HOST_EVENT_SIGNING_KEY: secrets.orderEventSigningKey },
      leaseTable: serviceNames('local').controlTable,
      dataDir,
      dataDirs: {
        'us-east-1a': join(dataDir, 'matching-host'),
        'us-east-1b': join(dataDir, 'matching-host-us-east-1b'),
        'us-west-2a': join(dataDir, 'matching-host-us-west-2'),
      },
      ports: {
        'us-east-1a': { grpc: ports.grpc, metrics: ports.metrics },
        'us-east-1b': { grpc: ports.grpcPair ?? (await freePort()), metrics: ports.metricsPair ?? (await freePort()) },
        'us-west-2a': { grpc: ports.grpcStandby ?? (await freePort()), metrics: ports.metricsStandby ?? (await freePort()) },
      },
      echo: verbose,
      // a crashed host comes back on its data and rejoins as the lease says (primary, or a follower of the holder)
      output: (id) => ({ ...hostOut[id].hooks, onCrash: watch.watch(`matching host ${id}`, () => group.start(id)) }),
      timeoutMs: 90_000,
      releases: join(dataDir, 'host-releases'),
      onReplaced: (id, version, error) =>
        log(
          error
            ? `matching host ${id} did not start on build ${version}: ${error.message.split('\n')[0]}`
            : `matching host ${id} now runs build ${version}`,
        ),
    });
    hosts = group;
    for (const id of HOST_IDS) hostOut[id].ready();
    // the functions route to the active region's primary (control record, then the region's lease), not to a fixed address
    shared.MATCHING_HOSTS = JSON.stringify(hosts.regions);
    log(
      `matching hosts: us-east-1a (primary) ${hosts.addresses['us-east-1a']}, us-east-1b (standby, synchronous, takes over by itself) ${hosts.addresses['us-east-1b']}, us-west-2a (DR replica, asynchronous) ${hosts.addresses['us-west-2a']}`,
    );
    const edgeOut = output('edge', 'edge');
    const startEdge = async (): Promise<Managed> => {
      const p = await startProcess(
        'edge',
        [
          join(ROOT, 'node_modules', 'serverless', 'bin', 'serverless.js'),
          'offline',
          'start',
          '--stage',
          'local',
          '--httpPort',
          String(ports.http),
          '--websocketPort',
          String(ports.websocket),
          '--lambdaPort',
          String(ports.lambda),
        ],
        {
          cwd: ROOT,
          env: { ...process.env, ...shared, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' },
          ready: /Server ready/,
          ...edgeOut.hooks,
          onCrash: watch.watch('the edge (serverless offline: REST and WebSocket)', async () => (edge = await startEdge())),
        },
      );
      edgeOut.ready();
      return p;
    };
    log('starting the edge (serverless offline builds every function: about 20-40 s)');
    edge = await startEdge();
    poller = pollStream({
      kinesisEndpoint: kinesis.endpoint,
      streamName: marketDataStream,
      lambdaPort: ports.lambda,
      consumer: 'exchange-local-streamsMarketDataFanout',
      heartbeat: 'exchange-local-streamsHeartbeat',
      log,
    });
    queue = await consumeOrderEvents({
      amqpUrl,
      exchange: amqpExchange,
      lambdaPort: ports.lambda,
      fn: 'exchange-local-streamsOrderEvents',
      log,
    });
    log(
      [
        'the exchange is up:',
        `  REST API        http://localhost:${ports.http}/v1`,
        `  WebSocket API   ws://localhost:${ports.websocket}`,
        ...(apiDocs
          ? [`  API documents   ${apiDocs.url} (REST and WebSocket; npm run docs:api writes the same page to .data/api-docs/)`]
          : []),
        `  matching hosts  us-east-1a (primary) grpc ${hosts.addresses['us-east-1a']}, health http://127.0.0.1:${ports.metrics}/health, metrics /metrics`,
        `                  us-east-1b (standby, takes over by itself) grpc ${hosts.addresses['us-east-1b']}`,
        `                  us-west-2a (DR replica) grpc ${hosts.addresses['us-west-2a']}; npm run dr:failover -- --auto-approve moves to it`,
        `  PostgreSQL      ${databaseUrl}`,
        `  Redis           ${redisUrl} (keys under ${redisKeyPrefix})`,
        `  RabbitMQ        ${amqpUrl.replace(/\/\/[^@]*@/, '//')} (exchange ${amqpExchange})`,
        `  DynamoDB        ${dynamo.endpoint} (dynalite)`,
        `  Kinesis         ${kinesis.endpoint} (kinesalite)`,
        `  Step Functions  ${stepFunctions.endpoint} (aws-local-stepfunctions)`,
        `  data            ${dataDir}`,
        verbose ? '' : 'from now on only warnings, errors and failed requests are shown (npm start -- --verbose shows everything)',
      ].join('\n'),
    );
  } catch (e) {
    await stop();
    throw e;
  }
  return { hosts, stop };
}

if (require.main === module) {
  const verbose = process.argv.includes('--verbose') || /^(1|true|yes)$/i.test(process.env.EXCHANGE_VERBOSE ?? '');
  let stack: Stack | undefined;
  let stopping = false;
  const shutdown = (code: number): void => {
    if (stopping) return;
    stopping = true;
    void (stack?.stop() ?? Promise.resolve()).finally(() => {
      process.stdout.write(`[stack] stopped${code ? '' : ' (the hosts flushed and snapshotted)'}\n`);
      process.exit(code);
    });
  };
  const onFatal = (m: string): void => {
    process.stderr.write(`[stack] ${m}\n`);
    shutdown(1);
  };
  startStack(portsFromEnv(), { echo: true, verbose, onFatal })
    .then((s) => {
      stack = s;
      process.stdout.write('[stack] ready; Ctrl-C stops it\n');
      process.on('SIGINT', () => shutdown(0));
      process.on('SIGTERM', () => shutdown(0));
    })
    .catch((e: unknown) => {
      process.stderr.write(`[stack] failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    });
}
