/**
 * The local stack as `npm start` runs it, for an e2e test file: on ports of its own (so a
 * developer's stack on the defaults does not collide), against a throwaway PostgreSQL database,
 * with a data directory of its own; started before the file's tests and stopped after them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStack, type Stack, type StackPorts } from '../../scripts/local/start';
import { testDatabase, type TestEnv } from './test-env';

export function stackUnderTest(ports: StackPorts): void {
  let db: TestEnv | undefined;
  let stack: Stack | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'stack-test-'));
  beforeAll(async () => {
    db = await testDatabase();
    stack = await startStack(ports, { dataDir, databaseUrl: db.databaseUrl, echo: false });
  }, 150_000);
  afterAll(async () => {
    await stack?.stop();
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }, 30_000);
}
