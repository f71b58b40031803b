/**
 * The embedded PostgreSQL `npm start` runs when no DATABASE_URL is given: PGlite over the wire
 * protocol takes the migrations and serves the stores through `pg`, several connections at once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { PgAccountStore } from '../../functions/accounts/adapters/pg-account-store';
import { PgUserStore } from '../../functions/shared/adapters/pg-user-store';
import { SecretBox } from '../../functions/shared/secret-box';
import { startLocalPostgres, type LocalPostgres } from '../../scripts/local/pglite';
import { migrateDatabase } from '../../scripts/db-migrate';

let pg: LocalPostgres;
let pool: Pool;
const dir = mkdtempSync(join(tmpdir(), 'pglite-test-'));

beforeAll(async () => {
  pg = await startLocalPostgres(55_400 + (process.pid % 500), join(dir, 'data'));
  pool = new Pool({ connectionString: pg.databaseUrl, max: 4 });
}, 60_000);

afterAll(async () => {
  await pool.end();
  await pg.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('PGlite as the local PostgreSQL', () => {
  it('applies the migrations once', async () => {
    expect(await migrateDatabase(pg.databaseUrl)).toEqual(expect.arrayContaining(['001_users.sql', '003_ledger.sql']));
    expect(await migrateDatabase(pg.databaseUrl)).toEqual([]);
  });

  it('serves users and the ledger, with concurrent completions posting once', async () => {
    const user = await new PgUserStore(
      pool,
      SecretBox.fromConfig({ DATA_KEYS: process.env.DATA_KEYS ?? '', DATA_KEY_ID: process.env.DATA_KEY_ID ?? '' }),
    ).create(`pglite.${Date.now()}@example.com`, 'hash');
    const store = new PgAccountStore(pool);
    const { transfer } = await store.claimTransfer({
      userId: user.id,
      kind: 'deposit',
      asset: 'USD',
      amount: 1_500_000n,
      idempotencyKey: 'pglite-key-1',
    });
    await Promise.all([store.completeTransfer(transfer.id), store.completeTransfer(transfer.id), store.completeTransfer(transfer.id)]);
    expect(await store.settledBalances(user.id)).toEqual(new Map([['USD', 1_500_000n]]));
    expect(await store.statement(user.id, { limit: 10 })).toHaveLength(1);
  });
});
