/**
 * PostgreSQL for a machine without one: PGlite (Postgres compiled to WebAssembly) served over the
 * Postgres wire protocol, so `pg` and every other client connect as to a server. It runs as a
 * process of its own (`startLocalPostgres`), data in `dataDir`.
 */
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startProcess, type ProcessOptions } from './processes';

export interface LocalPostgres {
  databaseUrl: string;
  close(): Promise<void>;
  /** kill -9 at once (this process is exiting) */
  kill(): void;
}

/** PGlite in a child process on 127.0.0.1:`port`. */
export async function startLocalPostgres(
  port: number,
  dataDir: string,
  output: Pick<ProcessOptions, 'echo' | 'onLine' | 'onCrash'> = {},
): Promise<LocalPostgres> {
  const p = await startProcess('pglite', ['--import', 'tsx', __filename, String(port), dataDir], {
    cwd: join(__dirname, '..', '..'),
    ready: /^ready /,
    ...output,
  });
  return {
    databaseUrl: `postgres://postgres@127.0.0.1:${port}/postgres`,
    close: async () => void (await p.stop()),
    kill: () => void (p.child.exitCode === null && p.child.kill('SIGKILL')),
  };
}

async function serve(port: number, dataDir: string): Promise<void> {
  // a fresh clone has no .data/: PGlite creates only the last folder of the path
  mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create({ dataDir });
  // more than one connection: the default of 1 resets a second client (the pool, the migrator, …)
  const server = new PGLiteSocketServer({ db, port, host: '127.0.0.1', maxConnections: 64 });
  await server.start();
  process.stdout.write(`ready postgres://postgres@127.0.0.1:${port}/postgres (PGlite, data in ${dataDir})\n`);
  const stop = (): void => {
    void server
      .stop()
      .then(() => db.close())
      .finally(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (require.main === module) {
  const [port, dataDir] = process.argv.slice(2);
  serve(Number(port), dataDir).catch((e: unknown) => {
    process.stderr.write(`PGlite failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
