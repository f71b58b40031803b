/** A minimal promise-based client of the MatchingHost service (tests, tools, benchmarks). */
import * as grpc from '@grpc/grpc-js';
import { clientConstructor } from '../../proto/matching-host-proto';

export type HostClient = grpc.Client &
  Record<string, (req: unknown, opts: grpc.CallOptions, cb: (e: grpc.ServiceError | null, r: unknown) => void) => void>;

/**
 * Reconnect within a second of a host coming back (grpc-js backs off up to 2 minutes by default,
 * which would keep a restarted or promoted host unreachable long after it serves).
 */
const CHANNEL_OPTIONS: grpc.ChannelOptions = { 'grpc.initial_reconnect_backoff_ms': 100, 'grpc.max_reconnect_backoff_ms': 1_000 };

export function connectHost(address: string, options: grpc.ChannelOptions = {}): HostClient {
  const Ctor = clientConstructor();
  return new Ctor(address, grpc.credentials.createInsecure(), { ...CHANNEL_OPTIONS, ...options }) as unknown as HostClient;
}

export function call<T = Record<string, unknown>>(client: HostClient, method: string, req: unknown, timeoutMs = 5000): Promise<T> {
  return new Promise((resolve, reject) =>
    client[method](req, { deadline: Date.now() + timeoutMs }, (e, r) => (e ? reject(e) : resolve(r as T))),
  );
}
