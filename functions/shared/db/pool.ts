import { Pool, type PoolConfig } from 'pg';
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
      // the URL's parts, not the URL itself: pg lets a connection string's (empty) password override a password given beside it
      ...connectionOptions(cfg.DATABASE_URL),
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

/** What a postgres:// URL says, as pg's options (TLS when it asks for sslmode=require, as RDS Proxy wants). */
export function connectionOptions(url: string): PoolConfig {
  const u = new URL(url);
  const ssl = u.searchParams.get('sslmode');
  return {
    host: u.hostname,
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    database: decodeURIComponent(u.pathname.slice(1)),
    ...(ssl && ssl !== 'disable' ? { ssl: { rejectUnauthorized: ssl === 'verify-full' } } : {}),
  };
}

/** Close the pool (tests, scripts); the next `pool()` opens a new one. */
export async function closePool(): Promise<void> {
  const p = shared;
  shared = undefined;
  await p?.end();
}
