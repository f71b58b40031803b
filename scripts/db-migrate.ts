/**
 * `npm run db:migrate`: create the database named by DATABASE_URL if it is missing, then apply
 * the migrations (functions/shared/db/migrations).
 */
import { Pool } from 'pg';
import { migrate } from '../functions/shared/db/migrate';

export async function migrateDatabase(url: string): Promise<string[]> {
  const name = new URL(url).pathname.slice(1);
  if (!/^\w+$/.test(name)) throw new Error(`unexpected database name "${name}"`);
  const admin = new Pool({ connectionString: url.replace(/\/\w+(\?.*)?$/, '/postgres$1'), max: 1 });
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const pool = new Pool({ connectionString: url, max: 1 });
  try {
    return await migrate(pool);
  } finally {
    await pool.end();
  }
}

if (require.main === module) {
  const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/exchange';
  migrateDatabase(url)
    .then((applied) => process.stdout.write(`migrations applied: ${applied.length ? applied.join(', ') : 'none (up to date)'}\n`))
    .catch((e: unknown) => {
      process.stderr.write(`migration failed: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    });
}
