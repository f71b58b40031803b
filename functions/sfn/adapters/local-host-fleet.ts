/**
 * The host fleet of `npm start` and the release tests: the local stand-ins for the host artifacts
 * bucket and for each host's SSM parameter. A build is installed under `<root>/bundles/<version>/`
 * (as the deploy uploads it to S3); which build a host runs is the file `<root>/hosts/<id>.version`
 * (as an instance reads its parameter at boot). The host group (scripts/local/host-group.ts) watches
 * those files: writing one makes it stop that host gracefully and start it again on that build.
 * `source` is the TypeScript sources, what `npm start` runs before any release.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HostFleet } from '../ports/host-fleet';
import { RELEASE_VERSION } from '../host-release-service';

export const SOURCE_VERSION = 'source';

/** the folder of an installed build (its main.js, proto and package.json) */
export function bundleDir(root: string, version: string): string {
  if (!RELEASE_VERSION.test(version)) throw new Error(`not a release version: ${JSON.stringify(version)}`);
  return join(root, 'bundles', version, 'matching-host');
}

const versionFile = (root: string, hostId: string): string => {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(hostId)) throw new Error(`not a host id: ${JSON.stringify(hostId)}`);
  return join(root, 'hosts', `${hostId}.version`);
};

/** the build host `hostId` should run (`source` until a release says otherwise) */
export function desiredVersion(root: string, hostId: string): string {
  const f = versionFile(root, hostId);
  if (!existsSync(f)) return SOURCE_VERSION;
  const v = readFileSync(f, 'utf8').trim();
  return RELEASE_VERSION.test(v) ? v : SOURCE_VERSION;
}

/** Ask for host `hostId` to run `version`: only a build that is installed (or the sources). */
export function setDesiredVersion(root: string, hostId: string, version: string): void {
  const f = versionFile(root, hostId);
  if (version !== SOURCE_VERSION && !existsSync(join(bundleDir(root, version), 'main.js')))
    throw new Error(`build ${version} is not installed under ${join(root, 'bundles')}`);
  mkdirSync(join(root, 'hosts'), { recursive: true });
  // whole or not at all: the group polls the file
  writeFileSync(`${f}.tmp`, `${version}\n`);
  renameSync(`${f}.tmp`, f);
}

export class LocalHostFleet implements HostFleet {
  constructor(private readonly root: string) {}

  replace(hostId: string, version: string): Promise<void> {
    return Promise.resolve().then(() => setDesiredVersion(this.root, hostId, version));
  }
}
