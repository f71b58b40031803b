/**
 * What the stream functions are given: order-event queue messages (their records are the host's
 * market data events and order events, validated with matching-host/proto/messages.ts).
 */

/** Amazon MQ (RabbitMQ) event: messages by "queue::vhost", bodies base64. */
export interface RabbitMqEvent {
  eventSource?: string;
  rmqMessagesByQueue: Record<string, { basicProperties?: { messageId?: string }; redelivered?: boolean; data: string }[]>;
}
