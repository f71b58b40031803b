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
 *   - serverless offline (REST :3000, WebSocket :3001) with every function.
 * Ctrl-C stops everything (the host flushes and snapshots first).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureTables, startDynalite } from './dynamo-tables';
import { startKinesalite } from './kinesalite';
import { startLocalPostgres, type LocalPostgres } from './pglite';
import { freePort, REGIONS, startRegionHosts, type RegionHosts } from './region-hosts';
import { invokeForResult } from './invoke-function';
import { startProcess, type Managed } from './processes';
import { startStepFunctions, stateMachines } from './step-functions';
import { consumeOrderEvents, type QueueConsumer } from './queue-consumer';
import { pollStream, type Poller } from './stream-poller';
import { ensureDevSecrets } from './dev-secrets';
import { migrateDatabase } from '../db-migrate';
import { DEFAULT_PORTS, type StackPorts } from './ports';

const ROOT = join(__dirname, '..', '..');

export { DEFAULT_PORTS, type StackPorts } from './ports';

const REDIS_DEFAULT = 'redis://127.0.0.1:6379';
const AMQP_DEFAULT = 'amqp://guest:guest@127.0.0.1:5672';

export interface Stack {
  /** the two regions' matching hosts */
  hosts: RegionHosts;
  stop(): Promise<void>;
}

