/** The market functions' composition root. */
import { DEFAULT_MARKET } from '../../matching-host/proto/market-config';
import { RedisMarketData } from '../shared/adapters/redis-market-data';
import { redis } from '../shared/redis';
import { MarketService } from './market-service';

let service: MarketService | undefined;

export function marketService(): MarketService {
  service ??= new MarketService(new RedisMarketData(redis()), DEFAULT_MARKET.symbols);
  return service;
}
