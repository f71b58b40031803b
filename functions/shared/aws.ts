/**
 * AWS SDK v3 clients, one per container. Their endpoints come from the SDK's own configuration
 * (AWS_ENDPOINT_URL_DYNAMODB … locally, the region's endpoints in AWS): no code path differs.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

let dynamoClient: DynamoDBClient | undefined;

export function dynamo(): DynamoDBClient {
  dynamoClient ??= new DynamoDBClient({ maxAttempts: 3 });
  return dynamoClient;
}

export function closeAws(): void {
  dynamoClient?.destroy();
  dynamoClient = undefined;
}
