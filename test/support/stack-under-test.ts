/**
 * The local stack as `npm start` runs it, for an e2e test file: on ports of its own (so a
 * developer's stack on the defaults does not collide), against a throwaway PostgreSQL database,
 * with a data directory, an order-event exchange and a Redis key prefix of its own; started before
 * the file's tests and stopped after them (its exchange, queues and keys removed).
 */
import * as amqp from 'amqplib';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultTopology } from '../../matching-host/proto/order-event-topology';
import { startStack, type Stack, type StackPorts } from '../../scripts/local/start';
import { deleteKeys } from './redis-keys';
import { testDatabase, type TestEnv } from './test-env';

/**
 * The stack's order-event exchange and Redis key prefix: its own, so stacks and runs sharing the
 * broker and Redis never see each other's events, views, limits or subscriptions. The auth budget
 * per IP is AWS's (20 a minute), which the security tests check, not the local stage's.
 */
export function stackUnderTest(ports: StackPorts): { amqpExchange: string; redisKeyPrefix: string } {
  let db: TestEnv | undefined;
  let stack: Stack | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'stack-test-'));
  const amqpExchange = `order-events-test-${process.pid}-${ports.http}`;
  const redisKeyPrefix = `exchange:test-${process.pid}-${ports.http}:`;
  beforeAll(async () => {
    db = await testDatabase();
    stack = await startStack(ports, {
      dataDir,
      databaseUrl: db.databaseUrl,
      echo: false,
      amqpExchange,
      redisKeyPrefix,
      authIpPerMinute: 20,
    });
  }, 150_000);
  afterAll(async () => {
    await stack?.stop();
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
    await deleteTopology(amqpExchange);
    await deleteKeys(redisKeyPrefix);
  }, 30_000);
  return { amqpExchange, redisKeyPrefix };
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
