import { connect, createServer, Socket, type Server } from 'node:net';
import { performance } from 'node:perf_hooks';
import { startDelayProxy, type DelayProxy } from './delay-proxy';

/** An echo server that counts the connections it accepted. */
async function echoServer(): Promise<{ port: number; accepted: () => number; close: () => Promise<void> }> {
  let accepted = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    accepted++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    s.pipe(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as { port: number }).port,
    accepted: () => accepted,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

function dial(address: string): Promise<Socket> {
  const [host, port] = address.split(':');
  return new Promise((resolve, reject) => {
    const s = connect({ host, port: Number(port) }, () => {
      s.off('error', reject);
      resolve(s);
    });
    s.once('error', reject);
  });
}

/** Reads until `bytes` have arrived (or the socket closes first: then whatever came). */
function read(s: Socket, bytes: number): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let n = 0;
    const done = (): void => {
      s.off('data', onData);
      s.off('close', done);
      resolve(Buffer.concat(chunks));
    };
    const onData = (c: Buffer): void => {
      chunks.push(c);
      n += c.length;
      if (n >= bytes) done();
    };
    s.on('data', onData);
    s.on('close', done);
  });
}

const closed = (s: Socket): Promise<void> => new Promise((r) => (s.destroyed ? r() : s.once('close', () => r())));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('the delay proxy', () => {
  let echo: Awaited<ReturnType<typeof echoServer>>;
  let proxy: DelayProxy;
  const open: Socket[] = [];
  const through = async (): Promise<Socket> => {
    const s = await dial(proxy.address);
    s.on('error', () => undefined);
    open.push(s);
    return s;
  };
  const roundTrip = async (s: Socket, text = 'ping'): Promise<string> => {
    const reply = read(s, text.length);
    s.write(text);
    return (await reply).toString();
  };

  beforeEach(async () => {
    echo = await echoServer();
  });
  afterEach(async () => {
    for (const s of open.splice(0)) s.destroy();
    await proxy.close();
    await echo.close();
  });

  it('delays each direction: a round trip takes at least twice the one-way delay, and chunks in flight do not add up', async () => {
    proxy = await startDelayProxy({ target: `127.0.0.1:${echo.port}`, delayMs: 40 });
    const s = await through();
    let t0 = performance.now();
    expect(await roundTrip(s)).toBe('ping');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(80);

    // 50 chunks sent back to back each wait 2 × 40 ms, side by side (not 50 × 80 ms)
    t0 = performance.now();
    const reply = read(s, 50 * 4);
    for (let i = 0; i < 50; i++) s.write(`c${String(i).padStart(3, '0')}`);
    expect((await reply).length).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(80);
    expect(performance.now() - t0).toBeLessThan(1_000);

    // each direction its own: replies only
    proxy.setDelay({ toTarget: 0, toClient: 30 });
    t0 = performance.now();
    expect(await roundTrip(s)).toBe('ping');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(30);
  });

  it('keeps the byte order over many chunks, while the delay changes under them', async () => {
    proxy = await startDelayProxy({ target: `127.0.0.1:${echo.port}`, delayMs: 5 });
    const s = await through();
    const N = 3_000;
    const sent = Buffer.alloc(N * 4);
    for (let i = 0; i < N; i++) sent.writeUInt32BE(i, i * 4);
    const reply = read(s, sent.length);
    for (let i = 0; i < N; i++) {
      s.write(sent.subarray(i * 4, i * 4 + 4));
      // a shorter delay must not let later chunks overtake earlier ones
      if (i % 500 === 0) proxy.setDelay([5, 0, 12, 1, 0, 8][(i / 500) % 6]);
      if (i % 50 === 0) await new Promise((r) => setImmediate(r));
    }
    expect((await reply).equals(sent)).toBe(true);
  });

  it('delays a FIN like data: the end of the stream comes after what was sent before it', async () => {
    proxy = await startDelayProxy({ target: `127.0.0.1:${echo.port}`, delayMs: 20 });
    const s = await through();
    const reply = read(s, Number.MAX_SAFE_INTEGER);
    const t0 = performance.now();
    s.end('last words');
    expect((await reply).toString()).toBe('last words');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(40);
  });

  it('cut (refuse) kills open connections and resets new ones before they reach the target; restore lets them through', async () => {
    proxy = await startDelayProxy({ target: `127.0.0.1:${echo.port}`, delayMs: 1 });
    const s = await through();
    expect(await roundTrip(s)).toBe('ping');
    expect(proxy.connections).toBe(1);

    proxy.cut('refuse');
    await closed(s);
    expect(proxy.connections).toBe(0);
    const refused = await through().catch((e: unknown) => e);
    if (refused instanceof Socket) {
      // the reset may come just after the connect: nothing answers, and it closes at once
      expect(await roundTrip(refused)).toBe('');
      await closed(refused);
    }
    expect(echo.accepted()).toBe(1);

    proxy.restore();
    expect(await roundTrip(await through(), 'again')).toBe('again');
    expect(echo.accepted()).toBe(2);
  });

  it('cut (blackhole) kills open connections and accepts new ones that never get through; restore closes those and lets new ones through', async () => {
    proxy = await startDelayProxy({ target: `127.0.0.1:${echo.port}`, delayMs: 1 });
    const s = await through();
    expect(await roundTrip(s)).toBe('ping');

    proxy.cut('blackhole');
    await closed(s);
    const held = await through();
    let answered = false;
    held.on('data', () => (answered = true));
    held.write('anyone?');
    await sleep(200);
    expect({ answered, open: !held.destroyed, accepted: echo.accepted() }).toEqual({ answered: false, open: true, accepted: 1 });

    proxy.restore();
    await closed(held);
    expect(await roundTrip(await through(), 'again')).toBe('again');
    expect(echo.accepted()).toBe(2);
  });

  it('closes: its connections end and its port is let go', async () => {
    proxy = await startDelayProxy({ target: `127.0.0.1:${echo.port}`, delayMs: 1 });
    const s = await through();
    expect(await roundTrip(s)).toBe('ping');
    await proxy.close();
    await closed(s);
    await expect(dial(proxy.address)).rejects.toThrow(/ECONNREFUSED/);
    // afterEach closes it again: harmless
    proxy = { ...proxy, close: () => Promise.resolve() };
  });

  it('refuses a target that is not host:port', async () => {
    await expect(startDelayProxy({ target: 'nowhere', delayMs: 1 })).rejects.toThrow('target must be host:port');
    proxy = await startDelayProxy({ target: `127.0.0.1:${echo.port}`, delayMs: 0 });
    expect(await roundTrip(await through())).toBe('ping');
  });
});
