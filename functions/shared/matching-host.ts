/** The container's matching-host client (gRPC to the active host, with retries and a breaker). */
import { GrpcMatchingHost } from './adapters/grpc-matching-host';
import { config } from './config';
import type { MatchingHostPort } from './ports/matching-host';

let client: GrpcMatchingHost | undefined;

export function matchingHost(): MatchingHostPort {
  client ??= new GrpcMatchingHost(config().MATCHING_HOST_ADDRESS);
  return client;
}

/** Tests and scripts: close the connection; the next call opens a new one. */
export function closeMatchingHost(): void {
  client?.close();
  client = undefined;
}
