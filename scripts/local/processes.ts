/**
 * Child Node processes of the local stack, the tests and the benchmarks: output read line by line
 * (echoed under a name when asked; the last lines kept for error messages and test failures),
 * ready once a line matches, stopped with a signal (then SIGKILL if they linger) or killed outright.
 * One that exits by itself after it was ready is reported (`onCrash`), so its owner can say so and
 * restart it instead of going on without it.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface Managed {
  name: string;
  child: ChildProcess;
  /** the line that matched `ready` */
  readyLine: string;
  /** the last lines it printed (stdout and stderr) */
  output(): string;
  /** ask it to stop (SIGINT unless told), SIGKILL after 10 s; its exit code */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** kill -9: no flush, no goodbye */
  kill(): Promise<void>;
}

export interface ProcessOptions {
  /** the program to run with the arguments (default: this process's node) */
  command?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  ready: RegExp;
  timeoutMs?: number;
  echo?: boolean;
  /** every line it prints, as it prints it (instead of `echo`, e.g. to filter them) */
  onLine?: (line: string) => void;
  /** it exited after it was ready without stop() or kill() being asked: a crash */
  onCrash?: (exit: ProcessExit) => void;
  /** lines of output kept for output() (default 200) */
  keepLines?: number;
}

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export function startProcess(name: string, args: string[], options: ProcessOptions): Promise<Managed> {
  const child = spawn(options.command ?? process.execPath, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let asked = false;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const keep = options.keepLines ?? 200;
  const recent: string[] = [];
  const output = (): string => recent.join('\n');
  return new Promise((resolve, reject) => {
    let ready = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not become ready in time:\n${output()}`));
    }, options.timeoutMs ?? 90_000);
    const onLine = (line: string): void => {
      if (options.echo) process.stdout.write(`[${name}] ${line}\n`);
      options.onLine?.(line);
      recent.push(line);
      if (recent.length > keep) recent.shift();
      if (!ready && options.ready.test(line)) {
        ready = true;
        clearTimeout(timer);
        resolve({
          name,
          child,
          readyLine: line,
          output,
          stop: async (signal = 'SIGINT') => {
            asked = true;
            if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
            child.kill(signal);
            const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
            const code = await exited;
            clearTimeout(t);
            return code;
          },
          kill: async () => {
            asked = true;
            if (child.exitCode !== null || child.signalCode !== null) return;
            child.kill('SIGKILL');
            await exited;
          },
        });
      }
    };
    onLines(child, onLine);
    void exited.then((code) => {
      clearTimeout(timer);
      if (!ready) reject(new Error(`${name} exited (${code}) before it was ready:\n${output()}`));
      else if (!asked) options.onCrash?.({ code, signal: child.signalCode });
    });
  });
}

/** Each line a child prints on stdout or stderr, as it prints it. */
export function onLines(child: ChildProcess, onLine: (line: string) => void): void {
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
}
