/**
 * A stand-in for serverless offline's Lambda endpoint (POST /2015-03-31/functions/{name}/invocations)
 * on a real socket, whose replies a test chooses per request: 'drop' destroys the connection before
 * any answer (what a client meets when the server closed the keep-alive socket under it: undici's
 * UND_ERR_SOCKET, "other side closed"), or a status and body. `functionReply` answers as serverless
 * offline does: the result with 200, a thrown error with 200 and its errorType and errorMessage.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type EndpointReply = 'drop' | { status: number; body: unknown };
/** `nth`: this request's number among the function's (1 for the first) */
export type Replier = (fn: string, nth: number, payload: unknown) => EndpointReply | Promise<EndpointReply>;

export interface LambdaEndpoint {
  port: number;
  /** requests received for `fn` so far, dropped ones included */
  requests(fn: string): number;
  close(): Promise<void>;
}

export async function functionReply(run: () => Promise<unknown>): Promise<EndpointReply> {
  try {
    return { status: 200, body: (await run()) ?? null };
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    return { status: 200, body: { errorType: err.name, errorMessage: err.message, trace: [] } };
  }
}

export async function startLambdaEndpoint(reply: Replier): Promise<LambdaEndpoint> {
  const counts = new Map<string, number>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let text = '';
    req.on('data', (d: Buffer) => (text += d.toString()));
    req.on('end', () => {
      const fn = decodeURIComponent(/^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(req.url ?? '')?.[1] ?? '');
      const nth = (counts.get(fn) ?? 0) + 1;
      counts.set(fn, nth);
      const answer = (r: EndpointReply): void => {
        if (r === 'drop') return void req.socket.destroy();
        res.writeHead(r.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(r.body));
      };
      // a replier that throws is the endpoint's own failure: 500, as hapi answers one
      Promise.resolve()
        .then(() => reply(fn, nth, text ? (JSON.parse(text) as unknown) : null))
        .then(answer, (e: unknown) => answer({ status: 500, body: { message: String(e) } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    requests: (fn) => counts.get(fn) ?? 0,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
