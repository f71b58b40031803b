/**
 * Why the host refused a request, as a structured field of the gRPC status (trailing metadata),
 * so that a client reads the reason code as data instead of parsing it back out of the message.
 */
import { Metadata, type ServiceError, type StatusObject } from '@grpc/grpc-js';

/** The trailing metadata key that carries the reason code (e.g. PRICE_OUT_OF_BAND, FENCED). */
export const REASON_CODE_KEY = 'exchange-reason-code';

/** A refusal: the status code, the reason code as a field, the message for people. */
export function refusal(code: StatusObject['code'], reason: string, message: string): Partial<StatusObject> {
  const metadata = new Metadata();
  metadata.set(REASON_CODE_KEY, reason);
  return { code, details: message, metadata };
}

/** The reason code a refusal carries, if any. */
export function reasonCodeOf(e: Partial<ServiceError>): string | undefined {
  const v = e.metadata?.get(REASON_CODE_KEY)[0];
  return typeof v === 'string' && v !== '' ? v : undefined;
}
