/** The container's user store: PostgreSQL, with MFA secrets sealed under the configured data key. */
import { PgUserStore } from './adapters/pg-user-store';
import { config } from './config';
import { pool } from './db/pool';
import { SecretBox } from './secret-box';

let store: PgUserStore | undefined;

export function userStore(): PgUserStore {
  store ??= new PgUserStore(pool(), SecretBox.fromConfig(config()));
  return store;
}
