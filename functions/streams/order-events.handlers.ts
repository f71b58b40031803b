/**
 * The order-event queue's consumer (an Amazon MQ event source in AWS; locally `npm start` consumes
 * RabbitMQ and invokes it with the same event shape): history, audit and the `user` channel.
 * Throwing hands the messages back to the queue, which retries them a bounded number of times and
 * then dead-letters them.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { publishMetrics } from '../shared/middleware/publish-metrics';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { ApiGatewaySocketSender } from '../shared/adapters/apigw-socket-sender';
import { DynamoAuditLog } from '../shared/adapters/dynamo-audit-log';
import { DynamoConnectionStore } from '../shared/adapters/dynamo-connection-store';
import { DynamoOrderHistory } from '../shared/adapters/dynamo-order-history';
import { SfnSettlementTrigger } from './adapters/sfn-settlement-trigger';
import { RedisSubscriberIndex } from '../shared/adapters/redis-subscriber-index';
import { dynamo, sfn, stateMachineArn } from '../shared/aws';
import { config } from '../shared/config';
import { count, logger, metrics } from '../shared/observability';
import { redis } from '../shared/redis';
import { OrderEvent } from '../shared/order-event-schema';
import { userStore } from '../shared/users';
import { FanoutService } from './fanout-service';
import { OrderEventsService } from './order-events-service';

/** Amazon MQ (RabbitMQ) event: messages by "queue::vhost", bodies base64. */
export interface RabbitMqEvent {
  eventSource?: string;
  rmqMessagesByQueue: Record<string, { basicProperties?: { messageId?: string }; redelivered?: boolean; data: string }[]>;
}

let service: OrderEventsService | undefined;
function orderEvents(context: Context): OrderEventsService {
  const cfg = config();
  service ??= new OrderEventsService(
    new DynamoOrderHistory(dynamo(), cfg.ORDER_HISTORY_TABLE, cfg.HISTORY_RETENTION_DAYS),
    new DynamoAuditLog(dynamo(), cfg.AUDIT_TABLE),
    userStore(),
    new FanoutService(
      new RedisSubscriberIndex(redis()),
      new DynamoConnectionStore(dynamo(), cfg.CONNECTIONS_TABLE),
      new ApiGatewaySocketSender(cfg.WS_API_ENDPOINT),
    ),
    new SfnSettlementTrigger(sfn(), stateMachineArn(context.invokedFunctionArn, cfg.SETTLEMENT_STATE_MACHINE)),
  );
  return service;
}

export const handler = middy(async (event: RabbitMqEvent, context: Context): Promise<{ handled: number }> => {
  // a body that is not an order event can never succeed: it fails the batch (the queue isolates
  // it by retrying, and dead-letters it) before anything is written
  const events = Object.values(event.rmqMessagesByQueue ?? {})
    .flat()
    .map((m) => OrderEvent.parse(JSON.parse(Buffer.from(m.data, 'base64').toString('utf8'))));
  await orderEvents(context).handle(events);
  const handled = events.length;
  count('OrderEventsHandled', handled);
  return { handled };
})
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(publishMetrics(metrics));
