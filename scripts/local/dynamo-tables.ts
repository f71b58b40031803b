/**
 * DynamoDB for local runs and tests: dynalite in this process, with the tables of
 * resources/dynamodb.yml created from that very file (names resolved as serverless.yml resolves
 * them), so local and AWS cannot drift apart.
 */
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
  ScanCommand,
  type AttributeValue,
  type CreateTableCommandInput,
  type TableDescription,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { readProjectYaml } from './serverless-yaml';

const ROOT = join(__dirname, '..', '..');

export interface LocalDynamo {
  endpoint: string;
  close(): Promise<void>;
}

export async function startDynalite(port = 0, path?: string): Promise<LocalDynamo> {
  // leveldown creates only the last folder of the path (a fresh clone has no .data/)
  if (path) mkdirSync(path, { recursive: true });
  const server = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  return {
    endpoint: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

interface TableResource {
  Type: string;
  Properties: Omit<CreateTableCommandInput, 'TableName'> & {
    TableName: string;
    TimeToLiveSpecification?: unknown;
    PointInTimeRecoverySpecification?: unknown;
    SSESpecification?: unknown;
    StreamSpecification?: unknown;
    Replicas?: unknown;
  };
}

/** The `custom.names` of serverless.yml for a stage ("exchange-${sls:stage}-audit" → "exchange-local-audit"), its params resolved. */
export function serviceNames(stage: string): Record<string, string> {
  const sls = readProjectYaml<{ custom: { names: Record<string, string> }; params: Record<string, Record<string, unknown>> }>(
    'serverless.yml',
  );
  const param = (name: string): string => {
    const v = sls.params[stage]?.[name] ?? sls.params.default?.[name];
    if (typeof v !== 'string') throw new Error(`serverless.yml has no string param ${name} for stage ${stage}`);
    return v;
  };
  const resolve = (v: string): string => v.replace(/\$\{param:(\w+)\}/g, (_, n: string) => param(n)).replaceAll('${sls:stage}', stage);
  return Object.fromEntries(Object.entries(sls.custom.names).map(([k, v]) => [k, resolve(v)]));
}

/** The tables of resources/dynamodb.yml, as CreateTable inputs for a stage. */
export function tableDefinitions(stage: string): CreateTableCommandInput[] {
  const names = serviceNames(stage);
  const text = readFileSync(join(ROOT, 'resources', 'dynamodb.yml'), 'utf8').replace(/\$\{self:custom\.names\.(\w+)\}/g, (_, k: string) => {
    if (!names[k]) throw new Error(`resources/dynamodb.yml names custom.names.${k}, which serverless.yml does not define`);
    return names[k];
  });
  const doc = parse(text, { logLevel: 'silent' }) as { Resources: Record<string, TableResource> };
  return (
    Object.values(doc.Resources)
      // a global table is one table per region: locally, the one
      .filter((r) => r.Type === 'AWS::DynamoDB::Table' || r.Type === 'AWS::DynamoDB::GlobalTable')
      // what CloudFormation sets besides the table itself (TTL, backups, encryption, streams) dynalite does not model
      .map(
        ({
          Properties: {
            TimeToLiveSpecification: _t,
            PointInTimeRecoverySpecification: _p,
            SSESpecification: _s,
            StreamSpecification: _st,
            Replicas: _r,
            ...input
          },
        }) => input,
      )
  );
}

/**
 * Bring the local tables up to resources/dynamodb.yml (idempotent): create those that do not exist,
 * and rebuild an existing one that lacks a secondary index the file defines (a .data/ from before
 * the index was added), keeping its items. Answers what it made, as npm start names it.
 */
export async function ensureTables(endpoint: string, stage = 'local'): Promise<string[]> {
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const made: string[] = [];
  try {
    for (const t of tableDefinitions(stage)) {
      const name = t.TableName as string;
      try {
        await client.send(new CreateTableCommand(t));
        made.push(name);
        continue;
      } catch (e) {
        if (!(e instanceof ResourceInUseException)) throw e;
      }
      const missing = missingIndexes(t, await describe(client, name));
      if (missing.length === 0) continue;
      await rebuild(client, t);
      made.push(`${name} again with index ${missing.join(' and ')}, items kept`);
    }
  } finally {
    client.destroy();
  }
  return made;
}

/** The secondary indexes of a definition that the table does not have. */
export function missingIndexes(definition: CreateTableCommandInput, table: TableDescription): string[] {
  const has = new Set([...(table.GlobalSecondaryIndexes ?? []), ...(table.LocalSecondaryIndexes ?? [])].map((i) => i.IndexName));
  return [...(definition.GlobalSecondaryIndexes ?? []), ...(definition.LocalSecondaryIndexes ?? [])]
    .map((i) => i.IndexName as string)
    .filter((n) => !has.has(n));
}

async function describe(client: DynamoDBClient, name: string): Promise<TableDescription> {
  const t = (await client.send(new DescribeTableCommand({ TableName: name }))).Table;
  if (!t) throw new Error(`DescribeTable ${name} answered no table`);
  return t;
}

/**
 * Recreate the table from its definition and write its items back. Not UpdateTable: dynalite 4
 * accepts a GlobalSecondaryIndexUpdates Create only with a provisioned throughput (which an
 * on-demand table must not name) and then ignores it. The items are held in memory meanwhile
 * (local data: a few MB); a process killed in between loses them.
 */
async function rebuild(client: DynamoDBClient, t: CreateTableCommandInput): Promise<void> {
  const name = t.TableName as string;
  const items: Record<string, AttributeValue>[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const r = await client.send(new ScanCommand({ TableName: name, ConsistentRead: true, ExclusiveStartKey: start }));
    items.push(...(r.Items ?? []));
    start = r.LastEvaluatedKey;
  } while (start);
  await client.send(new DeleteTableCommand({ TableName: name }));
  await until(name, async () => {
    try {
      await describe(client, name);
      return false;
    } catch (e) {
      if (e instanceof ResourceNotFoundException) return true;
      throw e;
    }
  });
  await client.send(new CreateTableCommand(t));
  await until(name, async () => {
    const d = await describe(client, name);
    return d.TableStatus === 'ACTIVE' && (d.GlobalSecondaryIndexes ?? []).every((i) => i.IndexStatus === 'ACTIVE');
  });
  for (let i = 0; i < items.length; i += 25) {
    let left: WriteRequest[] = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; left.length > 0; attempt++) {
      if (attempt === 10) throw new Error(`rebuilding ${name}: ${left.length} items left unwritten`);
      left = (await client.send(new BatchWriteItemCommand({ RequestItems: { [name]: left } }))).UnprocessedItems?.[name] ?? [];
    }
  }
}

/** Poll (every 20 ms, up to 30 s) for a table's state change: dynalite makes it after a timer. */
async function until(name: string, done: () => Promise<boolean>): Promise<void> {
  for (const deadline = Date.now() + 30_000; !(await done());) {
    if (Date.now() > deadline) throw new Error(`table ${name}: no state change in 30 s`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
