/**
 * Who may start or answer a DR runbook through the API: a person who has held the ops role for
 * a while, not one an admin made a minute ago. With "no admin grants themself a role" and the
 * approver never being the requester, an admin cannot conjure the second pair of eyes on the spot:
 * the grant is audited and sits in plain sight for an hour before it counts.
 */
import { AppError } from '../shared/errors';
import type { UserStore } from '../shared/ports/user-store';

/** how long a freshly granted ops role waits before it starts or approves a runbook */
export const OPS_ROLE_MIN_AGE_MS = 60 * 60_000;

export async function requireEstablishedOperator(users: Pick<UserStore, 'findById'>, userId: string, now = new Date()): Promise<void> {
  const user = await users.findById(userId, { secrets: false });
  if (!user || !user.roles.includes('ops')) throw new AppError(403, 'FORBIDDEN', 'this needs the ops role');
  if (!user.mfaEnabled) throw new AppError(403, 'MFA_REQUIRED', 'DR runbooks need an operator with MFA on');
  const grantedAt = user.roleGrantedAt.ops;
  if (grantedAt && now.getTime() - grantedAt.getTime() < OPS_ROLE_MIN_AGE_MS)
    throw new AppError(
      403,
      'ROLE_TOO_RECENT',
      `the ops role was granted at ${grantedAt.toISOString()}: it starts or approves a runbook ${OPS_ROLE_MIN_AGE_MS / 60_000} minutes after`,
    );
}
