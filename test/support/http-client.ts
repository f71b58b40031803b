/**
 * An HTTP client for the local stack that calls from an address of its own on the loopback network
 * (127.x.y.z): serverless offline reports it as the caller's IP, so per-IP rate limits of one test
 * file never spill into another. Every answer is checked against the published OpenAPI document:
 * one the document does not declare (status, body, declared header) fails the call, so the server
 * and its contract cannot drift apart.
 */
import { request } from 'node:http';
import { OpenApiContract } from './openapi-contract';

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

let contract: Promise<OpenApiContract> | undefined;

/** The answer, or an error naming every way it breaks the OpenAPI document. */
async function checked(method: string, path: string, reply: HttpReply): Promise<HttpReply> {
  contract ??= OpenApiContract.load();
  const problems = (await contract).check({ method, path, status: reply.status, headers: reply.headers, text: reply.text });
  if (problems.length) throw new Error(`the answer breaks the OpenAPI document (functions/api/openapi.json):\n  ${problems.join('\n  ')}`);
  return reply;
}

export function httpClient(base: string, localAddress = loopbackAddress()): Call {
  const url = new URL(base);
  return (method, path, body, token, headers = {}) =>
    new Promise<HttpReply>((resolve, reject) => {
      const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path,
          method,
          localAddress,
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
    }).then((reply) => checked(method, path, reply));
}
