/**
 * `npm run build:host`: the matching host as one deployable folder and its tarball, what an EC2
 * instance downloads and runs (no npm install, no TypeScript, no repository):
 *
 *   .build/host/matching-host/
 *     main.js, main.js.map    matching-host/server/main.ts and every dependency, bundled by esbuild (Node 20+)
 *     matching_host.proto     the gRPC contract, read at run time beside main.js (matching-host-proto.ts)
 *     package.json            the bundle's name, version and commit; its dependencies: none (no native module)
 *     run-host.sh             `exec node <engine flags> main.js`: the start line (systemd ExecStart)
 *   .build/host/matching-host.tar.gz          the folder above, as matching-host/…
 *   .build/host/matching-host.tar.gz.sha256   its checksum, in sha256sum's format
 *
 * The host is configured by its environment only (matching-host/README.md, "The host"); relative
 * paths (HOST_DATA_DIR, HOST_TLS_DIR) are the working directory's.
 */
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENGINE_NODE_FLAGS } from '../../matching-host/engine/node-flags';

const ROOT = join(__dirname, '..', '..');
export const HOST_BUILD_DIR = join(ROOT, '.build', 'host');
/** the folder's name, and the tarball's top-level folder */
export const HOST_BUNDLE_NAME = 'matching-host';
/** the protobuf files the host reads at run time */
const PROTOS = ['matching_host.proto'];

/** How the bundle's node starts: source-mapped stack traces, and the engine's V8 flags. */
export const HOST_NODE_FLAGS: readonly string[] = ['--enable-source-maps', ...ENGINE_NODE_FLAGS];

export interface HostBundle {
  /** the bundle's folder */
  dir: string;
  tarball: string;
  sha256: string;
  /** the release version it reports */
  version: string;
  /** the tarball's size */
  bytes: number;
  files: string[];
}

function gitCommit(): string | undefined {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${commit}-dirty` : commit;
  } catch {
    return undefined;
  }
}

/**
 * The release version a bundle is stamped with (Health.version, the metric exchange_host_build_info,
 * the S3 key the deploy uploads it under): given, or the commit (short), `-dirty` with local changes.
 */
export function releaseVersion(given?: string): string {
  const v = given ?? gitCommit()?.replace(/^([0-9a-f]{12})[0-9a-f]*/, '$1') ?? 'unversioned';
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(v))
    throw new Error(`a release version is 1-64 of A-Z a-z 0-9 . _ - (got ${JSON.stringify(v)})`);
  return v;
}

export async function buildHostBundle(outDir: string = HOST_BUILD_DIR, version: string = releaseVersion()): Promise<HostBundle> {
  const dir = join(outDir, HOST_BUNDLE_NAME);
  const tarball = join(outDir, `${HOST_BUNDLE_NAME}.tar.gz`);
  rmSync(dir, { recursive: true, force: true });
  rmSync(tarball, { force: true });
  rmSync(`${tarball}.sha256`, { force: true });
  mkdirSync(dir, { recursive: true });

  const result = await build({
    entryPoints: [join(ROOT, 'matching-host', 'server', 'main.ts')],
    outfile: join(dir, 'main.js'),
    bundle: true,
    platform: 'node',
    // the Node the project supports (package.json engines); the instance may run a newer one
    target: 'node20',
    format: 'cjs',
    // stack traces name the TypeScript sources; their text stays out (the map only maps)
    sourcemap: 'linked',
    sourcesContent: false,
    keepNames: true,
    logLevel: 'silent',
    define: { __HOST_BUILD_VERSION__: JSON.stringify(version) },
  });
  // a warning (e.g. a require esbuild could not follow) would be a module missing at run time
  if (result.warnings.length > 0) throw new Error(`esbuild warned:\n${result.warnings.map((w) => `  ${w.text}`).join('\n')}`);

  for (const p of PROTOS) copyFileSync(join(ROOT, 'matching-host', 'proto', p), join(dir, p));
  const root = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; engines?: Record<string, string> };
  const commit = gitCommit();
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify(
      {
        name: 'exchange-matching-host',
        version: root.version,
        // the release version the bundle reports (Health.version)
        release: version,
        ...(commit ? { commit } : {}),
        private: true,
        description: 'The matching host, bundled: start it with run-host.sh (configuration from the environment)',
        type: 'commonjs',
        main: 'main.js',
        engines: root.engines ?? { node: '>=20' },
        // everything is in main.js: no native module, nothing to install
        dependencies: {},
      },
      null,
      2,
    )}\n`,
  );
  writeFileSync(
    join(dir, 'run-host.sh'),
    [
      '#!/bin/sh',
      '# The matching host in the foreground: systemd ExecStart=<this folder>/run-host.sh (it stops on SIGTERM',
      '# or SIGINT, after a snapshot). Configuration from the environment; relative paths are the working',
      "# directory's. NODE names the node binary (default: node on the PATH).",
      `exec "\${NODE:-node}" ${HOST_NODE_FLAGS.join(' ')} "$(dirname "$0")/main.js" "$@"`,
      '',
    ].join('\n'),
  );
  chmodSync(join(dir, 'run-host.sh'), 0o755);

  execFileSync('tar', ['-czf', tarball, '-C', outDir, HOST_BUNDLE_NAME]);
  const sha256 = createHash('sha256').update(readFileSync(tarball)).digest('hex');
  writeFileSync(`${tarball}.sha256`, `${sha256}  ${HOST_BUNDLE_NAME}.tar.gz\n`);
  return { dir, tarball, sha256, version, bytes: statSync(tarball).size, files: readdirSync(dir).sort() };
}

if (require.main === module) {
  // npm run build:host -- [--version <release version>] [--out <folder>]
  const arg = (name: string): string | undefined => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  Promise.resolve()
    .then(() => buildHostBundle(arg('out') ?? HOST_BUILD_DIR, releaseVersion(arg('version'))))
    .then((b) => {
      const kb = (n: number): string => `${Math.round(n / 1024)} kB`;
      process.stdout.write(
        [
          `host bundle: ${b.dir} (release ${b.version})`,
          ...b.files.map((f) => `  ${f.padEnd(20)} ${kb(statSync(join(b.dir, f)).size)}`),
          `tarball: ${b.tarball} (${kb(b.bytes)}, sha256 ${b.sha256})`,
          `start: <folder>/run-host.sh  (exec node ${HOST_NODE_FLAGS.join(' ')} main.js)`,
          '',
        ].join('\n'),
      );
    })
    .catch((e: unknown) => {
      process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    });
}
