import type { PoolClient } from 'pg';

/**
 * Run `fn` in a transaction on a client of `pool`. A connection that dies meanwhile (a failover,
 * a terminated backend) fails the transaction, not the process: pg emits 'error' on the client
 * besides failing its query, and a checked-out client has no other listener. A broken client is
 * destroyed on release instead of going back to the pool.
 */
export async function inTransaction<T>(pool: { connect(): Promise<PoolClient> }, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (e: Error): void => void (broken = e);
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    const out = await fn(client);
    await client.query('COMMIT');
    return out;
  } catch (e) {
    if (!broken) await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}
