/**
 * The primary lease of a region's host pair, as the hosts, the functions and the DR runbooks read
 * and write it: one item per region in the control table (see matching-host/server/dr/README.md).
 * Every write is conditional on the version the writer last saw, so of two writers one wins.
 */
import { ConditionalCheckFailedException, GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';

export interface Lease {
  region: string;
  /** the host id that may acknowledge; "" when a DR runbook fenced the region */
  holder: string;
  epoch: number;
  /** raised by every write */
  version: number;
  /** standbys that hold every command the holder acknowledged: only they may take over */
  inSync: string[];
  /** how long a write stays good */
  leaseMs: number;
}

export const leaseKey = (region: string): string => `lease#${region}`;

/** The control table's `name` values of lease items start with this (IAM scopes the hosts to them). */
export const LEASE_KEY_PREFIX = 'lease#';

export interface LeaseStore {
  read(region: string): Promise<Lease | null>;
  /** Write `next` if the stored version is `expectedVersion` (0: no item yet); false if another write came first. */
  write(next: Lease, expectedVersion: number): Promise<boolean>;
}

/**
 * Take `region`'s lease for `holder` at `epoch` unless it is already at that epoch or above (a DR
 * runbook fencing a region with holder "", or a promoted host taking its region's lease). Retries
 * a write that lost a race. The lease as `holder` holds it at `epoch`, or null when it is already
 * another's at `epoch` or beyond.
 */
export async function claimLease(store: LeaseStore, region: string, holder: string, epoch: number, leaseMs: number): Promise<Lease | null> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const cur = await store.read(region);
    if (cur && cur.epoch > epoch) return null;
    if (cur && cur.epoch === epoch) return cur.holder === holder ? cur : null;
    const next: Lease = { region, holder, epoch, version: (cur?.version ?? 0) + 1, inSync: [], leaseMs };
    if (await store.write(next, cur?.version ?? 0)) return next;
  }
  throw new Error(`the lease of ${region} kept changing while it was claimed at epoch ${epoch}`);
}

const itemSchema = z.object({
  name: z.object({ S: z.string() }),
  holder: z.object({ S: z.string() }),
  epoch: z.object({ N: z.string() }),
  version: z.object({ N: z.string() }),
  inSync: z.object({ S: z.string() }),
  leaseMs: z.object({ N: z.string() }),
});

/** The lease in the control table (DynamoDB: dynalite locally). Reads are strongly consistent. */
export class DynamoLeaseStore implements LeaseStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
  ) {}

  async read(region: string): Promise<Lease | null> {
    const r = await this.client.send(
      new GetItemCommand({ TableName: this.table, Key: { name: { S: leaseKey(region) } }, ConsistentRead: true }),
    );
    if (!r.Item) return null;
    const i = itemSchema.parse(r.Item);
    const inSync = z.array(z.string()).parse(JSON.parse(i.inSync.S));
    return { region, holder: i.holder.S, epoch: Number(i.epoch.N), version: Number(i.version.N), inSync, leaseMs: Number(i.leaseMs.N) };
  }

  async write(next: Lease, expectedVersion: number): Promise<boolean> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.table,
          Item: {
            name: { S: leaseKey(next.region) },
            holder: { S: next.holder },
            epoch: { N: String(next.epoch) },
            version: { N: String(next.version) },
            inSync: { S: JSON.stringify(next.inSync) },
            leaseMs: { N: String(next.leaseMs) },
          },
          ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(#n)' : '#v = :v',
          ExpressionAttributeNames: expectedVersion === 0 ? { '#n': 'name' } : { '#v': 'version' },
          ExpressionAttributeValues: expectedVersion === 0 ? undefined : { ':v': { N: String(expectedVersion) } },
        }),
      );
      return true;
    } catch (e) {
      if (e instanceof ConditionalCheckFailedException) return false;
      throw e;
    }
  }
}
