/**
 * What the functions' handler tests run against, all real: a throwaway PostgreSQL database, Redis,
 * DynamoDB (dynalite in this process, tables from resources/dynamodb.yml), optionally a matching
 * host process; the environment the functions' config reads is set to point at them. `stop`
 * closes the functions' shared clients and removes everything it made.
 */
import type { KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeAws } from '../../functions/shared/aws';
import { newOrderEventKeys, orderEventSigningKey } from '../../matching-host/proto/order-event-signature';
import { closePool } from '../../functions/shared/db/pool';
import { closeMatchingHost } from '../../functions/shared/matching-host';
import { closeRedis } from '../../functions/shared/redis';
import { closeTaskFunctions } from '../../functions/sfn/wiring';
import { spawnHost, type HostProcess } from '../../scripts/local/host-process';
import { ensureTables, startDynalite } from '../../scripts/local/dynamo-tables';
import { startStepFunctions, type Invoker, type LocalStepFunctions } from '../../scripts/local/step-functions';
import { inProcessInvoker } from './in-process-invoker';
import { deleteKeys, testKeyPrefix } from './redis-keys';
import { testDatabase, testJwtKeys } from './test-env';

export interface FunctionsEnv {
  databaseUrl: string;
  /** the key the host signs its order events with (a test signs the events it makes up with it) */
  eventSigningKey: KeyObject;
  host?: HostProcess;
  /** the local Step Functions endpoint (AWS_ENDPOINT_URL_SFN), Tasks in-process */
  stepFunctions: LocalStepFunctions;
  stop(): Promise<void>;
}

/**
 * `redisDb`: the Redis database the host publishes its
 * market data views to and the functions read; without it the host publishes nowhere.
 * `amqpExchange`: the host publishes its order events to this exchange (and the functions use it).
 */
export async function startFunctionsEnv(
  options: { host?: boolean; redisDb?: number; amqpExchange?: string; invoke?: (inProcess: Invoker) => Invoker } = {},
): Promise<FunctionsEnv> {
  const [db, dynamo, keys] = await Promise.all([testDatabase(), startDynalite(), testJwtKeys()]);
  const eventKeys = newOrderEventKeys();
  await ensureTables(dynamo.endpoint);
  const dir = mkdtempSync(join(tmpdir(), 'functions-env-'));
  const redisUrl = options.redisDb === undefined ? undefined : `redis://127.0.0.1:6379/${options.redisDb}`;
  // keys of this file's own (host and functions alike), removed at the end: never a FLUSHDB
  const redisKeyPrefix = testKeyPrefix('functions');
  const amqp: Record<string, string> = options.amqpExchange
    ? { AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672', AMQP_EXCHANGE: options.amqpExchange }
    : { AMQP_URL: '' };
  const host = options.host
    ? await spawnHost({
        HOST_DATA_DIR: dir,
        KINESIS_STREAM: '',
        REDIS_URL: redisUrl ?? '',
        REDIS_KEY_PREFIX: redisKeyPrefix,
        HOST_EVENT_SIGNING_KEY: eventKeys.signingKey,
        ...amqp,
      })
    : undefined;
  // Step Functions (settlement), its Tasks run in-process; `invoke` may wrap that (to inject failures)
  const direct = inProcessInvoker();
  const sfn = await startStepFunctions({ invoke: options.invoke ? options.invoke(direct) : direct });
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_SFN: sfn.endpoint,
    DATABASE_URL: db.databaseUrl,
    JWT_SIGNING_JWK: keys.signing,
    JWT_VERIFY_JWKS: keys.verify,
    ORDER_EVENT_VERIFY_KEYS: eventKeys.verifyKeys,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    ...(host ? { MATCHING_HOST_ADDRESS: `127.0.0.1:${host.grpcPort}` } : {}),
    ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
    REDIS_KEY_PREFIX: redisKeyPrefix,
    ...(options.amqpExchange ? amqp : {}),
  });
  return {
    databaseUrl: db.databaseUrl,
    eventSigningKey: orderEventSigningKey(eventKeys.signingKey),
    host,
    stepFunctions: sfn,
    stop: async () => {
      await sfn.close();
      await closeTaskFunctions();
      closeMatchingHost();
      closeAws();
      await Promise.all([closePool(), closeRedis()]);
      await host?.kill();
      // the worker process runs other test files next: they get the default Redis database again
      if (redisUrl) delete process.env.REDIS_URL;
      delete process.env.REDIS_KEY_PREFIX;
      await deleteKeys(redisKeyPrefix, redisUrl);
      if (options.amqpExchange) delete process.env.AMQP_EXCHANGE;
      await dynamo.close();
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
