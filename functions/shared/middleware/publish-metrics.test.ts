import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import { publishMetrics } from './publish-metrics';

/** A Metrics instance whose output (EMF lines and its own warnings) is captured. */
function capturedMetrics(): { metrics: Metrics; lines: string[] } {
  const lines: string[] = [];
  const sink = {
    log: (s: string) => lines.push(s),
    warn: (s: string) => lines.push(`WARN ${s}`),
    info: () => undefined,
    error: () => undefined,
    debug: () => undefined,
  };
  const metrics = new Metrics({ namespace: 'Test', serviceName: 'test', logger: sink });
  // its EMF output goes to its console; route that to the capture too
  (metrics as unknown as { console: typeof sink }).console = sink;
  metrics.setThrowOnEmptyMetrics(false);
  return { metrics, lines };
}

describe('publishMetrics', () => {
  const prev = process.env.POWERTOOLS_METRICS_DISABLED;
  beforeAll(() => (process.env.POWERTOOLS_METRICS_DISABLED = 'false'));
  afterAll(() => (process.env.POWERTOOLS_METRICS_DISABLED = prev));

  it('writes nothing for an invocation that counted nothing (no "No application metrics" line)', async () => {
    const { metrics, lines } = capturedMetrics();
    await middy(() => Promise.resolve('ok')).use(publishMetrics(metrics))({}, {} as never);
    expect(lines).toEqual([]);
  });

  it('publishes what was counted, after success and after an error', async () => {
    const { metrics, lines } = capturedMetrics();
    await middy(() => Promise.resolve(metrics.addMetric('placed', MetricUnit.Count, 1))).use(publishMetrics(metrics))({}, {} as never);
    await expect(
      middy(() => {
        metrics.addMetric('failed', MetricUnit.Count, 1);
        return Promise.reject(new Error('boom'));
      }).use(publishMetrics(metrics))({}, {} as never),
    ).rejects.toThrow('boom');
    expect(lines.map((l) => Object.keys(JSON.parse(l) as object).filter((k) => k !== '_aws' && k !== 'service'))).toEqual([
      ['placed'],
      ['failed'],
    ]);
    expect(metrics.hasStoredMetrics()).toBe(false);
  });
});
