/**
 * The MatchingHost client, typed from matching_host.proto (generated/ holds the types that
 * `npm run proto:types` makes from it): every call names a method of the contract and gets that
 * method's request and reply types, so a field renamed in the proto breaks the build, not a trade.
 */
import * as grpc from '@grpc/grpc-js';
import type { MethodDefinition } from '@grpc/proto-loader';
import type { MatchingHostClient, MatchingHostDefinition, MatchingHostHandlers } from './generated/exchange/matching/v1/MatchingHost';
import { clientConstructor } from './matching-host-proto';
import { clientCredentials, type TlsMaterial } from './host-tls';

export type { MatchingHostClient, MatchingHostHandlers };

/** The methods the proto names (the generated definition also has grpc-js's string index). */
type Named<T> = keyof { [K in keyof T as string extends K ? never : K]: T[K] };
/** The request-reply methods (Replicate is the one stream). */
export type UnaryMethod = Exclude<Named<MatchingHostDefinition>, 'Replicate'>;
/** What a client may send to `M` (numbers for the 64-bit fields). */
export type RequestOf<M extends UnaryMethod> =
  MatchingHostDefinition[M] extends MethodDefinition<infer Req, object, object, object> ? Req : never;
/** What `M` answers, every field present (proto defaults filled in). */
export type ReplyOf<M extends UnaryMethod> =
  MatchingHostDefinition[M] extends MethodDefinition<object, object, object, infer Reply> ? Reply : never;

/**
 * Reconnect within a second of a host coming back (grpc-js backs off up to 2 minutes by default,
 * which would keep a restarted or promoted host unreachable long after it serves).
 */
const CHANNEL_OPTIONS: grpc.ChannelOptions = { 'grpc.initial_reconnect_backoff_ms': 100, 'grpc.max_reconnect_backoff_ms': 1_000 };

/** A client of the host at `address`, over mutual TLS with `tls` (the certificate names the caller's role). */
export function connectHost(address: string, tls: TlsMaterial, options: grpc.ChannelOptions = {}): MatchingHostClient {
  const Ctor = clientConstructor();
  const c = clientCredentials(tls);
  return new Ctor(address, c.credentials, { ...CHANNEL_OPTIONS, ...c.options, ...options }) as unknown as MatchingHostClient;
}

/**
 * The request metadata key with the epoch the caller found in the lease: a host below it is a
 * stale primary and refuses the call (FENCED), so a client never trades on one it knows is old.
 */
export const EPOCH_KEY = 'exchange-epoch';

/** The epoch a caller sent (0: none). */
export function callerEpochOf(metadata: grpc.Metadata): number {
  const v = Number(metadata.get(EPOCH_KEY)[0]);
  return Number.isSafeInteger(v) && v > 0 ? v : 0;
}

type UnaryCall<M extends UnaryMethod> = (
  req: RequestOf<M>,
  metadata: grpc.Metadata,
  options: grpc.CallOptions,
  callback: (e: grpc.ServiceError | null, reply?: ReplyOf<M>) => void,
) => grpc.ClientUnaryCall;

/**
 * One call of `method` with a deadline, as a promise. `waitForReady`: on a channel that lost its
 * connection, wait (within the deadline) for it to connect again instead of failing at once.
 */
export function call<M extends UnaryMethod>(
  client: MatchingHostClient,
  method: M,
  req: RequestOf<M>,
  timeoutMs = 5000,
  options: { waitForReady?: boolean; epoch?: number } = {},
): Promise<ReplyOf<M>> {
  const unary = client[method] as unknown as UnaryCall<M>;
  // grpc-js takes wait-for-ready as an option of the call's metadata, not of its call options
  const metadata = new grpc.Metadata();
  if (options.waitForReady) metadata.setOptions({ waitForReady: true });
  if (options.epoch) metadata.set(EPOCH_KEY, String(options.epoch));
  return new Promise((resolve, reject) =>
    unary.call(client, req, metadata, { deadline: Date.now() + timeoutMs }, (e, r) => (e ? reject(e) : resolve(r as ReplyOf<M>))),
  );
}
