/**
 * The one middy stack every REST handler uses: logging with request/correlation ids, metrics,
 * tracing, JSON body parsing, zod validation, error mapping and security headers. A handler is
 * wiring: it receives validated input, calls a service and returns a status and a body.
 */
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { z } from 'zod';
import { auditRefusal, type AuditSpec } from './audit-refusal';
import { AppError } from './errors';
import { correlation } from './middleware/correlation';
import { errorHandler } from './middleware/error-handler';
import { observed } from './middleware/observed';
import { requestIdOf } from './middleware/request-id';
import { securityHeaders } from './middleware/security-headers';
import { RateLimiter, type Budget } from './rate-limit';
import { redis } from './redis';

export interface HttpInput<B, Q = undefined, P = undefined> {
  body: B;
  /** the query string, as `spec.query` parsed it */
  query: Q;
  /** the path parameters, as `spec.path` parsed them */
  params: P;
  event: APIGatewayProxyEvent;
  /** the Lambda context (its ARN names the region and account of resources it starts) */
  context: Context;
  requestId: string;
  /** the caller's address as API Gateway saw it */
  ip: string;
}

export interface HttpOutput {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type ApiHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

let limiter: RateLimiter | undefined;

/** Bodies above this are refused before parsing (API Gateway alone would let 10 MB through). */
export const MAX_BODY_BYTES = 16 * 1024;

interface Spec<S extends z.ZodType, Q extends z.ZodType, P extends z.ZodType> {
  body?: S;
  query?: Q;
  path?: P;
  limits?: (input: HttpInput<z.infer<S>, z.infer<Q>, z.infer<P>>) => { budget: Budget; subject: string }[];
  /** audit what the service refuses (4xx past validation and limits) as this action */
  audit?: AuditSpec;
}

const tooLarge = (): AppError => new AppError(400, 'BODY_TOO_LARGE', `the body exceeds ${MAX_BODY_BYTES} bytes`);

/**
 * Build a handler. With `body`, the request must carry JSON that the schema accepts (else 400/415);
 * without, the body is ignored. `query` and `path` validate the query string and path parameters
 * alike. `limits` names the rate-limit budgets a request takes from (after validation, before any
 * work); their RateLimit-* headers go out with the answer. `audit` records what the service then
 * refuses.
 */
export function httpHandler<
  S extends z.ZodType = z.ZodUndefined,
  Q extends z.ZodType = z.ZodUndefined,
  P extends z.ZodType = z.ZodUndefined,
>(spec: Spec<S, Q, P>, fn: (input: HttpInput<z.infer<S>, z.infer<Q>, z.infer<P>>) => Promise<HttpOutput>): ApiHandler {
  const core = async (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> => {
    const body: unknown = spec.body ? spec.body.parse(event.body) : undefined;
    const query: unknown = spec.query ? spec.query.parse(event.queryStringParameters ?? {}) : undefined;
    const params: unknown = spec.path ? spec.path.parse(event.pathParameters ?? {}) : undefined;
    const input = {
      body,
      query,
      params,
      event,
      context,
      requestId: requestIdOf(event, context),
      ip: event.requestContext?.identity?.sourceIp ?? 'unknown',
    } as HttpInput<z.infer<S>, z.infer<Q>, z.infer<P>>;
    let limitHeaders: Record<string, string> = {};
    if (spec.limits) {
      limiter ??= new RateLimiter(redis());
      limitHeaders = await limiter.enforce(spec.limits(input));
    }
    let out: HttpOutput;
    try {
      out = await fn(input);
    } catch (e) {
      if (e instanceof AppError) {
        // a refused request still tells the caller where it stands with its limits
        Object.assign(e.headers, { ...limitHeaders, ...e.headers });
        if (spec.audit) await auditRefusal(spec.audit, event, input.requestId, input.ip, e);
      }
      throw e;
    }
    return {
      statusCode: out.status ?? 200,
      headers: { 'Content-Type': 'application/json', ...limitHeaders, ...out.headers },
      body: out.body === undefined ? '' : JSON.stringify(out.body),
    };
  };
  const h = observed<APIGatewayProxyEvent, APIGatewayProxyResult>(core)
    .use(correlation())
    // registered before the error handler, so its onError runs after it and sees the error response
    .use(securityHeaders())
    .use(errorHandler());
  if (spec.body) {
    // refused before the parser reads it: a huge body costs nothing but this check
    h.use({
      before: (request: { event: APIGatewayProxyEvent }) => {
        const raw = request.event.body;
        if (raw && Buffer.byteLength(raw, request.event.isBase64Encoded ? 'base64' : 'utf8') > MAX_BODY_BYTES) throw tooLarge();
      },
    });
    h.use(httpJsonBodyParser());
  }
  return h;
}
