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
import { correlation } from './middleware/correlation';
import { errorHandler } from './middleware/error-handler';
import { requestIdOf } from './middleware/request-id';
import { securityHeaders } from './middleware/security-headers';
import { logger, metrics, tracer } from './observability';

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

/**
 * Build a handler. With `body`, the request must carry JSON that the schema accepts (else 400/415);
 * without, the body is ignored.
 */
export function httpHandler<S extends z.ZodType = z.ZodUndefined>(
  spec: { body?: S },
  fn: (input: HttpInput<z.infer<S>>) => Promise<HttpOutput>,
): ApiHandler {
  const core = async (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> => {
    const body = spec.body ? spec.body.parse(event.body) : undefined;
    const out = await fn({ body: body as z.infer<S>, event, requestId: requestIdOf(event, context), ip: event.requestContext?.identity?.sourceIp ?? 'unknown' });
    return {
      statusCode: out.status ?? 200,
      headers: { 'Content-Type': 'application/json', ...out.headers },
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
