/**
 * Runs the matching host as a child process (main.ts under the engine's node flags) and reports
 * its ports once it serves. Used by the crash and publisher tests, the host benchmark and the
 * local stack.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { ENGINE_NODE_FLAGS } from '../engine/node-flags';

export interface HostProcess {
  child: ChildProcess;
  grpcPort: number;
  metricsPort: number;
  /** everything the host printed so far */
  output(): string;
  /** kill -9: no flush, no snapshot */
  kill(): Promise<void>;
  /** SIGTERM: graceful stop (flush + snapshot) */
  stop(): Promise<number | null>;
}

export function spawnHost(env: Record<string, string>, options: { timeoutMs?: number; script?: string; nodeArgs?: string[] } = {}): Promise<HostProcess> {
  const child = spawn(process.execPath, [...ENGINE_NODE_FLAGS, ...(options.nodeArgs ?? []), '--import', 'tsx', options.script ?? join(__dirname, 'main.ts')], {
    env: { ...process.env, HOST_GRPC_ADDRESS: '127.0.0.1:0', HOST_METRICS_ADDRESS: '127.0.0.1:0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`host did not start in time:\n${out}`));
    }, options.timeoutMs ?? 20_000);
    const onData = (): void => {
      const line = out.split('\n').find((l) => l.includes('"msg":"serving"'));
      if (!line) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      const { grpcPort, metricsPort } = JSON.parse(line) as { grpcPort: number; metricsPort: number };
      resolve({
        child,
        grpcPort,
        metricsPort,
        output: () => out,
        kill: async () => {
          child.kill('SIGKILL');
          await exited;
        },
        stop: async () => {
          child.kill('SIGTERM');
          return exited;
        },
      });
    };
    child.stdout?.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`host exited ${code} before serving:\n${out}`));
    });
  });
}
