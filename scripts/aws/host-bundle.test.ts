/**
 * The host bundle as an instance gets it: built, unpacked from its tarball away from the repository
 * (no node_modules, no TypeScript to lean on), started by its own run-host.sh with nothing but the
 * environment a test host gets; it serves /health and a mutual-TLS gRPC Health call, then stops.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENGINE_NODE_FLAGS } from '../../matching-host/engine/node-flags';
import { call } from '../../matching-host/proto/host-client';
import { connectTestHost } from '../../test/support/host-tls';
import { startProcess } from '../local/processes';
import { buildHostBundle, HOST_BUNDLE_NAME, type HostBundle } from './build-host';

const work = mkdtempSync(join(tmpdir(), 'host-bundle-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the matching host bundle', () => {
  let bundle: HostBundle;
  beforeAll(async () => {
    bundle = await buildHostBundle(join(work, 'build'), 'rel-2026.12.04-a');
  }, 60_000);

  it('holds the bundled host, its contract and its start line, and no dependency to install', () => {
    expect(bundle.files).toEqual(['main.js', 'main.js.map', 'matching_host.proto', 'package.json', 'run-host.sh']);
    const pkg = JSON.parse(readFileSync(join(bundle.dir, 'package.json'), 'utf8')) as { main: string; dependencies: object };
    expect(pkg).toMatchObject({ main: 'main.js', dependencies: {}, release: 'rel-2026.12.04-a' });
    const run = readFileSync(join(bundle.dir, 'run-host.sh'), 'utf8');
    expect(run).toContain(`--enable-source-maps ${ENGINE_NODE_FLAGS.join(' ')} "$(dirname "$0")/main.js"`);
    expect(statSync(join(bundle.dir, 'run-host.sh')).mode & 0o111).toBe(0o111);
    expect(readFileSync(`${bundle.tarball}.sha256`, 'utf8')).toBe(`${bundle.sha256}  ${HOST_BUNDLE_NAME}.tar.gz\n`);
    expect(createHash('sha256').update(readFileSync(bundle.tarball)).digest('hex')).toBe(bundle.sha256);
  });

  it('starts from its tarball alone with the engine flags, answers /health and gRPC Health, and stops on SIGTERM', async () => {
    const install = join(work, 'opt');
    const data = join(work, 'var', 'matching-host');
    mkdirSync(install, { recursive: true });
    mkdirSync(data, { recursive: true });
    execFileSync('tar', ['-xzf', bundle.tarball, '-C', install]);
    // nothing above the unpacked bundle to resolve a module from
    for (let d = install; d !== join(d, '..'); d = join(d, '..')) expect(existsSync(join(d, 'node_modules'))).toBe(false);

    const tlsDir = process.env.HOST_TLS_DIR;
    if (!tlsDir) throw new Error('HOST_TLS_DIR is not set (test/setup-env.js sets it)');
    const host = await startProcess('host bundle', [], {
      command: join(install, HOST_BUNDLE_NAME, 'run-host.sh'),
      cwd: join(work, 'var'),
      // the environment only: what a test host gets (publishers off, any free ports), no NODE_OPTIONS nor the tests' own
      env: {
        PATH: process.env.PATH,
        NODE: process.execPath,
        HOST_DATA_DIR: data,
        HOST_TLS_DIR: tlsDir,
        HOST_GRPC_ADDRESS: '127.0.0.1:0',
        HOST_METRICS_ADDRESS: '127.0.0.1:0',
        KINESIS_STREAM: '',
        REDIS_URL: '',
        AMQP_URL: '',
      },
      ready: /"msg":"serving"/,
      timeoutMs: 20_000,
    });
    const client = (() => {
      const { grpcPort } = JSON.parse(host.readyLine) as { grpcPort: number };
      return connectTestHost(`127.0.0.1:${grpcPort}`);
    })();
    try {
      // run-host.sh execs node itself: the host's process is node with the engine's flags, on the bundle
      const cmdline = `/proc/${host.child.pid}/cmdline`;
      if (existsSync(cmdline))
        expect(readFileSync(cmdline, 'utf8').split('\0').filter(Boolean)).toEqual([
          process.execPath,
          '--enable-source-maps',
          ...ENGINE_NODE_FLAGS,
          `${join(install, HOST_BUNDLE_NAME)}/main.js`,
        ]);
      const { metricsPort } = JSON.parse(host.readyLine) as { metricsPort: number };
      const health = await fetch(`http://127.0.0.1:${metricsPort}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: 'ok', role: 'primary', epoch: 1 });
      // it says which release it is: a blue-green release waits for that version to answer
      expect(await call(client, 'Health', {})).toMatchObject({ role: 'primary', epoch: 1, version: 'rel-2026.12.04-a' });
      expect(await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text()).toContain(
        'exchange_host_build_info{version="rel-2026.12.04-a"} 1',
      );
    } finally {
      client.close();
      // a graceful stop: exit 0 after its snapshot, in the data directory it was given
      expect(await host.stop('SIGTERM')).toBe(0);
    }
    expect(readdirSync(data, { recursive: true }).some((f) => /snap/i.test(String(f)))).toBe(true);
    expect(host.output()).not.toMatch(/"level":(50|60)/);
  }, 60_000);
});
