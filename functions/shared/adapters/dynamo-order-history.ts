import { PutItemCommand, QueryCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { OrderEventRecord, OrderHistoryStore } from '../ports/order-history';

/** Sort key: time and event id, zero-padded, so items sort by time and one event is one item. */
const sortKey = (e: OrderEventRecord): string => `${String(e.time).padStart(15, '0')}#${String(e.seq).padStart(15, '0')}:${String(e.idx).padStart(4, '0')}`;

export class DynamoOrderHistory implements OrderHistoryStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
    private readonly retentionDays: number,
  ) {}

  async put(e: OrderEventRecord): Promise<void> {
    await this.client.send(
      new PutItemCommand({
        TableName: this.table,
        Item: {
          account: { N: String(e.account) }, at: { S: sortKey(e) }, type: { S: e.type }, event: { S: JSON.stringify(e) },
          expiresAt: { N: String(Math.floor(e.time / 1000) + this.retentionDays * 86_400) },
        },
      }),
    );
  }

  async list(account: number, opts: { limit: number; before?: string; types?: OrderEventRecord['type'][]; where?: (e: OrderEventRecord) => boolean }): Promise<{ items: OrderEventRecord[]; next?: string }> {
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
