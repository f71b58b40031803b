/**
 * The one middy stack every event-driven function uses (queue and stream consumers, schedules,
 * Step Functions tasks), as httpHandler is for REST: tracing, logging with the Lambda context and,
 * where the event carries one, its correlation id, and the invocation's metrics published. What
 * the function throws goes back unchanged: queues retry by it, state machines catch it by name.
 */
import type { MiddlewareObj, MiddyfiedHandler } from '@middy/core';
import type { Context } from 'aws-lambda';
import { observed } from './middleware/observed';
import { logger } from './observability';

export interface EventSpec<E> {
  /** what ties the invocation's log lines to the rest of its flow (a batch id, a runbook execution) */
  correlationId?: (event: E) => unknown;
}

export type EventHandler<E, R> = MiddyfiedHandler<E, R, Error, Context>;

/** `correlationId` is logged when it yields a non-empty string; a malformed event is left to `fn` to refuse. */
function correlation<E, R>(idOf: (event: E) => unknown): MiddlewareObj<E, R> {
  return {
    before: (request) => {
      let id: unknown;
      try {
        id = idOf(request.event);
      } catch {
        id = undefined;
      }
      if (typeof id === 'string' && id) logger.appendKeys({ correlationId: id });
    },
  };
}

export function eventHandler<E, R>(fn: (event: E, context: Context) => Promise<R>, spec: EventSpec<E> = {}): EventHandler<E, R> {
  const h = observed<E, R>(fn);
  if (spec.correlationId) h.use(correlation<E, R>(spec.correlationId));
  return h;
}
