/**
 * A TCP proxy that puts distance between two processes on one machine: every chunk waits a one-way
 * delay in each direction before it is forwarded (1 ms between AZs, 65 ms between regions), and the
 * link can be cut and restored. Put between the hosts of a group, or between a client and a host, it
 * lets the failover tests and benchmarks see the protocol at realistic distances and partitions.
 *
 * Each connection keeps one queue per direction: a chunk is due `delay` after it arrived, but never
 * before the chunk ahead of it (a smaller delay set mid-stream must not overtake bytes in flight), so
 * bytes arrive in the order they were sent. A FIN waits its turn behind the data; an error or a reset
 * on either side closes both at once (what a peer would see of a dead host).
 *
 * `cut()` destroys every open connection, then, until `restore()`: `refuse` resets each new
 * connection at once (a host that is down); `blackhole` accepts it and forwards nothing, never
 * connecting to the target (a partition: the caller waits for its deadline).
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

export type CutMode = 'refuse' | 'blackhole';

/** one-way delays: towards the target (requests) and back to the client (replies) */
export interface Delays {
  toTarget: number;
  toClient: number;
}

export interface DelayProxyOptions {
  /** where connections go, `host:port` */
  target: string;
  /** one-way delay in milliseconds: a number applies to both directions */
  delayMs: number | Delays;
  /** the port to listen on (default: any free one) */
  listen?: number;
  /** the address to listen on (default 127.0.0.1) */
  host?: string;
}

export interface DelayProxy {
  /** `host:port` to dial instead of the target */
  address: string;
  port: number;
  /** from now on (chunks already queued keep their turn) */
  setDelay(ms: number | Delays): void;
  /** drop every open connection; new ones are refused or blackholed until restore() */
  cut(mode?: CutMode): void;
  restore(): void;
  /** connections currently forwarded (not counting blackholed ones) */
  readonly connections: number;
  close(): Promise<void>;
}

const END = Symbol('end');
type Item = Buffer | typeof END;

/** One direction of one connection: chunks leave `to` in arrival order, each no earlier than its due time. */
class DelayedPipe {
  private readonly queue: { due: number; item: Item }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private lastDue = 0;

  constructor(private readonly to: Socket) {}

  push(item: Item, delayMs: number): void {
    // never before the chunk ahead: order is kept even when the delay shrinks
    const due = Math.max(performance.now() + delayMs, this.lastDue);
    this.lastDue = due;
    if (delayMs <= 0 && this.queue.length === 0) return this.write(item);
    this.queue.push({ due, item });
    if (this.timer === undefined) this.arm();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.queue.length = 0;
  }

  private arm(): void {
    const head = this.queue[0];
    if (head === undefined) return;
    this.timer = setTimeout(() => this.flush(), Math.max(0, Math.ceil(head.due - performance.now())));
  }

  private flush(): void {
    this.timer = undefined;
    // a timer may fire a little early (millisecond clock): what is not due yet waits for the next one
    const now = performance.now();
    while (this.queue.length > 0 && this.queue[0].due <= now) this.write(this.queue.shift()!.item);
    this.arm();
  }

  private write(item: Item): void {
    if (this.to.destroyed) return;
    if (item === END) this.to.end();
    else this.to.write(item);
  }
}

export async function startDelayProxy(options: DelayProxyOptions): Promise<DelayProxy> {
  const colon = options.target.lastIndexOf(':');
  const targetHost = options.target.slice(0, colon);
  const targetPort = Number(options.target.slice(colon + 1));
  if (colon <= 0 || !Number.isInteger(targetPort) || targetPort <= 0) throw new Error(`target must be host:port, not ${options.target}`);
  const both = (ms: number | Delays): Delays => (typeof ms === 'number' ? { toTarget: ms, toClient: ms } : { ...ms });

  let delays = both(options.delayMs);
  let cut: CutMode | undefined;
  const forwarded = new Set<Socket>();
  const held = new Set<Socket>();

  const relay = (client: Socket): void => {
    if (cut === 'refuse') {
      // a reset, not a FIN: what a caller sees of a port nobody listens on
      client.resetAndDestroy();
      return;
    }
    if (cut === 'blackhole') {
      // accepted, read and dropped: the caller sees a connection that never answers
      held.add(client);
      client.on('data', () => undefined);
      client.on('error', () => undefined);
      client.on('close', () => held.delete(client));
      return;
    }
    const upstream = connect({ host: targetHost, port: targetPort, allowHalfOpen: true });
    const toTarget = new DelayedPipe(upstream);
    const toClient = new DelayedPipe(client);
    forwarded.add(client);
    let done = false;
    const drop = (): void => {
      if (done) return;
      done = true;
      forwarded.delete(client);
      toTarget.stop();
      toClient.stop();
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (chunk: Buffer) => toTarget.push(chunk, delays.toTarget));
    upstream.on('data', (chunk: Buffer) => toClient.push(chunk, delays.toClient));
    client.on('end', () => toTarget.push(END, delays.toTarget));
    upstream.on('end', () => toClient.push(END, delays.toClient));
    // a side that closed after its FIN has its end queued behind its data: the pair is over once both
    // have closed. One that closed without a FIN (an error, a reset, a destroy) takes the other with it.
    const ended = new Set<Socket>();
    for (const s of [client, upstream]) {
      s.on('end', () => ended.add(s));
      s.on('error', drop);
      s.on('close', () => {
        if (!ended.has(s) || (client.destroyed && upstream.destroyed)) drop();
      });
    }
  };

  const server: Server = createServer({ allowHalfOpen: true }, relay);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.listen ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address();
  if (bound === null || typeof bound === 'string') throw new Error('the delay proxy has no port');

  const destroyAll = (): void => {
    for (const s of [...forwarded, ...held]) s.destroy();
  };
  return {
    address: `${host}:${bound.port}`,
    port: bound.port,
    setDelay: (ms) => {
      delays = both(ms);
    },
    cut: (mode = 'refuse') => {
      cut = mode;
      destroyAll();
    },
    restore: () => {
      cut = undefined;
      // a blackholed connection never reached the target: closing it lets its caller dial again now
      for (const s of held) s.destroy();
    },
    get connections() {
      return forwarded.size;
    },
    close: () => {
      destroyAll();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
