/**
 * The local stack as `npm start` runs it, for an e2e test file: on ports of its own (so a
 * developer's stack on the defaults does not collide), against a throwaway PostgreSQL database,
 * with a data directory of its own; started before the file's tests and stopped after them.
 */
import * as amqp from 'amqplib';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultTopology } from '../../matching-host/server/publishers/amqp-sink';
import { startStack, type Stack, type StackPorts } from '../../scripts/local/start';
import { testDatabase, type TestEnv } from './test-env';

/** The stack's order-event exchange: its own, so stacks and runs sharing the broker never see each other's events. */
export function stackUnderTest(ports: StackPorts): { amqpExchange: string } {
  let db: TestEnv | undefined;
  let stack: Stack | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'stack-test-'));
  const amqpExchange = `order-events-test-${process.pid}-${ports.http}`;
  beforeAll(async () => {
    db = await testDatabase();
    stack = await startStack(ports, { dataDir, databaseUrl: db.databaseUrl, echo: false, amqpExchange });
  }, 150_000);
  afterAll(async () => {
    await stack?.stop();
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
    await deleteTopology(amqpExchange);
  }, 30_000);
  return { amqpExchange };
}

async function deleteTopology(exchange: string): Promise<void> {
  const t = defaultTopology(exchange);
  const conn = await amqp.connect(process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672');
  try {
    const ch = await conn.createChannel();
    for (const q of [...t.queues, t.deadLetterQueue]) await ch.deleteQueue(q);
    await ch.deleteExchange(t.exchange);
    await ch.deleteExchange(t.deadLetterExchange);
  } finally {
    await conn.close();
  }
}
