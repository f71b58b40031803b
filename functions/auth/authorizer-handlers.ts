/**
 * Lambda REQUEST authorizer for the REST API: a valid access token of a live session (not logged
 * out, not revoked by a refresh-token reuse) passes, with userId, roles and account number in the
 * context for the handlers; anything else is denied (401 at API Gateway). Policies are not cached
 * (authorizer TTL 0 in serverless.yml), so a logout takes effect at once.
 */
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { AccessTokens, type AccessClaims } from './access-tokens';
import { config } from '../shared/config';
import { logger } from '../shared/observability';
import { BUDGETS, RateLimiter } from '../shared/rate-limit';
import { redis, redisReady } from '../shared/redis';
import { sessionStillValid } from '../shared/session-check';
import { handshakeToken } from '../ws/handshake';

let connectLimiter: RateLimiter | undefined;

let tokens: Promise<AccessTokens> | undefined;

/** The bearer token of an Authorization header, if well-formed. */
export function bearer(header: string | undefined): string | undefined {
  const m = header ? /^Bearer ([\w-]+\.[\w-]+\.[\w-]*)$/.exec(header.trim()) : null;
  return m ? m[1] : undefined;
}

/** Claims of a token whose session is still active, else undefined. */
export async function authenticate(token: string | undefined): Promise<AccessClaims | undefined> {
  if (!token) return undefined;
  tokens ??= AccessTokens.fromConfig(config());
  try {
    const claims = await (await tokens).verify(token);
    return (await sessionStillValid(claims)) ? claims : undefined;
  } catch {
    return undefined;
  }
}

export async function handler(event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> {
  // no middy stack here (API Gateway wants exactly this shape): Redis's credentials first, as observed.ts does
  await redisReady();
  const headers = event.headers ?? {};
  const claims = await authenticate(bearer(headers.Authorization ?? headers.authorization));
  if (!claims) {
    logger.info('authorizer denied', { path: event.path });
    // API Gateway turns exactly this error into 401 Unauthorized
    throw new Error('Unauthorized');
  }
  return {
    principalId: claims.userId,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: event.methodArn.split('/').slice(0, 2).join('/') + '/*' }],
    },
    // how the session authenticated, for the routes that need MFA (shared/access.ts requireStepUp)
    context: {
      userId: claims.userId,
      roles: claims.roles.join(','),
      accountNo: claims.accountNo,
      sessionId: claims.sessionId,
      amr: claims.amr.join(','),
      otpAt: claims.otpAt ?? 0,
    },
  };
}

/**
 * Lambda REQUEST authorizer of the WebSocket $connect route (where the token travels: ws/handshake.ts). Without a token the connection is
 * anonymous (public channels only); with one it must be a live session's, else the handshake is
 * refused (401). The context carries userId, roles and account number to every route of the
 * connection; an anonymous one has an empty userId.
 */
export async function websocket(event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> {
  await redisReady();
  connectLimiter ??= new RateLimiter(redis());
  const ip = event.requestContext?.identity?.sourceIp ?? 'unknown';
  try {
    await connectLimiter.enforce([{ budget: BUDGETS.wsConnect, subject: ip }]);
  } catch (e) {
    // a handshake cannot be answered 429: refused like a bad token
    logger.info('websocket handshake rate limited', { ip, error: (e as Error).message });
    throw new Error('Unauthorized');
  }
  const offered = handshakeToken(event, config().STAGE);
  if (offered.kind === 'refused') {
    logger.info('websocket authorizer denied', { reason: offered.reason });
    throw new Error('Unauthorized');
  }
  const claims = offered.kind === 'token' ? await authenticate(offered.token) : undefined;
  if (offered.kind === 'token' && !claims) {
    logger.info('websocket authorizer denied');
    throw new Error('Unauthorized');
  }
  return {
    principalId: claims?.userId ?? 'anonymous',
    policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: event.methodArn }] },
    context: claims
      ? {
          userId: claims.userId,
          roles: claims.roles.join(','),
          accountNo: claims.accountNo,
          sessionId: claims.sessionId,
          rolesVersion: claims.rolesVersion,
        }
      : { userId: '', roles: '', accountNo: 0, sessionId: '', rolesVersion: 0 },
  };
}
