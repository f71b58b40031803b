/**
 * Where the handshake's token may travel, through the real $connect authorizer on a stage that is
 * not `local` (configuration read from the environment, as in AWS), with a real session.
 */
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { startFunctionsEnv, type FunctionsEnv } from '../../test/support/functions-env';
import { websocket } from '../auth/authorizer-handlers';
import { authService } from '../auth/wiring';
import { chosenProtocol, handshakeToken } from './handshake';

let env: FunctionsEnv;
let token: string;

beforeAll(async () => {
  // before the configuration is first read: this file is a production-like stage
  process.env.STAGE = 'prod';
  env = await startFunctionsEnv();
  const auth = await authService();
  const email = `ws.stage.${Date.now()}@example.com`;
  await auth.register(email, 'correct horse battery staple');
  const login = await auth.login(email, 'correct horse battery staple');
  if (!('accessToken' in login)) throw new Error('expected tokens');
  token = login.accessToken;
}, 60_000);

afterAll(async () => {
  await env.stop();
  delete process.env.STAGE;
});

function handshake(opts: { query?: Record<string, string>; protocols?: string }): APIGatewayRequestAuthorizerEvent {
  return {
    type: 'REQUEST',
    methodArn: 'arn:aws:execute-api:us-east-1:1:api/prod/$connect',
    requestContext: { identity: { sourceIp: `10.6.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}` } },
    headers: { Host: 'ws.prod.exchange.example.com', ...(opts.protocols ? { 'Sec-WebSocket-Protocol': opts.protocols } : {}) },
    queryStringParameters: opts.query ?? null,
  } as unknown as APIGatewayRequestAuthorizerEvent;
}

describe('the access token in the handshake, outside stage local', () => {
  it('refuses a ?token= connection on a non-local stage: the URL, and the token with it, is logged by every proxy', async () => {
    await expect(websocket(handshake({ query: { token } }))).rejects.toThrow('Unauthorized');
    // not let in as anonymous either, nor rescued by a subprotocol offered beside it
    await expect(websocket(handshake({ query: { token }, protocols: `exchange.v1, bearer.${token}` }))).rejects.toThrow('Unauthorized');
  });

  it('accepts the same token as the subprotocol bearer.<token>, and answers exchange.v1, never the token', async () => {
    const r = await websocket(handshake({ protocols: `exchange.v1, bearer.${token}` }));
    expect(r.context).toMatchObject({ userId: expect.stringMatching(/^[0-9a-f-]{36}$/) as string, roles: 'trader' });
    expect(chosenProtocol({ headers: { 'Sec-WebSocket-Protocol': `bearer.${token}, exchange.v1` } })).toBe('exchange.v1');
    expect(chosenProtocol({ headers: { 'Sec-WebSocket-Protocol': `bearer.${token}` } })).toBeUndefined();
  });

  it('keeps the URL form for stage local only', () => {
    expect(handshakeToken({ queryStringParameters: { token } }, 'local')).toEqual({ kind: 'token', token });
    expect(handshakeToken({ queryStringParameters: { token } }, 'dev')).toMatchObject({ kind: 'refused' });
  });
});
