import {
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  QueryCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import type { OrderEventRecord, OrderHistoryStore, SettledKey } from '../ports/order-history';

/** Sort key: time and event id, zero-padded, so items sort by time and one event is one item. */
const sortKey = (e: SettledKey): string =>
  `${String(e.time).padStart(15, '0')}#${String(e.seq).padStart(15, '0')}:${String(e.idx).padStart(4, '0')}`;

/** The byOrder index's key: one order of one account (an order id alone would let anyone's events match). */
const orderKey = (account: number, orderId: number): string => `${account}#${orderId}`;
export const ORDER_INDEX = 'byOrder';

export class DynamoOrderHistory implements OrderHistoryStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
    private readonly retentionDays: number,
  ) {}

  /**
   * Writes of 25 items (DynamoDB's batch limit): an event is a whole item, so writing it again is
   * harmless and no condition is needed. What DynamoDB leaves unprocessed (throttling) is retried
   * with backoff; if it is still left, this throws and the queue redelivers the batch.
   */
  async putAll(events: readonly OrderEventRecord[]): Promise<void> {
    // one item per event: a batch that carries an event twice (the publishers resend a few after a
    // failover, and the queue redelivers) writes it once; DynamoDB refuses a batch with a key twice
    const unique = [...new Map(events.map((e) => [`${e.account}|${sortKey(e)}`, e])).values()];
    const chunks: WriteRequest[][] = [];
    for (let i = 0; i < unique.length; i += 25) chunks.push(unique.slice(i, i + 25).map((e) => ({ PutRequest: { Item: this.item(e) } })));
    await Promise.all(
      chunks.map(async (chunk) => {
        let left = chunk;
        for (let attempt = 0; left.length > 0; attempt++) {
          if (attempt === 5) throw new Error(`order history: ${left.length} writes left unprocessed after ${attempt} attempts`);
          if (attempt > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
          const r = await this.client.send(new BatchWriteItemCommand({ RequestItems: { [this.table]: left } }));
          left = r.UnprocessedItems?.[this.table] ?? [];
        }
      }),
    );
  }

  /**
   * An item the history writer has not written yet is left alone (the condition): settlement runs
   * after the writer's batch, and a redelivery writes the item again and settles it again.
   */
  async markSettled(events: readonly SettledKey[], at: number): Promise<void> {
    for (let i = 0; i < events.length; i += 25)
      await Promise.all(
        events.slice(i, i + 25).map(async (e) => {
          try {
            await this.client.send(
              new UpdateItemCommand({
                TableName: this.table,
                Key: { account: { N: String(e.account) }, at: { S: sortKey(e) } },
                UpdateExpression: 'SET settledAt = :t',
                ConditionExpression: 'attribute_exists(account)',
                ExpressionAttributeValues: { ':t': { N: String(at) } },
              }),
            );
          } catch (err) {
            if (!(err instanceof ConditionalCheckFailedException)) throw err;
          }
        }),
      );
  }

  private item(e: OrderEventRecord): Record<string, { S: string } | { N: string }> {
    return {
      account: { N: String(e.account) },
      at: { S: sortKey(e) },
      type: { S: e.type },
      event: { S: JSON.stringify(e) },
      expiresAt: { N: String(Math.floor(e.time / 1000) + this.retentionDays * 86_400) },
      // only order events are indexed by order (the index stays sparse: transfers have no order)
      ...(e.orderId ? { orderKey: { S: orderKey(e.account, e.orderId) } } : {}),
    };
  }

  /** From the byOrder index (eventually consistent: an event just written may show a moment later). */
  async ofOrder(account: number, orderId: number): Promise<OrderEventRecord[]> {
    const events: OrderEventRecord[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const r = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: ORDER_INDEX,
          KeyConditionExpression: 'orderKey = :k',
          ExpressionAttributeValues: { ':k': { S: orderKey(account, orderId) } },
          ExclusiveStartKey: start,
        }),
      );
      for (const i of r.Items ?? []) events.push(JSON.parse(i.event.S ?? '{}') as OrderEventRecord);
      start = r.LastEvaluatedKey;
    } while (start);
    // the host's command sequence is the order of events (the sort key's time may tie)
    return events.sort((a, b) => a.seq - b.seq || a.idx - b.idx);
  }

  async list(
    account: number,
    opts: { limit: number; before?: string; types?: OrderEventRecord['type'][]; where?: (e: OrderEventRecord) => boolean },
  ): Promise<{ items: OrderEventRecord[]; next?: string }> {
    const items: OrderEventRecord[] = [];
    let before = opts.before;
    // a type filter may leave pages short: read on until the page is full or history ends
    for (let pages = 0; pages < 20 && items.length < opts.limit; pages++) {
      const r = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: before ? 'account = :a AND #at < :b' : 'account = :a',
          ExpressionAttributeNames: before ? { '#at': 'at' } : undefined,
          ExpressionAttributeValues: { ':a': { N: String(account) }, ...(before ? { ':b': { S: before } } : {}) },
          ScanIndexForward: false,
          Limit: opts.limit * 2,
        }),
      );
      for (const i of r.Items ?? []) {
        before = i.at.S;
        const e = JSON.parse(i.event.S ?? '{}') as OrderEventRecord;
        if ((!opts.types || opts.types.includes(e.type)) && (!opts.where || opts.where(e))) items.push(e);
        if (items.length === opts.limit) break;
      }
      if (!r.LastEvaluatedKey && items.length < opts.limit) return { items };
    }
    return { items, next: before };
  }
}
