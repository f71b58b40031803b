/**
 * The authenticated caller as the authorizer put it into the request context. Handlers check
 * object-level access with it (a trader touches only their own resources).
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { unauthorized } from './errors';
import type { Role } from './ports/user-store';

export interface Caller {
  userId: string;
  roles: Role[];
  accountNo: number;
}

export function callerOf(event: APIGatewayProxyEvent): Caller {
  const a: Record<string, unknown> = event.requestContext?.authorizer ?? {};
  const userId = a.userId;
  const roles = a.roles;
  const accountNo = Number(a.accountNo);
  if (typeof userId !== 'string' || typeof roles !== 'string' || !Number.isSafeInteger(accountNo)) throw unauthorized();
  return { userId, roles: roles.split(',') as Role[], accountNo };
}
