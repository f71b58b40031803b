/** What the stream functions are given: market data stream records and order-event queue messages. */
import { z } from 'zod';

/** A market data stream record's payload, as the matching host publishes it (JSON). */
export const MarketDataRecord = z.object({
  type: z.enum(['trade', 'level2', 'status']),
  symbol: z.string().min(1).max(32),
  sequence: z.number().int().min(1),
  time: z.number().int().min(0),
  data: z.record(z.string(), z.unknown()),
});

/** Amazon MQ (RabbitMQ) event: messages by "queue::vhost", bodies base64. */
export interface RabbitMqEvent {
  eventSource?: string;
  rmqMessagesByQueue: Record<string, { basicProperties?: { messageId?: string }; redelivered?: boolean; data: string }[]>;
}
