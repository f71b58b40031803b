/** The stream functions' composition root: real adapters from config, built once per container. */
import { ApiGatewaySocketSender } from '../shared/adapters/apigw-socket-sender';
import { DynamoAuditLog } from '../shared/adapters/dynamo-audit-log';
import { DynamoConnectionStore } from '../shared/adapters/dynamo-connection-store';
import { DynamoOrderHistory } from '../shared/adapters/dynamo-order-history';
import { RedisSubscriberIndex } from '../shared/adapters/redis-subscriber-index';
import { dynamo, sfn, stateMachineArn } from '../shared/aws';
import { config } from '../shared/config';
import { redis } from '../shared/redis';
import { sessionSockets } from '../shared/sessions';
import { userStore } from '../shared/users';
import { SfnSettlementTrigger } from './adapters/sfn-settlement-trigger';
import { FanoutService } from './fanout-service';
import { OrderEventsService } from './order-events-service';

let fanout: FanoutService | undefined;

export function fanoutService(): FanoutService {
  const cfg = config();
  fanout ??= new FanoutService(
    new RedisSubscriberIndex(redis()),
    new DynamoConnectionStore(dynamo(), cfg.CONNECTIONS_TABLE),
    new ApiGatewaySocketSender(cfg.WS_API_ENDPOINT),
    sessionSockets(),
  );
  return fanout;
}

let orderEvents: OrderEventsService | undefined;

/** `invokedFunctionArn`: the settlement state machine is in this function's region and account. */
export function orderEventsService(invokedFunctionArn: string | undefined): OrderEventsService {
  const cfg = config();
  orderEvents ??= new OrderEventsService(
    new DynamoOrderHistory(dynamo(), cfg.ORDER_HISTORY_TABLE, cfg.HISTORY_RETENTION_DAYS),
    new DynamoAuditLog(dynamo(), cfg.AUDIT_TABLE),
    userStore(),
    fanoutService(),
    new SfnSettlementTrigger(sfn(), stateMachineArn(invokedFunctionArn, cfg.SETTLEMENT_STATE_MACHINE)),
  );
  return orderEvents;
}
