/** Looking at and draining a RabbitMQ queue by hand (the DLQ and parked-settlement scripts). */
import * as amqp from 'amqplib';

/** Up to `limit` messages of `queue`, put back where they were: looked at, not taken. */
export async function peek(ch: amqp.Channel, queue: string, limit: number): Promise<{ count: number; messages: amqp.GetMessage[] }> {
  const { messageCount } = await ch.checkQueue(queue);
  const held: amqp.GetMessage[] = [];
  for (let i = 0; i < Math.min(limit, messageCount); i++) {
    const m = await ch.get(queue, { noAck: false });
    if (!m) break;
    held.push(m);
  }
  for (const m of held) ch.nack(m, false, true);
  return { count: messageCount, messages: held };
}

/**
 * Each message queued when this starts, once: acknowledged after `handle` resolves, put back if it
 * throws. Only those: one that fails again and comes back is not taken a second time.
 */
export async function takeEach(ch: amqp.Channel, queue: string, handle: (m: amqp.GetMessage) => Promise<void>): Promise<number> {
  const { messageCount } = await ch.checkQueue(queue);
  let taken = 0;
  while (taken < messageCount) {
    const m = await ch.get(queue, { noAck: false });
    if (!m) break;
    try {
      await handle(m);
    } catch (e) {
      ch.nack(m, false, true);
      throw e;
    }
    ch.ack(m);
    taken++;
  }
  return taken;
}

/** `fn` on a (confirm) channel of a connection of its own, closed afterwards whatever happens. */
export async function withChannel<T>(url: string, fn: (ch: amqp.ConfirmChannel) => Promise<T>): Promise<T> {
  const conn = await amqp.connect(url);
  try {
    const ch = await conn.createConfirmChannel();
    const out = await fn(ch);
    await ch.close();
    return out;
  } finally {
    await conn.close();
  }
}
