/**
 * The authenticated caller as the authorizer put it into the request context. Handlers check
 * object-level access with it (a trader touches only their own resources).
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { unauthorized } from './errors';
import type { AuthMethod } from './ports/session-store';
import type { Role } from './ports/user-store';

export interface Caller {
  userId: string;
  roles: Role[];
  accountNo: number;
  /** the session the token belongs to (absent for callers made in code, e.g. tests of order entry) */
  sessionId?: string;
  /** how the session authenticated; absent or without 'otp': no MFA (see access.ts requireStepUp) */
  amr?: AuthMethod[];
  /** epoch seconds of the session's last proven code */
  otpAt?: number;
}

export function callerOf(event: APIGatewayProxyEvent): Caller {
  const a: Record<string, unknown> = event.requestContext?.authorizer ?? {};
  const userId = a.userId;
  const roles = a.roles;
  const accountNo = Number(a.accountNo);
  if (typeof userId !== 'string' || typeof roles !== 'string' || !Number.isSafeInteger(accountNo)) throw unauthorized();
  // the authorizer's context holds strings and numbers only: amr travels as "pwd,otp"
  const amr = typeof a.amr === 'string' ? (a.amr.split(',').filter((m) => m === 'pwd' || m === 'otp') as AuthMethod[]) : [];
  const otpAt = Number(a.otpAt);
  return {
    userId,
    roles: roles.split(',') as Role[],
    accountNo,
    ...(typeof a.sessionId === 'string' && a.sessionId ? { sessionId: a.sessionId } : {}),
    amr,
    ...(amr.includes('otp') && Number.isSafeInteger(otpAt) && otpAt > 0 ? { otpAt } : {}),
  };
}
