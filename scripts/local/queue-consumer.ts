/**
 * serverless offline cannot bind Amazon MQ events: this stands in for the event source mapping.
 * It consumes the order-event history queue one message at a time and invokes the consumer
 * function through serverless offline's Lambda endpoint with the event shape AWS would use. A
 * message the function fails on is redelivered up to MAX_ATTEMPTS times, then rejected, which
 * dead-letters it (order-events.dlq); `npm run dlq` shows and replays those.
 */
import * as amqp from 'amqplib';
import { assertTopology, defaultTopology } from '../../matching-host/server/publishers/amqp-sink';
import { invokeFunction } from './invoke-function';

export const MAX_ATTEMPTS = 3;

export interface QueueConsumer {
  stop(): Promise<void>;
}

export async function consumeOrderEvents(options: { amqpUrl: string; exchange: string; lambdaPort: number; fn: string; log: (m: string) => void }): Promise<QueueConsumer> {
  const topology = defaultTopology(options.exchange);
  const queue = topology.queues[0];
  const conn = await amqp.connect(options.amqpUrl);
  const ch = await conn.createChannel();
  await assertTopology(ch, topology);
  await ch.prefetch(1);
  const attempts = new Map<string, number>();
  let stopping = false;
  // after stop() the channel is gone: an answer still in flight is simply redelivered later
  const settle = (f: () => void): void => {
    if (stopping) return;
    try {
      f();
    } catch (e) {
      options.log(`order-event queue: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  const invoke = (msg: amqp.ConsumeMessage): Promise<boolean> => {
    const event = {
      eventSource: 'aws:rmq',
      rmqMessagesByQueue: {
        [`${queue}::/`]: [{ basicProperties: { messageId: msg.properties.messageId as string | undefined }, redelivered: msg.fields.redelivered, data: msg.content.toString('base64') }],
      },
    };
    return invokeFunction(options.lambdaPort, options.fn, event, (m) => options.log(`${m} (event ${String(msg.properties.messageId)})`));
  };
  const { consumerTag } = await ch.consume(queue, (msg) => {
    if (!msg) return;
    void invoke(msg).then(async (ok) => {
      const id = String(msg.properties.messageId ?? msg.fields.deliveryTag);
      if (ok) {
        attempts.delete(id);
        settle(() => ch.ack(msg));
        return;
      }
      const n = (attempts.get(id) ?? 0) + 1;
      if (n >= MAX_ATTEMPTS) {
        attempts.delete(id);
        options.log(`order event ${id} dead-lettered after ${n} attempts`);
        settle(() => ch.nack(msg, false, false));
      } else {
        attempts.set(id, n);
        await new Promise((r) => setTimeout(r, 500 * n));
        settle(() => ch.nack(msg, false, true));
      }
    });
  });
  return {
    stop: async () => {
      stopping = true;
      await ch.cancel(consumerTag).catch(() => undefined);
      await conn.close().catch(() => undefined);
    },
  };
}
