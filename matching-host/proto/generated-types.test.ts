/**
 * generated/ is what `npm run proto:types` makes of matching_host.proto today: a proto changed
 * without its types regenerated fails here, not at a client's first call.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { PROTO_TYPES_ARGS } from './proto-types';

const ROOT = join(__dirname, '..', '..');

function files(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[relative(dir, p)] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

it('holds the types generated from the current matching_host.proto', () => {
  const out = mkdtempSync(join(tmpdir(), 'proto-types-'));
  try {
    execFileSync(join(ROOT, 'node_modules', '.bin', 'proto-loader-gen-types'), [...PROTO_TYPES_ARGS, '-O', out, 'matching_host.proto'], {
      cwd: ROOT,
    });
    expect(files(join(__dirname, 'generated'))).toEqual(files(out));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
