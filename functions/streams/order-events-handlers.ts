/**
 * The order-event queue's consumer (an Amazon MQ event source in AWS; locally `npm start` consumes
 * RabbitMQ and invokes it with the same event shape): history, audit and the `user` channel.
 * Throwing hands the messages back to the queue, which retries them a bounded number of times and
 * then dead-letters them.
 */
import { eventHandler } from '../shared/event-handler';
import { count } from '../shared/observability';
import { OrderEvent } from '../../matching-host/proto/messages';
import type { RabbitMqEvent } from './schemas';
import { orderEventsService } from './wiring';

export const handler = eventHandler(async (event: RabbitMqEvent, context): Promise<{ handled: number }> => {
  // a body that is not an order event can never succeed: it fails the batch (the queue isolates
  // it by retrying, and dead-letters it) before anything is written
  const events = Object.values(event.rmqMessagesByQueue ?? {})
    .flat()
    .map((m) => OrderEvent.parse(JSON.parse(Buffer.from(m.data, 'base64').toString('utf8'))));
  await orderEventsService(context.invokedFunctionArn).handle(events);
  const handled = events.length;
  count('OrderEventsHandled', handled);
  return { handled };
});
