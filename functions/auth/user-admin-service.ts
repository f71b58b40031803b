/**
 * User management for admins: list users, read one, change roles. A role change ends every
 * session of the user, so no token carrying the old roles outlives it; an admin cannot take the
 * admin role from themself (the last way back in would go with it). Every change is audited.
 */
import { requireRole } from '../shared/access';
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
    const wanted = [...new Set(roles)].sort();
    if (userId === caller.userId && !wanted.includes('admin'))
      throw new AppError(409, 'LAST_WAY_IN', 'an admin cannot remove their own admin role');
    const before = await this.users.findById(userId);
    if (!before) throw notFound();
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
}
