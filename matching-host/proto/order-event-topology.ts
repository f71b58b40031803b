/**
 * Where the host's order events go on the broker (Amazon MQ / RabbitMQ): the exchange it
 * publishes to and the queues its consumers read, each dead-lettering into a DLX + DLQ. The host
 * declares them; the consumers and operators' tools name them from here.
 */
import type { Channel } from 'amqplib';

export interface AmqpTopology {
  exchange: string;
  deadLetterExchange: string;
  deadLetterQueue: string;
  /** durable queues bound to every order event */
  queues: string[];
}

export function defaultTopology(prefix = 'order-events'): AmqpTopology {
  return { exchange: prefix, deadLetterExchange: `${prefix}.dlx`, deadLetterQueue: `${prefix}.dlq`, queues: [`${prefix}.history`] };
}

export async function assertTopology(ch: Channel, t: AmqpTopology): Promise<void> {
  await ch.assertExchange(t.exchange, 'topic', { durable: true });
  await ch.assertExchange(t.deadLetterExchange, 'topic', { durable: true });
  await ch.assertQueue(t.deadLetterQueue, { durable: true });
  await ch.bindQueue(t.deadLetterQueue, t.deadLetterExchange, '#');
  for (const q of t.queues) {
    await ch.assertQueue(q, { durable: true, arguments: { 'x-dead-letter-exchange': t.deadLetterExchange } });
    await ch.bindQueue(q, t.exchange, 'order.#');
  }
}
