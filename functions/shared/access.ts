/**
 * Role checks (route level). Object-level checks live with the data: a service compares the
 * caller with the owner of what is asked for (see AccountService.getTransfer).
 */
import type { Caller } from './caller';
import { AppError } from './errors';
import type { Role } from './ports/user-store';

export function requireRole(caller: Caller, role: Role): void {
  if (!caller.roles.includes(role)) throw new AppError(403, 'FORBIDDEN', `this needs the ${role} role`);
}
