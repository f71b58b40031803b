/**
 * The middy stack of the WebSocket routes: logging, metrics and tracing as for REST; every frame
 * counted against its rate limits before any work on it (per user, or per connection and per source
 * address when anonymous), a connection that keeps sending past its budget closed; a frame refused
 * by its size before it is parsed, then parsed as JSON and validated with zod; the caller's identity
 * as the $connect authorizer left it; every refusal answered on the socket as
 * `{type:"error", code, message, requestId}` with no internals.
 */
import type { Context } from 'aws-lambda';
import type { z } from 'zod';
import { ApiGatewaySocketSender } from '../shared/adapters/apigw-socket-sender';
import { config } from '../shared/config';
import { AppError, badRequest } from '../shared/errors';
import { classify } from '../shared/middleware/error-handler';
import { observed } from '../shared/middleware/observed';
import { logger } from '../shared/observability';
import { BUDGETS, RateLimiter, type Budget } from '../shared/rate-limit';
import { redis } from '../shared/redis';
import { sessionStillValid } from '../shared/session-check';
import { sessionSockets } from '../shared/sessions';
import { isReleaseProbe, releaseProbeAnswer } from '../shared/release-probe';

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
let closer: ApiGatewaySocketSender | undefined;

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

/** Refused by its size alone: a frame is never parsed, or its length measured, past the limit. */
function checkSize(body: string | null | undefined): void {
  if (body && (body.length > MAX_FRAME_BYTES || Buffer.byteLength(body) > MAX_FRAME_BYTES))
    throw badRequest('FRAME_TOO_LARGE', `frames are at most ${MAX_FRAME_BYTES} bytes`);
}

/** A frame within the size limit as JSON. */
export function parseFrame(body: string | null | undefined): unknown {
  if (!body) throw badRequest('MALFORMED_JSON', 'send a JSON frame');
  checkSize(body);
  try {
    return JSON.parse(body) as unknown;
  } catch {
    throw badRequest('MALFORMED_JSON', 'the frame is not valid JSON');
  }
}

/**
 * Take this frame from its budgets: the user's (or, anonymous, the connection's and its source
 * address's, so new connections do not buy new budget). A frame refused costs the connection a
 * strike; out of strikes, the connection is closed: a client that ignores 429s stops costing a
 * Lambda call per frame.
 */
async function countFrame(event: WsEvent, userId: string | null, budget: Budget): Promise<void> {
  limiter ??= new RateLimiter(redis());
  const connectionId = event.requestContext.connectionId;
  const ip = event.requestContext.identity?.sourceIp ?? 'unknown';
  const checks = userId
    ? [{ budget, subject: userId }]
    : [
        { budget, subject: `ws:${connectionId}` },
        { budget: BUDGETS.wsAnonymousIp, subject: ip },
      ];
  try {
    await limiter.enforce(checks);
  } catch (e) {
    if (e instanceof AppError && e.status === 429 && !(await limiter.take(BUDGETS.wsStrikes, connectionId)).allowed) {
      closer ??= new ApiGatewaySocketSender(config().WS_API_ENDPOINT);
      logger.warn('websocket closed: it kept sending past its rate limit', { connectionId, userId: userId ?? undefined, ip });
      await closer.disconnect(connectionId).catch((err: unknown) => logger.warn('closing a socket failed', { error: err as Error }));
    }
    throw e;
  }
}

/**
 * Build a route handler. `limited` takes one token per frame from the caller's read budget (or the
 * budget it names) before anything else; with `frame`, the message must be JSON the schema accepts; an authenticated connection whose
 * session has ended since $connect is refused unless `checkSession` is false ($disconnect). What `fn` returns is sent back on the
 * socket as JSON (nothing when it returns undefined).
 */
export function wsHandler<S extends z.ZodType = z.ZodUndefined>(
  spec: { frame?: S; limited?: boolean | Budget; checkSession?: boolean },
  fn: (input: WsInput<z.infer<S>>) => Promise<unknown>,
): WsHandler {
  const core = async (event: WsEvent, context: Context): Promise<WsResult> => {
    // a release's dry run ($connect and $disconnect write whatever frame they get): answered untouched
    if (isReleaseProbe(event)) return { statusCode: 200, body: JSON.stringify(releaseProbeAnswer(context)) };
    const requestId = event.requestContext.requestId ?? context.awsRequestId ?? 'unknown';
    const connectionId = event.requestContext.connectionId;
    logger.appendKeys({ requestId, connectionId, route: event.requestContext.routeKey });
    try {
      const { session, ...who } = identityOf(event);
      // counted before anything else is done with it: a frame that fails validation costs the same
      if (spec.limited) await countFrame(event, who.userId, spec.limited === true ? BUDGETS.reads : spec.limited);
      checkSize(event.body);
      const frame = (spec.frame ? spec.frame.parse(parseFrame(event.body)) : undefined) as z.infer<S>;
      // a connection outlives its token's checks at $connect: every frame asks again
      if (spec.checkSession !== false && session && !(await sessionStillValid(session))) {
        // the revoker closes such a socket; one it missed is closed here
        await sessionSockets()
          .closeEnded(session.userId)
          .catch((e: unknown) => logger.warn('closing sockets of an ended session failed', { error: e as Error }));
        throw new AppError(401, 'SESSION_ENDED', 'the session behind this connection has ended: reconnect with a new token');
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
