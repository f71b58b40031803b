/**
 * Powertools instances shared by every handler: JSON logs with request and correlation ids,
 * CloudWatch metrics as EMF (namespace "Exchange"), X-Ray tracing (a no-op outside Lambda or when
 * POWERTOOLS_TRACE_ENABLED=false, as offline).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'exchange';

export const logger = new Logger({ serviceName });
export const metrics = new Metrics({ namespace: 'Exchange', serviceName });
export const tracer = new Tracer({ serviceName });

/** Count one business event (EMF metric in namespace Exchange; flushed by the handler's middleware). */
export function count(name: string, n = 1): void {
  metrics.addMetric(name, MetricUnit.Count, n);
}
