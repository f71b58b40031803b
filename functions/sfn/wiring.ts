/** The Step Functions task functions' composition root. */
import { DEFAULT_MARKET } from '../../matching-host/server/market-config';
import { AmqpSettlementNotices } from '../shared/adapters/amqp-settlement-notices';
import { DynamoOrderHistory } from '../shared/adapters/dynamo-order-history';
import { PgSettlementLedger } from '../shared/adapters/pg-settlement-ledger';
import { dynamo } from '../shared/aws';
import { config } from '../shared/config';
import { pool } from '../shared/db/pool';
import { matchingHost } from '../shared/matching-host';
import { userStore } from '../shared/users';
import { SettlementService } from './settlement-service';

let service: SettlementService | undefined;
let notices: AmqpSettlementNotices | undefined;

export function settlementService(): SettlementService {
  const cfg = config();
  notices ??= new AmqpSettlementNotices(cfg.AMQP_URL, cfg.AMQP_EXCHANGE);
  service ??= new SettlementService(
    new PgSettlementLedger(pool()),
    userStore(),
    new DynamoOrderHistory(dynamo(), cfg.ORDER_HISTORY_TABLE, cfg.HISTORY_RETENTION_DAYS),
    matchingHost(),
    notices,
    DEFAULT_MARKET,
  );
  return service;
}

/** Close what settlement holds open (the broker connection): tests and shutdown. */
export async function closeSettlement(): Promise<void> {
  await notices?.close();
  notices = undefined;
  service = undefined;
}
