/**
 * The host's HTTP side port: Prometheus `/metrics` and `/health` for a load balancer (200 only
 * while this host is a primary that can make commands durable; 503 with the reason otherwise).
 */
import { createServer, type Server } from 'node:http';
import type { MatchingHost } from '../host';
import type { HostMetrics } from '../metrics';

export function healthOf(host: MatchingHost | undefined): { status: number; body: Record<string, unknown> } {
  if (!host) return { status: 503, body: { status: 'starting' } };
  const base = { role: host.role, epoch: host.epoch, lastSeq: host.lastSeq };
  if (!host.journalHealthy) return { status: 503, body: { status: 'journal_failed', ...base } };
  if (host.role !== 'primary') return { status: 503, body: { status: 'standby', ...base } };
  return { status: 200, body: { status: 'ok', ...base } };
}

export async function startOpsServer(
  address: string,
  metrics: HostMetrics,
  host: () => MatchingHost | undefined,
): Promise<{ server: Server; port: number }> {
  const [hostname, port] = [address.slice(0, address.lastIndexOf(':')), Number(address.slice(address.lastIndexOf(':') + 1))];
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET') {
      res.writeHead(405, { allow: 'GET' }).end();
      return;
    }
    if (path === '/metrics') {
      metrics.registry
        .metrics()
        .then((text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text))
        .catch(() => res.writeHead(500).end());
    } else if (path === '/health') {
      const h = healthOf(host());
      res.writeHead(h.status, { 'content-type': 'application/json' }).end(JSON.stringify(h.body));
    } else res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 'NOT_FOUND' }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, hostname, resolve);
  });
  const addr = server.address();
  return { server, port: typeof addr === 'object' && addr ? addr.port : port };
}
