/** The WebSocket functions' composition root. */
import { DEFAULT_MARKET } from '../../matching-host/proto/market-config';
import { ApiGatewaySocketSender } from '../shared/adapters/apigw-socket-sender';
import { DynamoConnectionStore } from '../shared/adapters/dynamo-connection-store';
import { RedisMarketData } from '../shared/adapters/redis-market-data';
import { RedisSubscriberIndex } from '../shared/adapters/redis-subscriber-index';
import { dynamo } from '../shared/aws';
import { config } from '../shared/config';
import { redis } from '../shared/redis';
import { sessionSockets } from '../shared/sessions';
import { WsService } from './ws-service';

let service: WsService | undefined;

export function wsService(): WsService {
  const cfg = config();
  service ??= new WsService(
    new DynamoConnectionStore(dynamo(), cfg.CONNECTIONS_TABLE),
    new RedisSubscriberIndex(redis()),
    new Set(DEFAULT_MARKET.symbols.map((s) => s.symbol)),
    { market: new RedisMarketData(redis()), sender: new ApiGatewaySocketSender(cfg.WS_API_ENDPOINT) },
    sessionSockets(),
  );
  return service;
}
