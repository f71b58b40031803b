/**
 * An HTTP client for the local stack that calls from an address of its own on the loopback network
 * (127.x.y.z): serverless offline reports it as the caller's IP, so per-IP rate limits of one test
 * file never spill into another.
 */
import { request } from 'node:http';

export interface HttpReply {
  status: number;
  body: Record<string, unknown>;
  /** raw text of the body (for checks that nothing internal leaks) */
  text: string;
  headers: Record<string, string | string[] | undefined>;
}

export type Call = (method: string, path: string, body?: unknown, token?: string, headers?: Record<string, string>) => Promise<HttpReply>;

/** A fresh loopback address for a test file. */
export function loopbackAddress(): string {
  const n = () => 1 + Math.floor(Math.random() * 250);
  return `127.${n()}.${n()}.${n()}`;
}

export function httpClient(base: string, localAddress = loopbackAddress()): Call {
  const url = new URL(base);
  return (method, path, body, token, headers = {}) =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
      const req = request(
        {
          host: url.hostname, port: url.port, path, method, localAddress,
          headers: {
            ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            ...headers,
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (text += d));
          res.on('end', () => {
            let parsed: Record<string, unknown> = {};
            try {
              parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
            } catch {
              parsed = { raw: text };
            }
            resolve({ status: res.statusCode ?? 0, body: parsed, text, headers: res.headers });
          });
        },
      );
      req.on('error', reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
}
