/**
 * DynamoDB for local runs and tests: dynalite in this process, with the tables of
 * resources/dynamodb.yml created from that very file (names resolved as serverless.yml resolves
 * them), so local and AWS cannot drift apart.
 */
import { CreateTableCommand, DynamoDBClient, ResourceInUseException, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
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
  Properties: Omit<CreateTableCommandInput, 'TableName'> & { TableName: string; TimeToLiveSpecification?: unknown; PointInTimeRecoverySpecification?: unknown; SSESpecification?: unknown; StreamSpecification?: unknown };
}

/** The `custom.names` of serverless.yml for a stage ("exchange-${sls:stage}-audit" → "exchange-local-audit"). */
export function serviceNames(stage: string): Record<string, string> {
  const sls = readProjectYaml<{ custom: { names: Record<string, string> } }>('serverless.yml');
  return Object.fromEntries(Object.entries(sls.custom.names).map(([k, v]) => [k, v.replaceAll('${sls:stage}', stage)]));
}

/** The tables of resources/dynamodb.yml, as CreateTable inputs for a stage. */
export function tableDefinitions(stage: string): CreateTableCommandInput[] {
  const names = serviceNames(stage);
  const text = readFileSync(join(ROOT, 'resources', 'dynamodb.yml'), 'utf8').replace(/\$\{self:custom\.names\.(\w+)\}/g, (_, k: string) => {
    if (!names[k]) throw new Error(`resources/dynamodb.yml names custom.names.${k}, which serverless.yml does not define`);
    return names[k];
  });
  const doc = parse(text, { logLevel: 'silent' }) as { Resources: Record<string, TableResource> };
  return Object.values(doc.Resources)
    .filter((r) => r.Type === 'AWS::DynamoDB::Table')
    // what CloudFormation sets besides the table itself (TTL, backups, encryption, streams) dynalite does not model
    .map(({ Properties: { TimeToLiveSpecification: _t, PointInTimeRecoverySpecification: _p, SSESpecification: _s, StreamSpecification: _st, ...input } }) => input);
}

/** Create every table that does not exist yet (idempotent). */
export async function ensureTables(endpoint: string, stage = 'local'): Promise<string[]> {
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const created: string[] = [];
  try {
    for (const t of tableDefinitions(stage)) {
      try {
        await client.send(new CreateTableCommand(t));
        created.push(t.TableName as string);
      } catch (e) {
        if (!(e instanceof ResourceInUseException)) throw e;
      }
    }
  } finally {
    client.destroy();
  }
  return created;
}
