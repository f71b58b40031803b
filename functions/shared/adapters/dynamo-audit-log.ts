import { ConditionalCheckFailedException, PutItemCommand, QueryCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { randomUUID } from 'node:crypto';
import type { AuditLog, AuditRecord } from '../ports/audit-log';

/**
 * Audit records keyed by user (partition) and time + id (sort key, so records of one millisecond
 * stay distinct). The table has no TTL; records are written once and never updated.
 */
export class DynamoAuditLog implements AuditLog {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async record(r: AuditRecord): Promise<void> {
    const at = r.key ? `${new Date(r.key.time).toISOString()}#${r.key.id}` : `${this.now().toISOString()}#${randomUUID()}`;
    await this.client
      .send(
        new PutItemCommand({
          TableName: this.table,
          Item: {
            userId: { S: r.userId },
            at: { S: at },
            action: { S: r.action },
            outcome: { S: r.outcome },
            actorId: { S: r.actorId },
            requestId: { S: r.requestId },
            ip: { S: r.ip },
            details: { S: JSON.stringify(r.details) },
          },
          // a record is written once: never overwrite one
          ConditionExpression: 'attribute_not_exists(userId)',
        }),
      )
      .catch((e: unknown) => {
        // the same keyed record again (a redelivery): it is there already
        if (r.key && e instanceof ConditionalCheckFailedException) return;
        throw e;
      });
  }

  async recent(userId: string, limit: number): Promise<(AuditRecord & { at: string })[]> {
    const r = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'userId = :u',
        ExpressionAttributeValues: { ':u': { S: userId } },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (r.Items ?? []).map((i) => ({
      userId: i.userId.S ?? '',
      at: i.at.S ?? '',
      action: i.action.S ?? '',
      outcome: (i.outcome.S ?? 'failed') as AuditRecord['outcome'],
      actorId: i.actorId.S ?? '',
      requestId: i.requestId.S ?? '',
      ip: i.ip.S ?? '',
      details: JSON.parse(i.details.S ?? '{}') as AuditRecord['details'],
    }));
  }
}