export async function startStack(
  ports: StackPorts = DEFAULT_PORTS,
  /** `amqpExchange`: the order-event exchange (and its queues' prefix), for stacks sharing a broker */
  options: { dataDir?: string; databaseUrl?: string; echo?: boolean; amqpExchange?: string } = {},
): Promise<Stack> {
  const log = (m: string): void => {
    if (options.echo !== false) process.stdout.write(`[stack] ${m}\n`);
  };
  const dataDir = options.dataDir ?? join(ROOT, '.data');
  const redisUrl = process.env.REDIS_URL ?? REDIS_DEFAULT;
  const amqpUrl = process.env.AMQP_URL ?? AMQP_DEFAULT;
  const amqpExchange = options.amqpExchange ?? process.env.AMQP_EXCHANGE ?? 'order-events';
  // the machine's servers only where no URL points elsewhere
  const machine = [...(redisUrl === REDIS_DEFAULT ? ['redis'] : []), ...(amqpUrl === AMQP_DEFAULT ? ['rabbitmq'] : [])];
  if (machine.length) {
    const services = spawnSync('bash', [join(ROOT, 'scripts', 'local', 'ensure-services.sh'), ...machine], { stdio: 'inherit' });
    if (services.status !== 0) throw new Error(`${machine.join(' or ')} is not available (see the line above)`);
  }
  let pglite: LocalPostgres | undefined;
  let databaseUrl = options.databaseUrl ?? process.env.DATABASE_URL;
  if (!databaseUrl) {
    pglite = await startLocalPostgres(ports.postgres, join(dataDir, 'pglite'), options.echo);
    databaseUrl = pglite.databaseUrl;
    log(`PostgreSQL: embedded PGlite on ${databaseUrl} (set DATABASE_URL to use a server)`);
  }
  const applied = await migrateDatabase(databaseUrl);
  log(`database ready (${applied.length} migrations applied)`);
  await ensureDevSecrets();
  const dynamo = await startDynalite(ports.dynamodb, join(dataDir, 'dynalite'));
  const created = await ensureTables(dynamo.endpoint);
  log(`dynalite on ${dynamo.endpoint}${created.length ? ` (created ${created.join(', ')})` : ''}`);
  const kinesis = await startKinesalite(ports.kinesis, join(dataDir, 'kinesalite'));
  log(`kinesalite on ${kinesis.endpoint}`);
  // its Tasks call the functions through serverless offline's Lambda endpoint (up a little later)
  const stepFunctions = await startStepFunctions({ port: ports.stepFunctions, invoke: (fn, input) => invokeForResult(ports.lambda, fn, input) });
  log(`Step Functions on ${stepFunctions.endpoint} (${stateMachines().map((m) => m.name).join(', ')})`);
  const started: Managed[] = [];
  let hosts: RegionHosts | undefined;
  let poller: Poller | undefined;
  let queue: QueueConsumer | undefined;
  // every step runs whatever the one before did: a failed step must not leave processes behind
  const stop = async (): Promise<void> => {
    const steps: [string, () => unknown][] = [
      ['stream poller', () => poller?.stop()],
      ['queue consumer', () => queue?.stop()],
      ...started.reverse().map((p): [string, () => unknown] => [p.name, () => p.stop()]),
      ['matching hosts', () => hosts?.stop()],
      ['step functions', () => stepFunctions.close()],
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
    for (const p of started) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    for (const r of REGIONS) hosts?.host(r)?.child.kill('SIGKILL');
    pglite?.kill();
  });
  try {
    // what the host and the functions are told about the services around them
    const shared: Record<string, string> = {
      DATABASE_URL: databaseUrl, AMQP_EXCHANGE: amqpExchange, WS_API_ENDPOINT: `http://localhost:${ports.websocket}`, REDIS_URL: redisUrl, AMQP_URL: amqpUrl, MATCHING_HOST_ADDRESS: `127.0.0.1:${ports.grpc}`,
      AWS_ENDPOINT_URL_KINESIS: kinesis.endpoint, AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint, AWS_ENDPOINT_URL_SFN: stepFunctions.endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local',
    };
    hosts = await startRegionHosts({
      env: shared,
      dataDir,
      dataDirs: { 'us-east-1': join(dataDir, 'matching-host'), 'us-west-2': join(dataDir, 'matching-host-us-west-2') },
      ports: {
        'us-east-1': { grpc: ports.grpc, metrics: ports.metrics },
        'us-west-2': { grpc: ports.grpcStandby ?? (await freePort()), metrics: ports.metricsStandby ?? (await freePort()) },
      },
      echo: options.echo,
      timeoutMs: 90_000,
    });
    // the functions route to the active region's host (control record), not to a fixed address
    shared.MATCHING_HOSTS = JSON.stringify(hosts.addresses);
    log(`matching hosts: us-east-1 (primary) ${hosts.addresses['us-east-1']}, us-west-2 (standby, replicating) ${hosts.addresses['us-west-2']}`);
    started.push(
      await startProcess(
        'edge',
        [join(ROOT, 'node_modules', 'serverless', 'bin', 'serverless.js'), 'offline', 'start', '--stage', 'local',
          '--httpPort', String(ports.http), '--websocketPort', String(ports.websocket), '--lambdaPort', String(ports.lambda)],
        { cwd: ROOT, env: { ...process.env, ...shared, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' }, ready: /Server ready/, echo: options.echo },
      ),
    );
    poller = pollStream({
      kinesisEndpoint: kinesis.endpoint, streamName: 'exchange-market-data', lambdaPort: ports.lambda,
      consumer: 'exchange-local-streamsMarketDataFanout', heartbeat: 'exchange-local-streamsHeartbeat', log,
    });
    queue = await consumeOrderEvents({ amqpUrl, exchange: amqpExchange, lambdaPort: ports.lambda, fn: 'exchange-local-streamsOrderEvents', log });
    log(
      [
        'the exchange is up:',
        `  REST API        http://localhost:${ports.http}/v1`,
        `  WebSocket API   ws://localhost:${ports.websocket}`,
        `  matching hosts  us-east-1 (primary) grpc ${hosts.addresses['us-east-1']}, health http://127.0.0.1:${ports.metrics}/health, metrics /metrics`,
        `                  us-west-2 (standby) grpc ${hosts.addresses['us-west-2']}; npm run dr:failover -- --auto-approve moves to it`,
        `  PostgreSQL      ${databaseUrl}`,
        `  Redis           ${redisUrl}`,
        `  RabbitMQ        ${amqpUrl.replace(/\/\/[^@]*@/, '//')}`,
        `  DynamoDB        ${dynamo.endpoint} (dynalite)`,
        `  Kinesis         ${kinesis.endpoint} (kinesalite)`,
        `  Step Functions  ${stepFunctions.endpoint} (aws-local-stepfunctions)`,
      ].join('\n'),
    );
  } catch (e) {
    await stop();
    throw e;
  }
  return { hosts, stop };
}

if (require.main === module) {
  startStack(DEFAULT_PORTS, { echo: true })
    .then((stack) => {
      process.stdout.write('[stack] ready; Ctrl-C stops it\n');
      let stopping = false;
      const shutdown = (): void => {
        if (stopping) return;
        stopping = true;
        void stack.stop().finally(() => process.exit(0));
      };
      process.on('SIGINT', shutdown);
      process.on('SIGTERM', shutdown);
    })
    .catch((e: unknown) => {
      process.stderr.write(`[stack] failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    });
}
