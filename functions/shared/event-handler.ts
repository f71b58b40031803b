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
import { isReleaseProbe, releaseProbeAnswer, type ReleaseProbeAnswer } from './release-probe';

export interface EventSpec<E> {
  /** what ties the invocation's log lines to the rest of its flow (a batch id, a runbook execution) */
  correlationId?: (event: E) => unknown;
}

/** what the function answers, or a release's dry run (release-probe.ts) */
export type EventHandler<E, R> = MiddyfiedHandler<E, R | ReleaseProbeAnswer, Error, Context>;

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

/** A release's dry run (release-probe.ts) is answered without calling `fn`: its real events act. */
export function eventHandler<E, R>(fn: (event: E, context: Context) => Promise<R>, spec: EventSpec<E> = {}): EventHandler<E, R> {
  const h = observed<E, R | ReleaseProbeAnswer>((event, context) =>
    isReleaseProbe(event) ? Promise.resolve(releaseProbeAnswer(context)) : fn(event, context),
  );
  if (spec.correlationId) h.use(correlation<E, R | ReleaseProbeAnswer>(spec.correlationId));
  return h;
}
