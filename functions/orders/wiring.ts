/** The order functions' composition root. */
import { DEFAULT_MARKET } from '../../matching-host/proto/market-config';
import { DynamoAuditLog } from '../shared/adapters/dynamo-audit-log';
import { DynamoOrderHistory } from '../shared/adapters/dynamo-order-history';
import { RedisMarketData } from '../shared/adapters/redis-market-data';
import { dynamo } from '../shared/aws';
import { config } from '../shared/config';
import { matchingHost } from '../shared/matching-host';
import { redis } from '../shared/redis';
import type { AuditLog } from '../shared/ports/audit-log';
import { OrderService } from './order-service';
import { RedisRecentOrders } from './recent-orders';

let service: OrderService | undefined;

export function orderService(): OrderService {
  const cfg = config();
  service ??= new OrderService(
    matchingHost('trading'),
    new RedisMarketData(redis()),
    new DynamoOrderHistory(dynamo(), cfg.ORDER_HISTORY_TABLE, cfg.HISTORY_RETENTION_DAYS),
    new RedisRecentOrders(redis()),
    DEFAULT_MARKET.symbols,
  );
  return service;
}

let audit: AuditLog | undefined;

/** where order actions the edge refuses are recorded */
export function auditLog(): AuditLog {
  audit ??= new DynamoAuditLog(dynamo(), config().AUDIT_TABLE);
  return audit;
}
