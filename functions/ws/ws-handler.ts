/**
 * The middy stack of the WebSocket routes: logging, metrics and tracing as for REST; a frame parsed
 * as JSON and validated with zod; the caller's identity as the $connect authorizer left it; rate
 * limited per user (or per connection when anonymous); every refusal answered on the socket as
 * `{type:"error", code, message, requestId}` with no internals.
 */
import type { Context } from 'aws-lambda';
import type { z } from 'zod';
import { AppError, badRequest } from '../shared/errors';
import { classify } from '../shared/middleware/error-handler';
import { observed } from '../shared/middleware/observed';
import { logger } from '../shared/observability';
import { BUDGETS, RateLimiter, type Budget } from '../shared/rate-limit';
import { redis } from '../shared/redis';
import { sessionStillValid } from '../shared/session-check';

/** The part of an API Gateway WebSocket event the routes read. */
export interface WsEvent {
  body?: string | null;
  headers?: Record<string, string | undefined> | null;
  requestContext: {
    connectionId: string;
    routeKey: string;
    requestId?: string;
    /** what the $connect authorizer returned as context */
    authorizer?: Record<string, unknown> | null;
    identity?: { sourceIp?: string };
  };
}

export interface WsResult {
  statusCode: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface WsInput<F> {
  frame: F;
  event: WsEvent;
  connectionId: string;
  requestId: string;
  /** null when the connection is anonymous */
  userId: string | null;
  accountNo: number | null;
  sessionId: string | null;
  rolesVersion: number | null;
}

export type WsHandler = (event: WsEvent, context: Context) => Promise<WsResult>;

/** Frames above this are refused unread (API Gateway's own limit is 128 KB). */
export const MAX_FRAME_BYTES = 16 * 1024;

let limiter: RateLimiter | undefined;

interface Identity {
  userId: string | null;
  accountNo: number | null;
  /** the session the handshake's token belonged to (authenticated connections) */
  session: { userId: string; sessionId: string; rolesVersion: number } | null;
}

function identityOf(event: WsEvent): Identity {
  const a = event.requestContext.authorizer ?? {};
  const userId = typeof a.userId === 'string' && a.userId !== '' ? a.userId : null;
  if (!userId) return { userId: null, accountNo: null, session: null };
  const accountNo = Number(a.accountNo);
  const rolesVersion = Number(a.rolesVersion ?? 0);
  const sessionId = typeof a.sessionId === 'string' ? a.sessionId : '';
  return {
    userId,
    accountNo: Number.isSafeInteger(accountNo) ? accountNo : null,
    session: { userId, sessionId, rolesVersion: Number.isSafeInteger(rolesVersion) ? rolesVersion : 0 },
  };
}

function parseFrame(body: string | null | undefined): unknown {
  if (!body) throw badRequest('MALFORMED_JSON', 'send a JSON frame');
  if (Buffer.byteLength(body) > MAX_FRAME_BYTES) throw badRequest('FRAME_TOO_LARGE', `frames are at most ${MAX_FRAME_BYTES} bytes`);
  try {
    return JSON.parse(body) as unknown;
  } catch {
    throw badRequest('MALFORMED_JSON', 'the frame is not valid JSON');
  }
}

/**
 * Build a route handler. With `frame`, the message must be JSON the schema accepts; `limited`
 * takes one token per frame from the caller's read budget (or the budget it names); an authenticated connection whose
 * session has ended since $connect is refused unless `checkSession` is false ($disconnect). What `fn` returns is sent back on the
 * socket as JSON (nothing when it returns undefined).
 */
export function wsHandler<S extends z.ZodType = z.ZodUndefined>(
  spec: { frame?: S; limited?: boolean | Budget; checkSession?: boolean },
  fn: (input: WsInput<z.infer<S>>) => Promise<unknown>,
): WsHandler {
  const core = async (event: WsEvent, context: Context): Promise<WsResult> => {
    const requestId = event.requestContext.requestId ?? context.awsRequestId ?? 'unknown';
    const connectionId = event.requestContext.connectionId;
    logger.appendKeys({ requestId, connectionId, route: event.requestContext.routeKey });
    try {
      const frame = (spec.frame ? spec.frame.parse(parseFrame(event.body)) : undefined) as z.infer<S>;
      const { session, ...who } = identityOf(event);
      // a connection outlives its token's checks at $connect: every frame asks again
      if (spec.checkSession !== false && session && !(await sessionStillValid(session)))
        throw new AppError(401, 'SESSION_ENDED', 'the session behind this connection has ended: reconnect with a new token');
      if (spec.limited) {
        limiter ??= new RateLimiter(redis());
        const budget = spec.limited === true ? BUDGETS.reads : spec.limited;
        await limiter.enforce([{ budget, subject: who.userId ?? `ws:${connectionId}` }]);
      }
      const out = await fn({
        frame,
        event,
        connectionId,
        requestId,
        ...who,
        sessionId: session?.sessionId ?? null,
        rolesVersion: session?.rolesVersion ?? null,
      });
      return { statusCode: 200, ...(out === undefined ? {} : { body: JSON.stringify(out) }) };
    } catch (e) {
      const c = classify(e);
      if (c.status >= 500) logger.error('websocket route failed', { error: e as Error });
      else logger.info('websocket frame refused', { code: c.code });
      const retryAfter = e instanceof AppError ? e.headers['Retry-After'] : undefined;
      return {
        statusCode: c.status,
        body: JSON.stringify({
          type: 'error',
          code: c.code,
          message: c.message,
          requestId,
          ...(retryAfter ? { retryAfterS: Number(retryAfter) } : {}),
        }),
      };
    }
  };
  return observed<WsEvent, WsResult>(core);
}
