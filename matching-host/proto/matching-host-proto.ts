/**
 * The MatchingHost gRPC contract, loaded from matching_host.proto: shared by the host (service)
 * and its clients (functions/, tools) so neither pulls in the other's code.
 */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Beside this module in the source tree; in a Lambda bundle (functions/<area>/handler.js, with the
 * proto shipped by serverless.yml's package patterns at matching-host/proto/) up from the bundle.
 */
export function protoPath(from: string = __dirname): string {
  const here = join(from, 'matching_host.proto');
  if (existsSync(here)) return here;
  for (let dir = from; ; dir = dirname(dir)) {
    const p = join(dir, 'matching-host', 'proto', 'matching_host.proto');
    if (existsSync(p)) return p;
    if (dirname(dir) === dir) throw new Error(`matching_host.proto not found beside or above ${from}`);
  }
}

export const PROTO_PATH = protoPath();

export function loadProto(): grpc.GrpcObject {
  const def = protoLoader.loadSync(PROTO_PATH, { keepCase: false, longs: Number, enums: String, defaults: true, oneofs: true });
  return grpc.loadPackageDefinition(def);
}

/** Client constructor for tests, tools and functions/. */
export function clientConstructor(): grpc.ServiceClientConstructor {
  const pkg = loadProto() as unknown as { exchange: { matching: { v1: { MatchingHost: grpc.ServiceClientConstructor } } } };
  return pkg.exchange.matching.v1.MatchingHost;
}
