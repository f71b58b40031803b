/**
 * `npm run proto:types`: regenerate generated/ (the TypeScript types of matching_host.proto) with
 * the same options the host and its clients load the proto with (matching-host-proto.ts).
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

export const PROTO_TYPES_ARGS = [
  '--longs=Number',
  '--enums=String',
  '--defaults',
  '--oneofs',
  '--includeComments',
  '--grpcLib=@grpc/grpc-js',
  '-I',
  'matching-host/proto',
];

if (require.main === module) {
  const out = join(__dirname, 'generated');
  rmSync(out, { recursive: true, force: true });
  execFileSync(join(ROOT, 'node_modules', '.bin', 'proto-loader-gen-types'), [...PROTO_TYPES_ARGS, '-O', out, 'matching_host.proto'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  process.stdout.write(`wrote ${out}\n`);
}
