/**
 * The base of every middy stack (REST, WebSocket, events): tracing, the logger with the Lambda
 * context (keys reset after each call), the invocation's metrics published, Redis's credentials
 * read. The stacks add their own middlewares on top.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy, { type MiddyfiedHandler } from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger, metrics, tracer } from '../observability';
import { publishMetrics } from './publish-metrics';
import { redisReady } from '../redis';

export function observed<E, R>(fn: (event: E, context: Context) => Promise<R>): MiddyfiedHandler<E, R, Error, Context> {
  return (
    middy<E, R>(fn)
      .use(captureLambdaHandler(tracer))
      .use(injectLambdaContext(logger, { resetKeys: true }))
      .use(publishMetrics(metrics))
      // what the handler's Redis needs read first (AWS: its auth token; a no-op locally)
      .use({ before: () => redisReady() })
  );
}
