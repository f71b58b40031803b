/**
 * User management for admins: list users, read one, change roles, reset MFA. A role change ends
 * every session of the user, so no token carrying the old roles outlives it; an admin cannot take
 * the admin role from themself (the last way back in would go with it) nor give themself a role
 * (four eyes: ops, which starts and approves DR runbooks, comes from another admin). Changes need
 * an MFA'd session with a recent code and are audited.
 */
import { requireRole, requireStepUp } from '../shared/access';
import type { Caller } from '../shared/caller';
import { AppError, badRequest } from '../shared/errors';
import type { AuditLog, RequestContext } from '../shared/ports/audit-log';
import type { SessionStore } from '../shared/ports/session-store';
import { LastAdminError, type Role, type User, type UserStore } from '../shared/ports/user-store';

export interface UserView {
  userId: string;
  email: string;
  roles: Role[];
  accountNo: number;
  mfaEnabled: boolean;
}

const view = (u: User): UserView => ({ userId: u.id, email: u.email, roles: u.roles, accountNo: u.accountNo, mfaEnabled: u.mfaEnabled });
const notFound = (): AppError => new AppError(404, 'NOT_FOUND', 'no such user');

export class UserAdminService {
  constructor(
    private readonly users: UserStore,
    private readonly sessions: SessionStore,
    private readonly audit: AuditLog,
  ) {}

  async list(caller: Caller, q: { limit: number; cursor?: string }): Promise<{ items: UserView[]; nextCursor?: string }> {
    requireRole(caller, 'admin');
    const after = q.cursor === undefined ? undefined : Number(q.cursor);
    if (after !== undefined && !Number.isSafeInteger(after)) throw badRequest('INVALID_CURSOR', 'cursor is not one this API returned');
    const rows = await this.users.list({ afterAccountNo: after, limit: q.limit + 1 });
    const page = rows.slice(0, q.limit);
    return { items: page.map(view), ...(rows.length > q.limit ? { nextCursor: String(page[page.length - 1].accountNo) } : {}) };
  }

  async get(caller: Caller, userId: string): Promise<UserView> {
    requireRole(caller, 'admin');
    const u = await this.users.findById(userId);
    if (!u) throw notFound();
    return view(u);
  }

  async setRoles(caller: Caller, userId: string, roles: Role[], ctx: RequestContext): Promise<UserView & { sessionsRevoked: number }> {
    requireRole(caller, 'admin');
    requireStepUp(caller);
    const wanted = [...new Set(roles)].sort();
    const self = userId === caller.userId;
    if (self && !wanted.includes('admin')) throw new AppError(409, 'LAST_WAY_IN', 'an admin cannot remove their own admin role');
    const before = await this.users.findById(userId);
    if (!before) throw notFound();
    const added = wanted.filter((r) => !before.roles.includes(r));
    if (self && added.length > 0)
      throw new AppError(403, 'SELF_GRANT', `an admin cannot grant themself a role (${added.join(', ')}): another admin does`);
    let after: User | null;
    try {
      after = await this.users.setRoles(userId, wanted);
    } catch (e) {
      if (e instanceof LastAdminError) throw new AppError(409, 'LAST_ADMIN', e.message);
      throw e;
    }
    if (!after) throw notFound();
    await this.sessions.setRolesVersion(userId, after.rolesVersion);
    const sessionsRevoked = await this.sessions.revokeAllOf(userId);
    await this.audit.record({
      userId,
      action: 'roles.change',
      outcome: 'succeeded',
      actorId: caller.userId,
      ...ctx,
      details: { from: before.roles.join(','), to: wanted.join(','), sessionsRevoked },
    });
    return { ...view(after), sessionsRevoked };
  }

  /**
   * Reset a user's MFA (a lost phone): MFA off, its secret forgotten, every session of the user
   * ended, audited. Never one's own: an admin turns theirs off with password and code like anyone.
   */
  async resetMfa(caller: Caller, userId: string, ctx: RequestContext): Promise<UserView & { sessionsRevoked: number }> {
    requireRole(caller, 'admin');
    requireStepUp(caller);
    if (userId === caller.userId)
      throw new AppError(
        403,
        'SELF_RESET',
        'an admin cannot reset their own MFA: turn it off with password and code, or ask another admin',
      );
    const before = await this.users.findById(userId);
    if (!before || !(await this.users.disableMfa(userId))) throw notFound();
    const sessionsRevoked = await this.sessions.revokeAllOf(userId);
    await this.audit.record({
      userId,
      action: 'mfa.reset',
      outcome: 'succeeded',
      actorId: caller.userId,
      ...ctx,
      details: { wasEnabled: before.mfaEnabled, sessionsRevoked },
    });
    const after = await this.users.findById(userId);
    if (!after) throw notFound();
    return { ...view(after), sessionsRevoked };
  }
}
