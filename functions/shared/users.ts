/** The container's user store: PostgreSQL, with MFA secrets sealed under the configured data key. */
import { PgUserStore } from './adapters/pg-user-store';
import { config } from './config';
import { pool } from './db/pool';
import { SecretBox } from './secret-box';

let store: PgUserStore | undefined;
let box: Promise<SecretBox> | undefined;

export function userStore(): PgUserStore {
  // the data key is read when a secret is first sealed or opened: only auth functions are given it
  store ??= new PgUserStore(pool(), () => {
    box ??= SecretBox.load(config());
    // a failed read (the secret store unreachable) is tried again next time
    box.catch(() => (box = undefined));
    return box;
  });
  return store;
}
