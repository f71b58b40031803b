import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'pool-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the database pool', () => {
  it('reads the URL into options and keeps a password beside it (pg would let the URL’s empty one win)', async () => {
    const { connectionOptions } = await import('./pool');
    expect(connectionOptions('postgres://exchange@proxy.example:5432/exchange?sslmode=require')).toEqual({
      host: 'proxy.example',
      port: 5432,
      user: 'exchange',
      database: 'exchange',
      ssl: { rejectUnauthorized: false },
    });
    expect(connectionOptions('postgres://postgres:p%40ss@127.0.0.1/exchange')).toMatchObject({ password: 'p@ss', port: 5432 });
  });

  it('asks the secret store for the password each time a connection opens (AWS: RDS rotates it)', async () => {
    const file = join(dir, 'db.json');
    writeFileSync(file, JSON.stringify({ username: 'exchange', password: 'first' }));
    process.env.DATABASE_URL = 'postgres://exchange@proxy.example:5432/exchange?sslmode=require';
    process.env.DATABASE_SECRET = `file:${file}`;
    jest.resetModules();
    const { pool, closePool } = await import('./pool');
    const options = (pool() as unknown as { options: { password: () => Promise<string>; host: string; connectionString?: string } })
      .options;
    expect(options.host).toBe('proxy.example');
    expect(options.connectionString).toBeUndefined();
    expect(await options.password()).toBe('first');
    writeFileSync(file, JSON.stringify({ username: 'exchange', password: 'rotated' }));
    expect(await options.password()).toBe('rotated');
    await closePool();
  });
});
