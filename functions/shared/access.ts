/**
 * Role and MFA checks (route level). Object-level checks live with the data: a service compares the
 * caller with the owner of what is asked for (see AccountService.getTransfer).
 */
import type { Caller } from './caller';
import { AppError } from './errors';
import type { Role } from './ports/user-store';

export function requireRole(caller: Caller, role: Role): void {
  if (!caller.roles.includes(role)) throw new AppError(403, 'FORBIDDEN', `this needs the ${role} role`);
}

/**
 * A step-up is fresh this long after its code: long enough for one operator task (a withdrawal,
 * a runbook start), short enough that a token stolen later is refused these routes.
 */
export const STEP_UP_MAX_AGE_S = 5 * 60;

/**
 * Routes that move money out or change who may do what need an MFA'd session whose code is
 * recent: 403 MFA_REQUIRED when the session never proved a code (enrol MFA, log in with it),
 * 403 STEP_UP_REQUIRED when its code is older than STEP_UP_MAX_AGE_S (POST /v1/auth/mfa/step-up).
 */
export function requireStepUp(caller: Caller, nowS = Math.floor(Date.now() / 1000)): void {
  if (!caller.amr?.includes('otp') || caller.otpAt === undefined)
    throw new AppError(403, 'MFA_REQUIRED', 'this needs a session authenticated with a code: turn MFA on and log in with it');
  // a code from the future (clock skew beyond the token's own tolerance) proves nothing either
  if (nowS - caller.otpAt > STEP_UP_MAX_AGE_S || caller.otpAt - nowS > 30)
    throw new AppError(
      403,
      'STEP_UP_REQUIRED',
      `this needs a code proven in the last ${STEP_UP_MAX_AGE_S / 60} minutes: POST /v1/auth/mfa/step-up`,
    );
}
