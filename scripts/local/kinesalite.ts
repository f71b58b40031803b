/**
 * Kinesis stand-in for local runs and tests: kinesalite in this process (in memory unless a path
 * is given), on a loopback port (0: any free one).
 */
import kinesalite from 'kinesalite';
import { mkdirSync } from 'node:fs';

export interface LocalKinesis {
  endpoint: string;
  port: number;
  close(): Promise<void>;
}

export async function startKinesalite(port = 0, path?: string): Promise<LocalKinesis> {
  // leveldown creates only the last folder of the path (a fresh clone has no .data/)
  if (path) mkdirSync(path, { recursive: true });
  const server = kinesalite({ path, createStreamMs: 10, deleteStreamMs: 10, updateStreamMs: 10, shardLimit: 100 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  const actual = typeof addr === 'object' && addr ? addr.port : port;
  return {
    endpoint: `http://127.0.0.1:${actual}`,
    port: actual,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
