/** Puts the request id and the caller's correlation id (x-correlation-id, else the request id) on every log line. */
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { logger } from '../observability';
import { requestIdOf } from './request-id';

export function correlation(): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return {
    before: (request) => {
      const requestId = requestIdOf(request.event, request.context);
      const headers = request.event.headers ?? {};
      const given = headers['x-correlation-id'] ?? headers['X-Correlation-Id'];
      // a caller's id is echoed in logs only if it looks like an id, never arbitrary text
      const correlationId = given && /^[\w.:-]{1,128}$/.test(given) ? given : requestId;
      logger.appendKeys({ requestId, correlationId });
    },
  };
}
