/**
 * Turns whatever a handler threw into `{code, message, requestId}` with the right status. Known
 * errors (AppError, invalid input, bad JSON) keep their message; anything else is logged with its
 * stack and answered as a bare 500, so internals never reach the caller.
 */
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { ZodError } from 'zod';
import { AppError } from '../errors';
import { logger } from '../observability';
import { requestIdOf } from './request-id';

function describeZod(e: ZodError): string {
  return e.issues
    .slice(0, 10)
    .map((i) => `${i.path.length ? i.path.join('.') : 'body'}: ${i.message}`)
    .join('; ');
}

/** What an error means for the caller: status, code, message, extra headers. */
export function classify(error: unknown): { status: number; code: string; message: string; headers: Record<string, string> } {
  if (error instanceof AppError) return { status: error.status, code: error.code, message: error.message, headers: error.headers };
  if (error instanceof ZodError) return { status: 400, code: 'VALIDATION_ERROR', message: describeZod(error), headers: {} };
  // @middy/http-json-body-parser answers 415 both without a JSON content type and for JSON that does not parse
  const e = error as { statusCode?: unknown; message?: unknown } | null;
  if (e?.statusCode === 415 || e?.statusCode === 422) {
    if (typeof e.message === 'string' && /malformed/i.test(e.message))
      return { status: 400, code: 'MALFORMED_JSON', message: 'the body is not valid JSON', headers: {} };
    return { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'send a JSON body with Content-Type: application/json', headers: {} };
  }
  return { status: 500, code: 'INTERNAL', message: 'internal error', headers: {} };
}

export function errorHandler(): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return {
    onError: (request) => {
      const c = classify(request.error);
      const requestId = requestIdOf(request.event, request.context);
      if (c.status >= 500) logger.error('request failed', { error: request.error as Error, requestId });
      else logger.info('request refused', { status: c.status, code: c.code });
      request.response = {
        statusCode: c.status,
        headers: { 'Content-Type': 'application/json', ...c.headers },
        body: JSON.stringify({ code: c.code, message: c.message, requestId }),
      };
    },
  };
}
