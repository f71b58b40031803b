import type { PoolClient } from 'pg';

/** Run `fn` in a transaction on a client of `pool`. */
export async function inTransaction<T>(pool: { connect(): Promise<PoolClient> }, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const out = await fn(client);
    await client.query('COMMIT');
    return out;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}
