/**
 * Flush the invocation's metrics (EMF) after the handler, as powertools' logMetrics does, but only
 * when there are some: logMetrics warns "No application metrics to publish" on every invocation
 * that counted nothing (heartbeats, schedules, reads), a log line per call in CloudWatch and npm start.
 */
import type { MiddlewareObj } from '@middy/core';

interface MetricsBuffer {
  hasStoredMetrics(): boolean;
  publishStoredMetrics(): void;
}

export function publishMetrics(metrics: MetricsBuffer): MiddlewareObj {
  const flush = (): void => {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  };
  return { after: flush, onError: flush };
}
