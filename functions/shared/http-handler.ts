/**
 * The one middy stack every REST handler uses: logging with request/correlation ids, metrics,
 * tracing, JSON body parsing, zod validation, error mapping and security headers. A handler is
 * wiring: it receives validated input, calls a service and returns a status and a body.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { z } from 'zod';
import { AppError } from './errors';
import { correlation } from './middleware/correlation';
import { errorHandler } from './middleware/error-handler';
import { requestIdOf } from './middleware/request-id';
import { securityHeaders } from './middleware/security-headers';
import { logger, metrics, tracer } from './observability';
import { RateLimiter, type Budget } from './rate-limit';
import { redis } from './redis';

export interface HttpInput<B> {
  body: B;
  event: APIGatewayProxyEvent;
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

/**
 * Build a handler. With `body`, the request must carry JSON that the schema accepts (else 400/415);
 * without, the body is ignored. `limits` names the rate-limit budgets a request takes from (after
 * validation, before any work); their RateLimit-* headers go out with the answer.
 */
export function httpHandler<S extends z.ZodType = z.ZodUndefined>(
  spec: { body?: S; limits?: (input: HttpInput<z.infer<S>>) => { budget: Budget; subject: string }[] },
  fn: (input: HttpInput<z.infer<S>>) => Promise<HttpOutput>,
): ApiHandler {
  const core = async (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> => {
    const body = spec.body ? spec.body.parse(event.body) : undefined;
    const input: HttpInput<z.infer<S>> = { body: body as z.infer<S>, event, requestId: requestIdOf(event, context), ip: event.requestContext?.identity?.sourceIp ?? 'unknown' };
    let limitHeaders: Record<string, string> = {};
    if (spec.limits) {
      limiter ??= new RateLimiter(redis());
      limitHeaders = await limiter.enforce(spec.limits(input));
    }
    let out: HttpOutput;
    try {
      out = await fn(input);
    } catch (e) {
      // a refused request still tells the caller where it stands with its limits
      if (e instanceof AppError) Object.assign(e.headers, { ...limitHeaders, ...e.headers });
      throw e;
    }
    return {
      statusCode: out.status ?? 200,
      headers: { 'Content-Type': 'application/json', ...limitHeaders, ...out.headers },
      body: out.body === undefined ? '' : JSON.stringify(out.body),
    };
  };
  const h = middy<APIGatewayProxyEvent, APIGatewayProxyResult>(core)
    .use(captureLambdaHandler(tracer))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics))
    .use(correlation())
    // registered before the error handler, so its onError runs after it and sees the error response
    .use(securityHeaders())
    .use(errorHandler());
  if (spec.body) h.use(httpJsonBodyParser());
  return h;
}
