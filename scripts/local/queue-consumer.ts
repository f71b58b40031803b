/**
 * serverless offline cannot bind Amazon MQ events: this stands in for the event source mapping.
 * It consumes the order-event history queue in batches (up to BATCH_SIZE messages, or what came
 * within BATCH_WINDOW_MS) and invokes the consumer function through serverless offline's Lambda
 * endpoint with the event shape AWS would use, one batch at a time so events stay in order. A
 * failed batch is retried one message at a time, so a poison message is found alone: it is
 * redelivered up to MAX_ATTEMPTS times, then rejected, which dead-letters it (order-events.dlq);
 * `npm run dlq` shows and replays those.
 */
import * as amqp from 'amqplib';
import { assertTopology, defaultTopology } from '../../matching-host/proto/order-event-topology';
import { invokeFunction } from './invoke-function';

export const MAX_ATTEMPTS = 3;
export const BATCH_SIZE = 100;
const BATCH_WINDOW_MS = 20;

export interface QueueConsumer {
  stop(): Promise<void>;
}

export async function consumeOrderEvents(options: {
  amqpUrl: string;
  exchange: string;
  lambdaPort: number;
  fn: string;
  log: (m: string) => void;
}): Promise<QueueConsumer> {
  const topology = defaultTopology(options.exchange);
  const queue = topology.queues[0];
  const conn = await amqp.connect(options.amqpUrl);
  const ch = await conn.createChannel();
  await assertTopology(ch, topology);
  await ch.prefetch(BATCH_SIZE * 2);
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
  const invoke = (batch: amqp.ConsumeMessage[]): Promise<boolean> => {
    const event = {
      eventSource: 'aws:rmq',
      rmqMessagesByQueue: {
        [`${queue}::/`]: batch.map((msg) => ({
          basicProperties: { messageId: msg.properties.messageId as string | undefined },
          redelivered: msg.fields.redelivered,
          data: msg.content.toString('base64'),
        })),
      },
    };
    const ids = batch.length === 1 ? `event ${String(batch[0].properties.messageId)}` : `${batch.length} events`;
    return invokeFunction(options.lambdaPort, options.fn, event, (m) => options.log(`${m} (${ids})`));
  };
  const run = async (batch: amqp.ConsumeMessage[]): Promise<void> => {
    if (await invoke(batch)) {
      for (const msg of batch) {
        attempts.delete(String(msg.properties.messageId ?? msg.fields.deliveryTag));
        settle(() => ch.ack(msg));
      }
      return;
    }
    if (batch.length > 1) {
      for (const msg of batch) await run([msg]);
      return;
    }
    const msg = batch[0];
    const id = String(msg.properties.messageId ?? msg.fields.deliveryTag);
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
  };
  let pending: amqp.ConsumeMessage[] = [];
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const flush = (): void => {
    clearTimeout(timer);
    timer = undefined;
    const batch = pending;
    pending = [];
    if (batch.length) running = running.then(() => run(batch));
  };
  const { consumerTag } = await ch.consume(queue, (msg) => {
    if (!msg) return;
    pending.push(msg);
    if (pending.length >= BATCH_SIZE) flush();
    else timer ??= setTimeout(flush, BATCH_WINDOW_MS);
  });
  return {
    stop: async () => {
      stopping = true;
      clearTimeout(timer);
      await ch.cancel(consumerTag).catch(() => undefined);
      await conn.close().catch(() => undefined);
    },
  };
}
