/**
 * The matching host as a child process (main.ts under the engine's node flags), reporting its ports
 * once it serves. Used by `npm start`, the tests and the host benchmark.
 */
import { join } from 'node:path';
import { ENGINE_NODE_FLAGS } from '../../matching-host/engine/node-flags';
import { startProcess, type Managed, type ProcessOptions } from './processes';

const MAIN = join(__dirname, '..', '..', 'matching-host', 'server', 'main.ts');

export interface HostProcess extends Managed {
  grpcPort: number;
  metricsPort: number;
}

/**
 * Start a host. `env` is added to this process's environment; the gRPC and metrics addresses
 * default to OS-chosen loopback ports.
 */
export async function spawnHost(
  env: Record<string, string>,
  options: {
    timeoutMs?: number;
    script?: string;
    /** an installed build (npm run build:host's folder): its main.js runs instead of the sources */
    bundle?: string;
    nodeArgs?: string[];
    echo?: boolean;
    name?: string;
  } & Pick<ProcessOptions, 'onLine' | 'onCrash'> = {},
): Promise<HostProcess> {
  const p = await startProcess(
    options.name ?? 'host',
    options.bundle
      ? ['--enable-source-maps', ...ENGINE_NODE_FLAGS, ...(options.nodeArgs ?? []), join(options.bundle, 'main.js')]
      : [...ENGINE_NODE_FLAGS, ...(options.nodeArgs ?? []), '--import', 'tsx', options.script ?? MAIN],
    {
      cwd: join(__dirname, '..', '..'),
      env: { ...process.env, HOST_GRPC_ADDRESS: '127.0.0.1:0', HOST_METRICS_ADDRESS: '127.0.0.1:0', ...env },
      ready: /"msg":"serving"/,
      timeoutMs: options.timeoutMs ?? 20_000,
      echo: options.echo,
      onLine: options.onLine,
      onCrash: options.onCrash,
      keepLines: 500,
    },
  );
  const { grpcPort, metricsPort } = JSON.parse(p.readyLine) as { grpcPort: number; metricsPort: number };
  return Object.assign(p, { grpcPort, metricsPort });
}
