/** The order functions' composition root. */
import { DEFAULT_MARKET } from '../../matching-host/server/market-config';
import { RedisMarketData } from '../shared/adapters/redis-market-data';
import { matchingHost } from '../shared/matching-host';
import { redis } from '../shared/redis';
import { OrderService } from './order-service';

let service: OrderService | undefined;

export function orderService(): OrderService {
  service ??= new OrderService(matchingHost(), new RedisMarketData(redis()), DEFAULT_MARKET.symbols);
  return service;
}
