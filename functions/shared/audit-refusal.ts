/**
 * An audit record for an action the edge refused after the request was valid and within its
 * limits (a symbol rule, someone else's order, a missing role). What reaches the matching host is
 * audited from its events (a 422 is the host's refusal, so its `rejected` event has the record);
 * together every order action a trader attempted leaves a record.
 * Malformed and rate-limited requests are not recorded: they would let a caller write audit
 * records as fast as it can send. A record that cannot be written is logged and changes nothing
 * for the caller.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { AppError } from './errors';
import { logger } from './observability';
import type { AuditLog } from './ports/audit-log';

export interface AuditSpec {
  /** e.g. order.place */
  action: string;
  log: () => AuditLog;
}

export async function auditRefusal(
  spec: AuditSpec,
  event: APIGatewayProxyEvent,
  requestId: string,
  ip: string,
  error: AppError,
): Promise<void> {
  const userId: unknown = event.requestContext?.authorizer?.userId;
  if (typeof userId !== 'string' || !userId || error.status < 400 || error.status >= 500 || error.status === 429 || error.status === 422)
    return;
  // the body is parsed by then (middy's JSON parser); the fields that name what was attempted
  const body = (typeof event.body === 'object' && event.body !== null ? event.body : {}) as Record<string, unknown>;
  const named = (v: unknown): string | null => (typeof v === 'string' || typeof v === 'number' ? String(v).slice(0, 64) : null);
  try {
    await spec.log().record({
      userId,
      action: spec.action,
      outcome: 'rejected',
      actorId: userId,
      requestId,
      ip,
      details: {
        status: error.status,
        code: error.code,
        orderId: named(event.pathParameters?.orderId),
        symbol: named(body.symbol ?? event.pathParameters?.symbol ?? event.queryStringParameters?.symbol),
        clientOrderId: named(body.clientOrderId),
        side: named(body.side),
        price: named(body.price),
        quantity: named(body.quantity),
      },
    });
  } catch (e) {
    logger.warn('audit record of a refusal not written', { action: spec.action, requestId, error: e as Error });
  }
}
