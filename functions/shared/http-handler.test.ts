import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { z } from 'zod';
import { AppError, tooManyRequests } from './errors';
import { httpHandler } from './http-handler';
import { SECURITY_HEADERS } from './middleware/security-headers';

function event(body: string | undefined, headers: Record<string, string> = { 'content-type': 'application/json' }): APIGatewayProxyEvent {
  return {
    body: body ?? null,
    headers,
    multiValueHeaders: {},
    httpMethod: 'POST',
    isBase64Encoded: false,
    path: '/v1/x',
    pathParameters: null,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    resource: '/v1/x',
    requestContext: { requestId: 'req-123', identity: { sourceIp: '203.0.113.9' } } as APIGatewayProxyEvent['requestContext'],
  };
}
const context = { awsRequestId: 'lambda-1', functionName: 'test', getRemainingTimeInMillis: () => 3000 } as unknown as Context;

const echo = httpHandler({ body: z.object({ name: z.string().min(1), n: z.number().int() }).strict() }, ({ body, ip, requestId }) =>
  Promise.resolve({ status: 201, body: { hello: body.name, n: body.n, ip, requestId } }),
);

describe('httpHandler (the middy stack)', () => {
  it('parses and validates the body, answers with security headers', async () => {
    const r = await echo(event(JSON.stringify({ name: 'ann', n: 2 })), context);
    expect(r.statusCode).toBe(201);
    expect(JSON.parse(r.body)).toEqual({ hello: 'ann', n: 2, ip: '203.0.113.9', requestId: 'req-123' });
    expect(r.headers).toMatchObject({ ...SECURITY_HEADERS, 'Content-Type': 'application/json' });
  });

  it.each([
    ['an invalid body', JSON.stringify({ name: '', n: 1.5, extra: true }), 400, 'VALIDATION_ERROR'],
    ['malformed JSON', '{"name":', 400, 'MALFORMED_JSON'],
    ['no body', undefined, 400, 'VALIDATION_ERROR'],
  ])('answers %s with %i %s and the request id', async (_what, body, status, code) => {
    const r = await echo(event(body), context);
    expect(r.statusCode).toBe(status);
    const b = JSON.parse(r.body) as { code: string; message: string; requestId: string };
    expect(b).toMatchObject({ code, requestId: 'req-123' });
    expect(b.message.length).toBeGreaterThan(0);
    expect(r.headers).toMatchObject(SECURITY_HEADERS);
  });

  it('refuses a body that is not JSON by content type', async () => {
    const r = await echo(event('name=ann', { 'content-type': 'application/x-www-form-urlencoded' }), context);
    expect(r.statusCode).toBe(415);
    expect(JSON.parse(r.body)).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it('maps known errors with their headers, and hides unknown ones behind a bare 500', async () => {
    const limited = httpHandler({}, () => Promise.reject(tooManyRequests(2.2, 'slow down', { 'RateLimit-Remaining': '0' })));
    const r1 = await limited(event(undefined), context);
    expect(r1.statusCode).toBe(429);
    expect(r1.headers).toMatchObject({ 'Retry-After': '3', 'RateLimit-Remaining': '0' });
    expect(JSON.parse(r1.body)).toEqual({ code: 'RATE_LIMITED', message: 'slow down', requestId: 'req-123' });

    const conflict = httpHandler({}, () => Promise.reject(new AppError(409, 'EMAIL_TAKEN', 'taken')));
    expect((await conflict(event(undefined), context)).statusCode).toBe(409);

    const broken = httpHandler({}, () =>
      Promise.reject(new Error('connect ECONNREFUSED 10.0.0.7:5432 at Pool.connect (/var/task/index.js:1:1)')),
    );
    const r2 = await broken(event(undefined), context);
    expect(r2.statusCode).toBe(500);
    expect(r2.body).not.toMatch(/ECONNREFUSED|Pool|index\.js|10\.0\.0\.7/);
    expect(JSON.parse(r2.body)).toEqual({ code: 'INTERNAL', message: 'internal error', requestId: 'req-123' });
    expect(r2.headers).toMatchObject(SECURITY_HEADERS);
  });
});
