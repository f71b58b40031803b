/**
 * Open-loop load over gRPC: order i is due at t0 + i/rate whatever happened to earlier ones, and
 * its latency is measured from when it was due, not from when it was sent, so a stalled server
 * is charged for the queue it causes (no coordinated omission).
 */
import type { H2GrpcClient } from './h2-grpc-client';

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

const nap = new Int32Array(new SharedArrayBuffer(4));

function pct(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

export async function openLoop(client: H2GrpcClient, rate: number, orders: number, order: OrderFactory): Promise<LoadResult> {
  // encoded up front into one buffer (one old-space object, not thousands of young ones that the
  // collector would copy around during the run) so the measured loop only sends
  const parts = Array.from({ length: orders }, (_, i) => client.encode('PlaceOrderRequest', order(i)));
  const offsets = new Uint32Array(orders + 1);
  for (let i = 0; i < orders; i++) offsets[i + 1] = offsets[i] + parts[i].length;
  const packed = Buffer.concat(parts);
  parts.length = 0;
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
        client
          .unary('PlaceOrder', packed.subarray(offsets[i], offsets[i + 1]))
          .catch((e: unknown) => {
            if (errors++ === 0) process.stderr.write(`first error: ${String(e)}\n`);
          })
          .finally(() => {
            lastAck = performance.now();
            lat[i] = lastAck - scheduled;
            if (++done === orders) resolve();
          });
      }
      if (sent < orders) {
        // nap until the next order is due (≤ 100 µs) instead of spinning: on a small machine a
        // spinning load generator takes the CPU the server under test needs
        const wait = t0 + (sent * 1000) / rate - performance.now();
        if (wait > 0.02) Atomics.wait(nap, 0, 0, Math.min(0.1, wait));
        setImmediate(pump);
      }
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
