/**
 * Open-loop load over gRPC: order i is due at t0 + i/rate whatever happened to earlier ones, and
 * its latency is measured from when it was due, not from when it was sent, so a stalled server
 * is charged for the queue it causes (no coordinated omission).
 */
import { call, type HostClient } from '../../matching-host/server/grpc-client';

export interface LoadResult {
  target: number;
  orders: number;
  achieved: number;
  p50_ms: number;
  p99_ms: number;
  p999_ms: number;
  max_ms: number;
  errors: number;
}

export type OrderFactory = (i: number) => Record<string, unknown>;

function pct(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

export async function openLoop(client: HostClient, rate: number, orders: number, order: OrderFactory): Promise<LoadResult> {
  const lat = new Float64Array(orders);
  let done = 0;
  let errors = 0;
  let sent = 0;
  const t0 = performance.now();
  let lastAck = t0;
  await new Promise<void>((resolve) => {
    const pump = (): void => {
      const due = Math.min(orders, Math.floor(((performance.now() - t0) * rate) / 1000) + 1);
      while (sent < due) {
        const i = sent++;
        const scheduled = t0 + (i * 1000) / rate;
        call(client, 'PlaceOrder', order(i), 10_000)
          .catch(() => errors++)
          .finally(() => {
            lastAck = performance.now();
            lat[i] = lastAck - scheduled;
            if (++done === orders) resolve();
          });
      }
      if (sent < orders) setImmediate(pump);
    };
    pump();
  });
  const elapsed = (lastAck - t0) / 1000;
  const sorted = lat.sort();
  return {
    target: rate,
    orders,
    achieved: Math.round(orders / elapsed),
    p50_ms: +pct(sorted, 0.5).toFixed(3),
    p99_ms: +pct(sorted, 0.99).toFixed(3),
    p999_ms: +pct(sorted, 0.999).toFixed(3),
    max_ms: +sorted[sorted.length - 1].toFixed(3),
    errors,
  };
}
