import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { ActiveRegionChanged, RunbookInProgress, type ActiveRegion, type ControlStore, type PendingApproval } from '../ports/control-store';

const ACTIVE = 'active-region';
const LOCK = 'runbook-lock';
const approvalKey = (execution: string): string => `approval#${execution}`;

/** The control record in DynamoDB: one item per concern, keyed by `name`; switches are compare-and-set on the epoch. */
export class DynamoControlStore implements ControlStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
  ) {}

  async activeRegion(): Promise<ActiveRegion | null> {
    // strongly consistent: a Lambda that just saw FENCED must see the switch that caused it
    const r = await this.client.send(new GetItemCommand({ TableName: this.table, Key: { name: { S: ACTIVE } }, ConsistentRead: true }));
    const i = r.Item;
    if (!i) return null;
    return { region: i.region.S ?? '', epoch: Number(i.epoch.N), since: i.since.S ?? '', changedBy: i.changedBy.S ?? '' };
  }

  async switchActiveRegion(next: ActiveRegion, expectedEpoch: number): Promise<void> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.table,
          Item: {
            name: { S: ACTIVE },
            region: { S: next.region },
            epoch: { N: String(next.epoch) },
            since: { S: next.since },
            changedBy: { S: next.changedBy },
          },
          ConditionExpression: expectedEpoch === 0 ? 'attribute_not_exists(#n) OR epoch = :e' : 'epoch = :e',
          ExpressionAttributeNames: expectedEpoch === 0 ? { '#n': 'name' } : undefined,
          ExpressionAttributeValues: { ':e': { N: String(expectedEpoch) } },
        }),
      );
    } catch (e) {
      if (e instanceof ConditionalCheckFailedException) throw new ActiveRegionChanged(expectedEpoch);
      throw e;
    }
  }

  async putApproval(a: PendingApproval): Promise<void> {
    await this.client.send(
      new PutItemCommand({ TableName: this.table, Item: { name: { S: approvalKey(a.execution) }, body: { S: JSON.stringify(a) } } }),
    );
  }

  async approval(execution: string): Promise<PendingApproval | null> {
    const r = await this.client.send(
      new GetItemCommand({ TableName: this.table, Key: { name: { S: approvalKey(execution) } }, ConsistentRead: true }),
    );
    return r.Item?.body.S ? (JSON.parse(r.Item.body.S) as PendingApproval) : null;
  }

  async takeApproval(execution: string): Promise<PendingApproval | null> {
    // deleted and returned in one call: two operators answering at once cannot both use the token
    const r = await this.client.send(
      new DeleteItemCommand({ TableName: this.table, Key: { name: { S: approvalKey(execution) } }, ReturnValues: 'ALL_OLD' }),
    );
    return r.Attributes?.body.S ? (JSON.parse(r.Attributes.body.S) as PendingApproval) : null;
  }

  async claimRunbook(execution: string, expiresAt: string, now: string): Promise<void> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.table,
          Item: { name: { S: LOCK }, holder: { S: execution }, expiresAt: { S: expiresAt } },
          ConditionExpression: 'attribute_not_exists(#n) OR holder = :me OR expiresAt < :now',
          ExpressionAttributeNames: { '#n': 'name' },
          ExpressionAttributeValues: { ':me': { S: execution }, ':now': { S: now } },
        }),
      );
    } catch (e) {
      if (!(e instanceof ConditionalCheckFailedException)) throw e;
      const r = await this.client.send(new GetItemCommand({ TableName: this.table, Key: { name: { S: LOCK } }, ConsistentRead: true }));
      throw new RunbookInProgress(r.Item?.holder.S ?? 'unknown');
    }
  }

  async releaseRunbook(execution: string): Promise<void> {
    await this.client
      .send(
        new DeleteItemCommand({
          TableName: this.table,
          Key: { name: { S: LOCK } },
          ConditionExpression: 'holder = :me',
          ExpressionAttributeValues: { ':me': { S: execution } },
        }),
      )
      .catch((e: unknown) => {
        // held by someone else, or gone already: nothing of ours to release
        if (!(e instanceof ConditionalCheckFailedException)) throw e;
      });
  }
}
