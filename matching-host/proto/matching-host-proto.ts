/**
 * The MatchingHost gRPC contract, loaded from matching_host.proto: shared by the host (service)
 * and its clients (functions/, tools) so neither pulls in the other's code.
 */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { join } from 'node:path';

export const PROTO_PATH = join(__dirname, 'matching_host.proto');

export function loadProto(): grpc.GrpcObject {
  const def = protoLoader.loadSync(PROTO_PATH, { keepCase: false, longs: Number, enums: String, defaults: true, oneofs: true });
  return grpc.loadPackageDefinition(def);
}

/** Client constructor for tests, tools and functions/. */
export function clientConstructor(): grpc.ServiceClientConstructor {
  const pkg = loadProto() as unknown as { exchange: { matching: { v1: { MatchingHost: grpc.ServiceClientConstructor } } } };
  return pkg.exchange.matching.v1.MatchingHost;
}
