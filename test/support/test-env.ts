/**
 * Environment for tests of the functions against the machine's real PostgreSQL and Redis: a
 * throwaway database with the migrations applied, and a fresh Ed25519 key pair for JWTs.
 */
import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { newJwtKeys } from '../../functions/auth/access-tokens';
import { migrate } from '../../functions/shared/db/migrate';

const ADMIN_URL = process.env.TEST_POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestEnv {
  databaseUrl: string;
  drop: () => Promise<void>;
}

export async function testDatabase(): Promise<TestEnv> {
  const name = `exchange_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new Pool({ connectionString: ADMIN_URL, max: 1 });
  await admin.query(`CREATE DATABASE ${name}`);
  const databaseUrl = ADMIN_URL.replace(/\/[^/]*$/, `/${name}`);
  const pool = new Pool({ connectionString: databaseUrl, max: 1 });
  try {
    await migrate(pool);
  } finally {
    await pool.end();
  }
  return {
    databaseUrl,
    drop: async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

export function testJwtKeys(kid = `test-${randomBytes(3).toString('hex')}`): Promise<{ signing: string; verify: string }> {
  return newJwtKeys(kid);
}
