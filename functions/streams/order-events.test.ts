/**
 * The order-event consumer through its handler, against real components: users in PostgreSQL,
 * history and audit in DynamoDB (dynalite), the subscriber index in Redis, and a recording stand-in
 * for API Gateway's management API (serverless offline plays it in the e2e suite). Redelivery writes
 * nothing twice; a poison message throws (so the queue retries and dead-letters it).
 */
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { generateKeyPairSync } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { Pool } from 'pg';
import { startFunctionsEnv, type FunctionsEnv } from '../../test/support/functions-env';
import { recordingManagementApi, type RecordingManagementApi } from '../../test/support/management-api';
import { DynamoAuditLog } from '../shared/adapters/dynamo-audit-log';
import { DynamoConnectionStore } from '../shared/adapters/dynamo-connection-store';
import { DynamoOrderHistory } from '../shared/adapters/dynamo-order-history';
import { RedisSessionStore } from '../shared/adapters/redis-session-store';
import { sessionSockets } from '../shared/sessions';
import { RedisSubscriberIndex } from '../shared/adapters/redis-subscriber-index';
import { dynamo } from '../shared/aws';
import type { OrderEventRecord } from '../shared/ports/order-history';
import { redis } from '../shared/redis';
import { userStore } from '../shared/users';
import { handler } from './order-events-handlers';
import { deposit } from '../accounts/accounts-handlers';
import { invoke } from '../../test/support/api-event';
import { signOrderEvent } from '../../matching-host/proto/order-event-signature';
import type { RabbitMqEvent } from './schemas';

let management: RecordingManagementApi;
let delivered: RecordingManagementApi['delivered'];

let env: FunctionsEnv;
let userId = '';
let account = 0;

/** A socket as $connect records it for a user with a live session; answers the session's id. */
async function liveSocket(userId: string, connectionId: string): Promise<string> {
  const sessionId = (await new RedisSessionStore(redis()).start(userId, 600)).familyId;
  await sessionSockets().opened(userId, { connectionId, sessionId, rolesVersion: 0 });
  return sessionId;
}

beforeAll(async () => {
  management = await recordingManagementApi();
  delivered = management.delivered;
  process.env.WS_API_ENDPOINT = management.endpoint;
  // a host too: the settlement test funds its traders through the deposit route (ledger and host)
  env = await startFunctionsEnv({ redisDb: 10, host: true });
  const u = await userStore().create(`events.${Date.now()}@example.com`, 'x');
  userId = u.id;
  account = u.accountNo;
}, 60_000);

afterAll(async () => {
  await env.stop();
  management.close();
});

const context = { awsRequestId: 'mq', functionName: 'orderEvents', getRemainingTimeInMillis: () => 5000 } as unknown as Context;
/** messages as the queue delivers them; objects signed as the host signs its events, unless already signed */
const mq = (...bodies: unknown[]): RabbitMqEvent => ({
  eventSource: 'aws:rmq',
  rmqMessagesByQueue: {
    'order-events.history::/': bodies.map((b) => ({
      data: Buffer.from(
        typeof b === 'string' ? b : JSON.stringify('sig' in (b as object) ? b : signOrderEvent(b as object, env.eventSigningKey)),
      ).toString('base64'),
    })),
  },
});
const history = async (account: number): Promise<OrderEventRecord[]> =>
  (await new DynamoOrderHistory(dynamo(), 'exchange-local-order-history', 365).list(account, { limit: 10 })).items;

