import { Pool } from 'pg';
import { config } from '../config';
import { logger } from '../observability';
import { secretField } from '../secret-store';

let shared: Pool | undefined;

/** The container's pool: small, since a Lambda serves one request at a time (RDS Proxy in AWS pools across them). */
export function pool(): Pool {
  if (!shared) {
    const cfg = config();
    const secret = cfg.DATABASE_SECRET;
    shared = new Pool({
      connectionString: cfg.DATABASE_URL,
      // AWS: read from the secret store when a connection opens (RDS rotates it; the proxy follows)
      ...(secret ? { password: () => secretField(secret, 'password', cfg.STAGE, { fresh: true }) } : {}),
      max: 2,
      idleTimeoutMillis: 30_000,
      connectionTimeoutMillis: 5_000,
    });
    // an idle client the server drops (failover, restart, a terminated backend) must not crash the
    // process: the pool discards it and the next query opens a new one
    shared.on('error', (e) => logger.warn('idle PostgreSQL connection lost', { error: e }));
  }
  return shared;
}

/** Close the pool (tests, scripts); the next `pool()` opens a new one. */
export async function closePool(): Promise<void> {
  const p = shared;
  shared = undefined;
  await p?.end();
}
