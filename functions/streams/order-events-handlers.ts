/**
 * The order-event queue's consumer (an Amazon MQ event source in AWS; locally `npm start` consumes
 * RabbitMQ and invokes it with the same event shape): history, audit and the `user` channel.
 * Throwing hands the messages back to the queue, which retries them a bounded number of times and
 * then dead-letters them.
 */
import { eventHandler } from '../shared/event-handler';
import { hostEventKeys } from '../shared/host-event-keys';
import { count, logger } from '../shared/observability';
import { UnverifiedOrderEvent, verifiedOrderEvent } from '../../matching-host/proto/order-event-signature';
import type { RabbitMqEvent } from './schemas';
import { orderEventsService } from './wiring';

export const handler = eventHandler(async (event: RabbitMqEvent, context): Promise<{ handled: number }> => {
  // a body that is not an order event signed by the matching host can never succeed: it fails the
  // batch (the queue isolates it by retrying, and dead-letters it, where it stays as evidence)
  // before anything is written, settled or told; a forgery also raises the alarm
  const keys = await hostEventKeys();
  const events = Object.values(event.rmqMessagesByQueue ?? {})
    .flat()
    .map((m) => {
      const body = Buffer.from(m.data, 'base64').toString('utf8');
      try {
        return verifiedOrderEvent(JSON.parse(body), keys);
      } catch (e) {
        if (e instanceof UnverifiedOrderEvent) {
          count('OrderEventsRefused');
          logger.error('order event refused: not signed by the matching host', {
            reason: e.message,
            messageId: m.basicProperties?.messageId,
            body: body.slice(0, 2000),
          });
        }
        throw e;
      }
    });
  await orderEventsService(context.invokedFunctionArn).handle(events);
  const handled = events.length;
  count('OrderEventsHandled', handled);
  return { handled };
});
