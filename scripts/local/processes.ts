/**
 * Child processes of the local stack: started with their output passed through line by line
 * under a name, ready once a line matches, stopped with SIGINT (then SIGKILL if they linger).
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface Managed {
  name: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export function startProcess(
  name: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; ready: RegExp; timeoutMs?: number; echo?: boolean },
): Promise<Managed> {
  const child = spawn(process.execPath, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // only the last lines are kept, for the error message if it never becomes ready
  const recent: string[] = [];
  return new Promise((resolve, reject) => {
    let ready = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not become ready in time:\n${recent.join('\n')}`));
    }, options.timeoutMs ?? 90_000);
    const onLine = (line: string): void => {
      if (options.echo) process.stdout.write(`[${name}] ${line}\n`);
      recent.push(line);
      if (recent.length > 40) recent.shift();
      if (!ready && options.ready.test(line)) {
        ready = true;
        clearTimeout(timer);
        resolve({
          name,
          child,
          stop: async () => {
            if (child.exitCode !== null) return;
            child.kill('SIGINT');
            const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
            await exited;
            clearTimeout(t);
          },
        });
      }
    };
    for (const stream of [child.stdout, child.stderr]) {
      let buf = '';
      stream?.on('data', (d: Buffer) => {
        buf += d.toString();
        let i;
        while ((i = buf.indexOf('\n')) >= 0) {
          onLine(buf.slice(0, i));
          buf = buf.slice(i + 1);
        }
      });
    }
    void exited.then(() => {
      clearTimeout(timer);
      if (!ready) reject(new Error(`${name} exited (${child.exitCode}) before it was ready:\n${recent.join('\n')}`));
    });
  });
}
