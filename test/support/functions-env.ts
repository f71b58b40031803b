/**
 * What the functions' handler tests run against, all real: a throwaway PostgreSQL database, Redis,
 * DynamoDB (dynalite in this process, tables from resources/dynamodb.yml), optionally a matching
 * host process; the environment the functions' config reads is set to point at them. `stop`
 * closes the functions' shared clients and removes everything it made.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeAws } from '../../functions/shared/aws';
import { closePool } from '../../functions/shared/db/pool';
import { closeMatchingHost } from '../../functions/shared/matching-host';
import { closeRedis } from '../../functions/shared/redis';
import { spawnHost, type HostProcess } from '../../scripts/local/host-process';
import { ensureTables, startDynalite } from '../../scripts/local/dynamo-tables';
import { testDatabase, testJwtKeys } from './test-env';

export interface FunctionsEnv {
  databaseUrl: string;
  host?: HostProcess;
  stop(): Promise<void>;
}

export async function startFunctionsEnv(options: { host?: boolean } = {}): Promise<FunctionsEnv> {
  const [db, dynamo, keys] = await Promise.all([testDatabase(), startDynalite(), testJwtKeys()]);
  await ensureTables(dynamo.endpoint);
  const dir = mkdtempSync(join(tmpdir(), 'functions-env-'));
  const host = options.host ? await spawnHost({ HOST_DATA_DIR: dir, KINESIS_STREAM: '', REDIS_URL: '', AMQP_URL: '' }) : undefined;
  Object.assign(process.env, {
    DATABASE_URL: db.databaseUrl, JWT_SIGNING_JWK: keys.signing, JWT_VERIFY_JWKS: keys.verify,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local',
    ...(host ? { MATCHING_HOST_ADDRESS: `127.0.0.1:${host.grpcPort}` } : {}),
  });
  return {
    databaseUrl: db.databaseUrl,
    host,
    stop: async () => {
      closeMatchingHost();
      closeAws();
      await Promise.all([closePool(), closeRedis()]);
      await host?.kill();
      await dynamo.close();
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
