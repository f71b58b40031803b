/**
 * A TCP proxy that can lose a reply: armed, it forwards the client's next request, throws away
 * whatever the server answers, and then drops the connection — what a client sees when the
 * network fails after the server acted. Tests use it to check that retries are safe.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export class LossyProxy {
  /** replies thrown away so far (connections dropped after the server acted) */
  lost = 0;
  port = 0;
  private armed: number | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;

  private constructor(
    private readonly targetPort: number,
    private readonly targetHost: string,
  ) {
    this.server = createServer((client) => this.relay(client));
  }

  static async start(targetPort: number, targetHost = '127.0.0.1'): Promise<LossyProxy> {
    const proxy = new LossyProxy(targetPort, targetHost);
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    const address = proxy.server.address();
    if (address === null || typeof address === 'string') throw new Error('the proxy has no port');
    proxy.port = address.port;
    return proxy;
  }

  /** Lose the reply to the next request a client sends, dropping its connection `afterMs` later. */
  loseNextReply(afterMs = 300): void {
    this.armed = afterMs;
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private relay(client: Socket): void {
    const upstream = connect(this.targetPort, this.targetHost);
    this.sockets.add(client).add(upstream);
    let swallowing = false;
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (chunk: Buffer) => {
      upstream.write(chunk);
      if (this.armed === undefined || swallowing) return;
      // this is the request: its answer is lost, and the connection goes some time later
      swallowing = true;
      const after = this.armed;
      this.armed = undefined;
      setTimeout(() => {
        this.lost++;
        drop();
      }, after);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!swallowing) client.write(chunk);
    });
    for (const s of [client, upstream]) {
      s.on('error', drop);
      s.on('close', () => {
        this.sockets.delete(s);
        drop();
      });
    }
  }
}
