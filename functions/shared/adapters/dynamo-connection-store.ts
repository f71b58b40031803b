import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { Connection, ConnectionStore } from '../ports/connection-store';

/** One item per connection; subscriptions as a list (a string set cannot be empty). */
export class DynamoConnectionStore implements ConnectionStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
  ) {}

  async put(c: Connection): Promise<void> {
    await this.client.send(
      new PutItemCommand({
        TableName: this.table,
        Item: {
          connectionId: { S: c.connectionId },
          ...(c.userId ? { userId: { S: c.userId }, accountNo: { N: String(c.accountNo ?? 0) }, sessionId: { S: c.sessionId ?? '' } } : {}),
          subscriptions: { L: c.subscriptions.map((s) => ({ S: s })) },
          connectedAt: { S: c.connectedAt },
          expiresAt: { N: String(c.expiresAt) },
        },
      }),
    );
  }

  async get(connectionId: string): Promise<Connection | null> {
    const r = await this.client.send(
      new GetItemCommand({ TableName: this.table, Key: { connectionId: { S: connectionId } }, ConsistentRead: true }),
    );
    return r.Item ? toConnection(r.Item) : null;
  }

  async remove(connectionId: string): Promise<void> {
    await this.client.send(new DeleteItemCommand({ TableName: this.table, Key: { connectionId: { S: connectionId } } }));
  }

  async setSubscriptions(connectionId: string, subscriptions: string[]): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: { connectionId: { S: connectionId } },
          UpdateExpression: 'SET subscriptions = :s',
          // never resurrect a connection $disconnect already removed
          ConditionExpression: 'attribute_exists(connectionId)',
          ExpressionAttributeValues: { ':s': { L: subscriptions.map((s) => ({ S: s })) } },
        }),
      );
      return true;
    } catch (e) {
      if (e instanceof ConditionalCheckFailedException) return false;
      throw e;
    }
  }
}

function toConnection(i: Record<string, AttributeValue>): Connection {
  return {
    connectionId: i.connectionId.S ?? '',
    userId: i.userId?.S ?? null,
    accountNo: i.accountNo?.N ? Number(i.accountNo.N) : null,
    sessionId: i.sessionId?.S || null,
    subscriptions: (i.subscriptions?.L ?? []).map((s) => s.S ?? ''),
    connectedAt: i.connectedAt?.S ?? '',
    expiresAt: Number(i.expiresAt?.N ?? 0),
  };
}
