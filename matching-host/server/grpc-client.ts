/** A minimal promise-based client of the MatchingHost service (tests, tools, benchmarks). */
import * as grpc from '@grpc/grpc-js';
import { clientConstructor } from '../proto/matching-host-proto';

export type HostClient = grpc.Client &
  Record<string, (req: unknown, opts: grpc.CallOptions, cb: (e: grpc.ServiceError | null, r: unknown) => void) => void>;

export function connectHost(address: string): HostClient {
  const Ctor = clientConstructor();
  return new Ctor(address, grpc.credentials.createInsecure()) as unknown as HostClient;
}

export function call<T = Record<string, unknown>>(client: HostClient, method: string, req: unknown, timeoutMs = 5000): Promise<T> {
  return new Promise((resolve, reject) => client[method](req, { deadline: Date.now() + timeoutMs }, (e, r) => (e ? reject(e) : resolve(r as T))));
}
