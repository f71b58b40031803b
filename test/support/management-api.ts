/**
 * API Gateway's management API as far as the functions use it (POST and DELETE
 * /@connections/{id}): it records what would reach each WebSocket client and which connections the
 * server closed. serverless offline plays this part in the e2e tests.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordingManagementApi {
  endpoint: string;
  /** messages per connection id, in arrival order */
  delivered: Map<string, Record<string, unknown>[]>;
  /** connection ids the server closed (DELETE), in order */
  closed: string[];
  close(): void;
}

export async function recordingManagementApi(): Promise<RecordingManagementApi> {
  const delivered = new Map<string, Record<string, unknown>[]>();
  const closed: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const id = decodeURIComponent((req.url ?? '').replace(/^.*@connections\//, ''));
      if (req.method === 'DELETE') {
        closed.push(id);
        res.writeHead(204).end();
        return;
      }
      delivered.set(id, [...(delivered.get(id) ?? []), JSON.parse(body) as Record<string, unknown>]);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, delivered, closed, close: () => void server.close() };
}
