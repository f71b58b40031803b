/**
 * A real Redis Cluster for a test (what ElastiCache runs in cluster mode): three masters started
 * from the machine's `redis-server` on free ports in a temporary directory, no persistence, joined
 * by `redis-cli --cluster create`, with an auth token (`requirepass`) as ElastiCache's. `stop`
 * kills the nodes and removes the directory; a test process that ends without calling it kills
 * them too. Nothing here touches another stack's Redis.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { freePort } from '../../scripts/local/region-hosts';
import { until } from './until';

export interface RedisClusterUnderTest {
  /** the URL a client is given (any node; the client finds the others): `redis://default:<token>@127.0.0.1:<port>` */
  url: string;
  /** every master's port */
  ports: number[];
  token: string;
  stop(): Promise<void>;
}

function exited(p: ChildProcess): Promise<void> {
  return p.exitCode !== null || p.signalCode !== null ? Promise.resolve() : new Promise((r) => p.once('exit', () => r()));
}

/** One PING on a connection of its own (a node still starting refuses it: thrown). */
async function ping(port: number, password: string): Promise<string> {
  const r = new Redis({ port, host: '127.0.0.1', password, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  r.on('error', () => undefined);
  try {
    await r.connect();
    return await r.ping();
  } finally {
    r.disconnect();
  }
}

/**
 * `masters` nodes joined into a cluster. A start that fails (a port taken between its pick and
 * redis-server's bind, by anything else on the machine) is tried once more on other ports.
 */
export async function startRedisCluster(masters = 3): Promise<RedisClusterUnderTest> {
  try {
    return await startOnce(masters);
  } catch (first) {
    return await startOnce(masters).catch((e: unknown) => {
      throw new Error(`no Redis Cluster: ${(first as Error).message}; again: ${(e as Error).message}`);
    });
  }
}

async function startOnce(masters: number): Promise<RedisClusterUnderTest> {
  const dir = mkdtempSync(join(tmpdir(), 'redis-cluster-'));
  const token = randomBytes(18).toString('base64url');
  const nodes: { port: number; process: ChildProcess }[] = [];
  const killAll = (): void => {
    for (const n of nodes) if (n.process.exitCode === null) n.process.kill('SIGKILL');
  };
  process.once('exit', killAll);
  const stop = async (): Promise<void> => {
    process.off('exit', killAll);
    for (const n of nodes) n.process.kill('SIGTERM');
    const all = Promise.all(nodes.map((n) => exited(n.process)));
    const late = setTimeout(killAll, 3_000);
    await all;
    clearTimeout(late);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < masters; i++) {
      // the client port and the cluster bus port (given explicitly: port + 10000 may be taken or out of range)
      const [port, bus] = [await freePort(), await freePort()];
      const args = [
        ...['--port', String(port), '--cluster-port', String(bus), '--bind', '127.0.0.1'],
        ...['--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${port}.conf`), '--cluster-node-timeout', '5000'],
        ...['--dir', dir, '--appendonly', 'no', '--save', '', '--daemonize', 'no'],
        ...['--requirepass', token, '--masterauth', token, '--logfile', join(dir, `redis-${port}.log`)],
      ];
      nodes.push({ port, process: spawn('redis-server', args, { stdio: 'ignore' }) });
    }
    const log = (port: number): string => {
      try {
        return readFileSync(join(dir, `redis-${port}.log`), 'utf8').slice(-2_000);
      } catch {
        return '';
      }
    };
    for (const n of nodes) {
      const r = await until(
        `redis-server on ${n.port} answers`,
        async () => (n.process.exitCode !== null ? `exited: ${log(n.port)}` : await ping(n.port, token)),
        (v) => v === 'PONG' || v.startsWith('exited'),
        10_000,
      );
      if (r !== 'PONG') throw new Error(`redis-server on ${n.port} ${r}`);
    }
    const create = spawnSync(
      'redis-cli',
      ['-a', token, '--no-auth-warning', '--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`)].concat([
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ]),
      { encoding: 'utf8', timeout: 30_000 },
    );
    if (create.status !== 0) throw new Error(`redis-cli --cluster create failed: ${create.stdout}${create.stderr}`);
    for (const n of nodes) {
      const node = new Redis({ port: n.port, host: '127.0.0.1', password: token });
      node.on('error', () => undefined);
      try {
        await until(
          `cluster_state:ok on ${n.port}`,
          () => node.cluster('INFO'),
          (info) => info.includes('cluster_state:ok'),
          20_000,
        );
      } finally {
        node.disconnect();
      }
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return { url: `redis://default:${token}@127.0.0.1:${nodes[0].port}`, ports: nodes.map((n) => n.port), token, stop };
}