describe('the order-event consumer', () => {
  const fill: OrderEventRecord = {
    seq: 41,
    idx: 1,
    time: Date.UTC(2026, 10, 30, 12),
    account: 0,
    type: 'fill',
    orderId: 7,
    clientOrderId: 'c-7',
    symbol: 'BTC-USD',
    side: 'buy',
    price: '42000.00',
    quantity: '0.2000',
    filled: '0.2000',
    leaves: '0.0000',
    fill: { tradeId: '41-1', liquidity: 'taker', counterOrderId: 3 },
  };

  it('writes history and audit once however often an event is delivered, and tells the owner on the user channel', async () => {
    const e = { ...fill, account };
    // the owner has a connection subscribed to its user channel; another user's would not be asked
    const conn = `conn-${Date.now()}`;
    // opened with a live session: the user channel goes only to sockets whose session holds
    const sessionId = await liveSocket(userId, conn);
    await new DynamoConnectionStore(dynamo(), 'exchange-local-ws-connections').put({
      connectionId: conn,
      userId,
      accountNo: account,
      sessionId,
      subscriptions: ['user'],
      connectedAt: '',
      expiresAt: 0,
    });
    await new RedisSubscriberIndex(redis()).add(conn, [`user:${userId}`]);

    expect(await handler(mq(e), context)).toEqual({ handled: 1 });
    expect(await handler(mq(e), context)).toEqual({ handled: 1 });

    const history = await new DynamoOrderHistory(dynamo(), 'exchange-local-order-history', 365).list(account, { limit: 10 });
    expect(history.items).toEqual([e]);
    const audit = await new DynamoAuditLog(dynamo(), 'exchange-local-audit').recent(userId, 10);
    expect(audit.filter((a) => a.action === 'order.fill')).toHaveLength(1);
    expect(delivered.get(conn)?.[0]).toMatchObject({
      channel: 'user',
      type: 'update',
      sequence: 41,
      data: { type: 'fill', orderId: 7, price: '42000.00' },
    });
  });

  it('handles a batch: every event written, and the owner told in event order', async () => {
    const other = await userStore().create(`events.b.${Date.now()}@example.com`, 'x');
    const conn = `conn-batch-${Date.now()}`;
    const sessionId = await liveSocket(other.id, conn);
    await new DynamoConnectionStore(dynamo(), 'exchange-local-ws-connections').put({
      connectionId: conn,
      userId: other.id,
      accountNo: other.accountNo,
      sessionId,
      subscriptions: ['user'],
      connectedAt: '',
      expiresAt: 0,
    });
    await new RedisSubscriberIndex(redis()).add(conn, [`user:${other.id}`]);
    // more than one DynamoDB batch (25) of history writes
    const events = Array.from({ length: 60 }, (_, i): OrderEventRecord => ({
      ...fill,
      account: other.accountNo,
      seq: 1000 + i,
      idx: 0,
      time: fill.time + i,
      orderId: 100 + i,
    }));

    expect(await handler(mq(...events), context)).toEqual({ handled: 60 });

    const history = await new DynamoOrderHistory(dynamo(), 'exchange-local-order-history', 365).list(other.accountNo, { limit: 100 });
    expect(history.items.map((e) => e.seq)).toEqual(events.map((e) => e.seq).reverse());
    const audit = await new DynamoAuditLog(dynamo(), 'exchange-local-audit').recent(other.id, 100);
    expect(audit.filter((a) => a.action === 'order.fill')).toHaveLength(60);
    expect((delivered.get(conn) ?? []).map((m) => (m as { sequence: number }).sequence)).toEqual(events.map((e) => e.seq));
  });

  it('hands the fills of a batch to settlement, which posts both sides of the trade to the ledger and marks them settled', async () => {
    const maker = await userStore().create(`events.m.${Date.now()}@example.com`, 'x');
    // the ledger lets no trader's account go below zero: both sides hold what the trade moves
    const fund = async (who: { userId: string; accountNo: number }, asset: string, amount: string): Promise<void> => {
      const caller = { userId: who.userId, roles: ['trader' as const], accountNo: who.accountNo };
      expect((await invoke(deposit, { caller, body: { asset, amount, idempotencyKey: `events-${asset}-${who.accountNo}` } })).status).toBe(
        201,
      );
    };
    await fund({ userId, accountNo: account }, 'USD', '100000');
    await fund({ userId: maker.id, accountNo: maker.accountNo }, 'BTC', '1');
    const tradeId = `BTC-USD:${Date.now()}`;
    const taker = { ...fill, account, seq: 7000, idx: 0, fill: { tradeId, liquidity: 'taker' as const, counterOrderId: 3 } };
    const made = {
      ...fill,
      account: maker.accountNo,
      seq: 7000,
      idx: 1,
      side: 'sell',
      fill: { tradeId, liquidity: 'maker' as const, counterOrderId: 7 },
    };
    expect(await handler(mq(taker, made), context)).toEqual({ handled: 2 });
    const db = new Pool({ connectionString: env.databaseUrl, max: 1 });
    try {
      let posted: string[] = [];
      for (let i = 0; i < 100 && posted.length < 2; i++) {
        await new Promise((r) => setTimeout(r, 50));
        posted = (
          await db.query<{ reference: string }>(
            "SELECT reference FROM ledger_entries WHERE kind = 'trade' AND reference LIKE $1 ORDER BY reference",
            [`${tradeId}:%`],
          )
        ).rows.map((r) => r.reference);
      }
      expect(posted).toEqual([`${tradeId}:maker`, `${tradeId}:taker`]);
    } finally {
      await db.end();
    }
    // the execution marks the history items after posting: eventually settledAt is there
    let settledAt: string | undefined;
    for (let i = 0; i < 100 && !settledAt; i++) {
      const items = await dynamo().send(
        new QueryCommand({
          TableName: 'exchange-local-order-history',
          KeyConditionExpression: 'account = :a',
          ExpressionAttributeValues: { ':a': { N: String(maker.accountNo) } },
        }),
      );
      settledAt = items.Items?.[0]?.settledAt?.N;
      if (!settledAt) await new Promise((r) => setTimeout(r, 50));
    }
    expect(Number(settledAt)).toBeGreaterThan(0);
  }, 30_000);

  it('writes nothing of a batch that holds a poison message', async () => {
    const other = await userStore().create(`events.p.${Date.now()}@example.com`, 'x');
    const good = { ...fill, account: other.accountNo, seq: 5000 };
    await expect(handler(mq(good, { hello: 'world' }), context)).rejects.toThrow();
    await expect(handler(mq(good, { ...fill, account: 99_999_999, seq: 5001 }), context)).rejects.toThrow();
    expect(
      (await new DynamoOrderHistory(dynamo(), 'exchange-local-order-history', 365).list(other.accountNo, { limit: 10 })).items,
    ).toEqual([]);
  });

  it('refuses an order event not signed by the matching host (forged, tampered or unsigned): nothing written, settled or told', async () => {
    const victim = await userStore().create(`events.f.${Date.now()}@example.com`, 'x');
    const genuine = { ...fill, account: victim.accountNo, seq: 9000, fill: { ...fill.fill, tradeId: `BTC-USD:e1:${Date.now()}` } };
    const attacker = generateKeyPairSync('ed25519').privateKey;
    const forged = signOrderEvent(genuine, attacker);
    const tampered = { ...signOrderEvent(genuine, env.eventSigningKey), quantity: '20.0000' };
    const unsignedEvent = JSON.stringify(genuine);
    for (const body of [forged, tampered, unsignedEvent])
      await expect(handler(mq(body), context)).rejects.toMatchObject({ name: 'UnverifiedOrderEvent' });
    expect(await history(victim.accountNo)).toEqual([]);
    // the one the host signed goes through
    expect(await handler(mq(genuine), context)).toEqual({ handled: 1 });
    expect(await history(victim.accountNo)).toEqual([genuine]);
  });

  it.each([
    ['a body that is not JSON', 'not json'],
    ['a body that is not an order event', { hello: 'world' }],
    ['an event for an account nobody owns', { ...fill, account: 99_999_999 }],
  ])('throws on %s, so the queue retries and then dead-letters it', async (_, body) => {
    await expect(handler(mq(body), context)).rejects.toThrow();
  });
});
