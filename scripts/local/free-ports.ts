/**
 * Before anything starts: every port the stack will listen on is free, or one clear line names the
 * taken ones (a second `npm start`, another service) and how to run beside them.
 */
import { createServer } from 'node:net';

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** Throws naming every taken port and what it was meant for. */
export async function assertPortsFree(ports: Record<string, number | undefined>): Promise<void> {
  const taken: string[] = [];
  for (const [name, port] of Object.entries(ports)) if (port !== undefined && !(await isFree(port))) taken.push(`${port} (${name})`);
  if (taken.length) {
    throw new Error(
      `port${taken.length > 1 ? 's' : ''} ${taken.join(', ')} already in use: is another npm start running? Stop it, or run this one beside it with EXCHANGE_PORT_OFFSET=1000 REDIS_KEY_PREFIX=exchange:second: AMQP_EXCHANGE=order-events-second`,
    );
  }
}
