/**
 * Calling a REST handler the way API Gateway does: an event with method, path, body, query, path
 * parameters and (behind the authorizer) the caller in the request context.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { Caller } from '../../functions/shared/caller';

export type Handler = (e: APIGatewayProxyEvent, c: Context) => Promise<APIGatewayProxyResult>;

export interface ApiResponse<B = Record<string, unknown>> {
  status: number;
  body: B;
  headers: Record<string, unknown>;
}

const context = { awsRequestId: 'lambda-req', functionName: 'test', getRemainingTimeInMillis: () => 5000 } as unknown as Context;
let n = 0;

export async function invoke<B = Record<string, unknown>>(
  handler: Handler,
  req: {
    caller?: Caller;
    body?: unknown;
    rawBody?: string;
    query?: Record<string, string>;
    path?: Record<string, string>;
    ip?: string;
  } = {},
): Promise<ApiResponse<B>> {
  const event = {
    body: req.rawBody ?? (req.body === undefined ? null : JSON.stringify(req.body)),
    headers: { 'content-type': 'application/json' },
    httpMethod: req.body === undefined && req.rawBody === undefined ? 'GET' : 'POST',
    path: '/v1/test',
    isBase64Encoded: false,
    queryStringParameters: req.query ?? null,
    pathParameters: req.path ?? null,
    requestContext: {
      requestId: `req-${++n}`,
      identity: { sourceIp: req.ip ?? '10.200.0.1' },
      ...(req.caller
        ? {
            // as the authorizer puts it; a caller that does not say how it authenticated is a session
            // MFA'd a moment ago (the step-up routes' own tests say otherwise where it matters)
            authorizer: {
              userId: req.caller.userId,
              roles: req.caller.roles.join(','),
              accountNo: String(req.caller.accountNo),
              amr: (req.caller.amr ?? ['pwd', 'otp']).join(','),
              otpAt: req.caller.amr ? (req.caller.otpAt ?? 0) : Math.floor(Date.now() / 1000),
              ...(req.caller.sessionId ? { sessionId: req.caller.sessionId } : {}),
            },
          }
        : {}),
    },
  } as unknown as APIGatewayProxyEvent;
  const r = await handler(event, context);
  return { status: r.statusCode, body: (r.body ? JSON.parse(r.body) : {}) as B, headers: r.headers ?? {} };
}
