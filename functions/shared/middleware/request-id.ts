import type { APIGatewayProxyEvent, Context } from 'aws-lambda';

/** API Gateway's request id (the one in its access logs), else the Lambda invocation's. */
export function requestIdOf(event: APIGatewayProxyEvent | undefined, context: Context | undefined): string {
  return event?.requestContext?.requestId ?? context?.awsRequestId ?? 'unknown';
}
