/**
 * The local fleet's files: a release may name only a build that is installed, by a plain name, for
 * a host id that is a plain name; anything else would let whoever starts a release run a program of
 * their choosing from anywhere on the disk.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleDir, desiredVersion, LocalHostFleet, SOURCE_VERSION } from './local-host-fleet';

const root = mkdtempSync(join(tmpdir(), 'local-fleet-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

beforeAll(() => {
  mkdirSync(bundleDir(root, 'rel-1'), { recursive: true });
  writeFileSync(join(bundleDir(root, 'rel-1'), 'main.js'), '');
});

it('runs the sources until a release names a build, then that build', async () => {
  expect(desiredVersion(root, 'us-east-1a')).toBe(SOURCE_VERSION);
  await new LocalHostFleet(root).replace('us-east-1a', 'rel-1');
  expect(desiredVersion(root, 'us-east-1a')).toBe('rel-1');
  expect(readFileSync(join(root, 'hosts', 'us-east-1a.version'), 'utf8')).toBe('rel-1\n');
  await new LocalHostFleet(root).replace('us-east-1a', SOURCE_VERSION);
  expect(desiredVersion(root, 'us-east-1a')).toBe(SOURCE_VERSION);
});

it('release version path traversal: a version or host id that is not a plain name is refused', async () => {
  const fleet = new LocalHostFleet(root);
  for (const v of ['../rel-1', '../../../../usr/bin', '/tmp/x', 'rel-1/..', ''])
    await expect(fleet.replace('us-east-1a', v)).rejects.toThrow();
  for (const id of ['../x', 'a/b', '']) await expect(fleet.replace(id, 'rel-1')).rejects.toThrow(/not a host id/);
  expect(() => bundleDir(root, '../../etc')).toThrow(/not a release version/);
});

it('a build that is not installed is refused before any host is told to run it', async () => {
  await expect(new LocalHostFleet(root).replace('us-east-1b', 'rel-2')).rejects.toThrow(/rel-2 is not installed/);
  expect(desiredVersion(root, 'us-east-1b')).toBe(SOURCE_VERSION);
});

it('a version file someone wrote by hand with a path in it runs the sources, not the path', () => {
  mkdirSync(join(root, 'hosts'), { recursive: true });
  writeFileSync(join(root, 'hosts', 'us-west-2a.version'), '../../../tmp/evil\n');
  expect(desiredVersion(root, 'us-west-2a')).toBe(SOURCE_VERSION);
});
