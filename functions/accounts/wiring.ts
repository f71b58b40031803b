/** The account functions' composition root: real adapters from config, built once per container. */
import { DEFAULT_MARKET } from '../../matching-host/proto/market-config';
import { DynamoAuditLog } from '../shared/adapters/dynamo-audit-log';
import { PgAccountStore } from './adapters/pg-account-store';
import { dynamo } from '../shared/aws';
import { config } from '../shared/config';
import { pool } from '../shared/db/pool';
import { matchingHost } from '../shared/matching-host';
import { AccountService } from './account-service';

let service: AccountService | undefined;

export function accountService(): AccountService {
  if (!service) {
    const cfg = config();
    service = new AccountService(
      new PgAccountStore(pool()),
      matchingHost('accounts'),
      new DynamoAuditLog(dynamo(), cfg.AUDIT_TABLE),
      DEFAULT_MARKET.assets,
      cfg.SIMULATED_FUNDING,
    );
  }
  return service;
}
