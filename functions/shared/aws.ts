/**
 * AWS SDK v3 clients, one per container. Their endpoints come from the SDK's own configuration
 * (AWS_ENDPOINT_URL_DYNAMODB … locally, the region's endpoints in AWS): no code path differs.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';

let dynamoClient: DynamoDBClient | undefined;

export function dynamo(): DynamoDBClient {
  dynamoClient ??= new DynamoDBClient({ maxAttempts: 3 });
  return dynamoClient;
}

let sfnClient: SFNClient | undefined;

/** No host prefix: StartSyncExecution's `sync-` prefix cannot be put before a local endpoint. */
export function sfn(): SFNClient {
  sfnClient ??= new SFNClient({ maxAttempts: 3, disableHostPrefix: !!process.env.AWS_ENDPOINT_URL_SFN });
  return sfnClient;
}

/**
 * A state machine's ARN from the calling function's own: same region and account.
 * Serverless offline's context has no real ARN; the region then comes from AWS_REGION.
 */
export function stateMachineArn(invokedFunctionArn: string | undefined, name: string): string {
  const m = /^arn:(aws[\w-]*):lambda:([^:]+):(\d{12}):function:/.exec(invokedFunctionArn ?? '');
  return m
    ? `arn:${m[1]}:states:${m[2]}:${m[3]}:stateMachine:${name}`
    : `arn:aws:states:${process.env.AWS_REGION ?? 'us-east-1'}:000000000000:stateMachine:${name}`;
}

export function closeAws(): void {
  dynamoClient?.destroy();
  dynamoClient = undefined;
  sfnClient?.destroy();
  sfnClient = undefined;
}
