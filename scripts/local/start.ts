/**
 * `npm start`: the whole exchange on this machine.
 *   - PostgreSQL, Redis, RabbitMQ: the machine's servers (started if they are down and we may);
 *   - database migrations and the local JWT key (.data/local-secrets.json);
 *   - kinesalite (Kinesis) on :4567 with the market data stream;
 *   - the matching host (gRPC :50051, metrics/health :9464; data in .data/matching-host);
 *   - serverless offline (REST :3000, WebSocket :3001) with every function.
 * Ctrl-C stops everything (the host flushes and snapshots first).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startKinesalite } from './kinesalite';
import { startProcess, type Managed } from './processes';
import { ensureDevSecrets } from './dev-secrets';
import { migrateDatabase } from '../db-migrate';
import { ENGINE_NODE_FLAGS } from '../../matching-host/engine/node-flags';

const ROOT = join(__dirname, '..', '..');

export interface StackPorts {
  http: number;
  websocket: number;
  lambda: number;
  grpc: number;
  metrics: number;
  kinesis: number;
}

export const DEFAULT_PORTS: StackPorts = { http: 3000, websocket: 3001, lambda: 3002, grpc: 50051, metrics: 9464, kinesis: 4567 };

export interface Stack {
  stop(): Promise<void>;
}

export async function startStack(ports: StackPorts = DEFAULT_PORTS, options: { dataDir?: string; databaseUrl?: string; echo?: boolean } = {}): Promise<Stack> {
  const log = (m: string): void => {
    if (options.echo !== false) process.stdout.write(`[stack] ${m}\n`);
  };
  const services = spawnSync('bash', [join(ROOT, 'scripts', 'local', 'ensure-services.sh')], { stdio: 'inherit' });
  if (services.status !== 0) throw new Error('PostgreSQL, Redis or RabbitMQ is not available (scripts/local/ensure-services.sh)');
  const databaseUrl = options.databaseUrl ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/exchange';
  const applied = await migrateDatabase(databaseUrl);
  log(`database ready (${applied.length} migrations applied)`);
  await ensureDevSecrets();
  const kinesis = await startKinesalite(ports.kinesis, join(options.dataDir ?? join(ROOT, '.data'), 'kinesalite'));
  log(`kinesalite on ${kinesis.endpoint}`);
  const started: Managed[] = [];
  const stop = async (): Promise<void> => {
    for (const p of started.reverse()) await p.stop();
    await kinesis.close();
  };
  try {
    const env = { ...process.env, DATABASE_URL: databaseUrl, AWS_ENDPOINT_URL_KINESIS: kinesis.endpoint, AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' };
    started.push(
      await startProcess('host', [...ENGINE_NODE_FLAGS, '--import', 'tsx', join(ROOT, 'matching-host', 'server', 'main.ts')], {
        cwd: ROOT,
        env: {
          ...env,
          HOST_GRPC_ADDRESS: `127.0.0.1:${ports.grpc}`,
          HOST_METRICS_ADDRESS: `127.0.0.1:${ports.metrics}`,
          HOST_DATA_DIR: join(options.dataDir ?? join(ROOT, '.data'), 'matching-host'),
        },
        ready: /"msg":"serving"/,
        echo: options.echo,
      }),
    );
    log(`matching host: gRPC 127.0.0.1:${ports.grpc}, metrics and health http://127.0.0.1:${ports.metrics}`);
    started.push(
      await startProcess(
        'edge',
        [join(ROOT, 'node_modules', 'serverless', 'bin', 'serverless.js'), 'offline', 'start', '--stage', 'local',
          '--httpPort', String(ports.http), '--websocketPort', String(ports.websocket), '--lambdaPort', String(ports.lambda)],
        { cwd: ROOT, env: { ...env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' }, ready: /Server ready/, echo: options.echo },
      ),
    );
    log(`REST http://localhost:${ports.http}/v1, WebSocket ws://localhost:${ports.websocket}`);
  } catch (e) {
    await stop();
    throw e;
  }
  return { stop };
}

if (require.main === module) {
  startStack(DEFAULT_PORTS, { echo: true })
    .then((stack) => {
      process.stdout.write('[stack] ready; Ctrl-C stops it\n');
      let stopping = false;
      const shutdown = (): void => {
        if (stopping) return;
        stopping = true;
        void stack.stop().then(() => process.exit(0));
      };
      process.on('SIGINT', shutdown);
      process.on('SIGTERM', shutdown);
    })
    .catch((e: unknown) => {
      process.stderr.write(`[stack] failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    });
}
