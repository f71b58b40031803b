/** The WebSocket functions' composition root. */
import { DEFAULT_MARKET } from '../../matching-host/server/market-config';
import { DynamoConnectionStore } from '../shared/adapters/dynamo-connection-store';
import { dynamo } from '../shared/aws';
import { config } from '../shared/config';
import { WsService } from './ws-service';

let service: WsService | undefined;

export function wsService(): WsService {
  service ??= new WsService(new DynamoConnectionStore(dynamo(), config().CONNECTIONS_TABLE), new Set(DEFAULT_MARKET.symbols.map((s) => s.symbol)));
  return service;
}
