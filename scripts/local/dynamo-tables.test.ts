/**
 * The local tables against resources/dynamodb.yml, in a real dynalite: a table made before an
 * index was added (an existing .data/) gets the index, with its items, so queries on it work.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  QueryCommand,
  type CreateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import { DynamoOrderHistory, ORDER_INDEX } from '../../functions/shared/adapters/dynamo-order-history';
import type { OrderEventRecord } from '../../functions/shared/ports/order-history';
import { ensureTables, startDynalite, tableDefinitions, type LocalDynamo } from './dynamo-tables';

let dynamo: LocalDynamo;
let client: DynamoDBClient;
beforeEach(async () => {
  dynamo = await startDynalite();
  client = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});
afterEach(async () => {
  client.destroy();
  await dynamo.close();
});

const history = (): CreateTableCommandInput => {
  const t = tableDefinitions('local').find((d) => d.TableName === 'exchange-local-order-history');
  if (!t) throw new Error('resources/dynamodb.yml defines no order history table');
  return t;
};
const event = (orderId: number, seq: number, type: OrderEventRecord['type']): OrderEventRecord => ({
  seq,
  idx: 0,
  time: Date.UTC(2026, 0, 1, 0, 0, seq),
  account: 7,
  type,
  orderId,
  clientOrderId: `c-${orderId}`,
  symbol: 'BTC-USD',
  side: 'buy',
});

it('creates every table of resources/dynamodb.yml, and nothing the second time', async () => {
  const names = tableDefinitions('local').map((t) => t.TableName);
  expect(await ensureTables(dynamo.endpoint)).toEqual(names);
  expect(await ensureTables(dynamo.endpoint)).toEqual([]);
});

it('adds the order history’s byOrder index to a table made before it, keeping its items', async () => {
  // the table as it was before the index: same keys, no orderKey attribute, no index
  const t = history();
  await client.send(
    new CreateTableCommand({
      ...t,
      GlobalSecondaryIndexes: undefined,
      AttributeDefinitions: t.AttributeDefinitions?.filter((a) => a.AttributeName !== 'orderKey'),
    }),
  );
  const store = new DynamoOrderHistory(client, 'exchange-local-order-history', 365);
  const events = [event(42, 1, 'accepted'), event(43, 2, 'accepted'), event(42, 3, 'canceled')];
  await store.putAll(events);
  await expect(store.ofOrder(7, 42)).rejects.toThrow(/does not have the specified index: byOrder/);

  const made = await ensureTables(dynamo.endpoint);
  expect(made).toContain('exchange-local-order-history again with index byOrder, items kept');
  const table = (await client.send(new DescribeTableCommand({ TableName: 'exchange-local-order-history' }))).Table;
  expect(table?.GlobalSecondaryIndexes?.map((i) => `${i.IndexName} ${i.IndexStatus}`)).toEqual([`${ORDER_INDEX} ACTIVE`]);
  expect(await store.ofOrder(7, 42)).toEqual([events[0], events[2]]);
  expect((await store.list(7, { limit: 10 })).items).toEqual([...events].reverse());
  // written after the rebuild: indexed as well
  await store.putAll([event(43, 4, 'canceled')]);
  const byOrder = await client.send(
    new QueryCommand({
      TableName: 'exchange-local-order-history',
      IndexName: ORDER_INDEX,
      KeyConditionExpression: 'orderKey = :k',
      ExpressionAttributeValues: { ':k': { S: '7#43' } },
    }),
  );
  expect(byOrder.Count).toBe(2);
  // and up to date now: nothing more to do
  expect(await ensureTables(dynamo.endpoint)).toEqual([]);
});

it('writes an event that a batch carries twice once (resent after a failover), instead of refusing the batch', async () => {
  await ensureTables(dynamo.endpoint);
  const store = new DynamoOrderHistory(client, 'exchange-local-order-history', 365);
  const e = event(77, 9, 'accepted');
  await store.putAll([e, event(78, 10, 'accepted'), { ...e }]);
  expect(await store.ofOrder(7, 77)).toEqual([e]);
});
