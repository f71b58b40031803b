/** Where users live (PostgreSQL in every environment; the port keeps services free of SQL). */
export type Role = 'trader' | 'ops' | 'admin';

export interface User {
  id: string;
  email: string;
  passwordHash: string;
  roles: Role[];
  /** the matching host's account number */
  accountNo: number;
  mfaEnabled: boolean;
  mfaSecret: string | null;
  mfaPendingSecret: string | null;
  /** last accepted TOTP time step (replay protection) */
  mfaLastStep: number | null;
  /** bumped on every role change */
  rolesVersion: number;
  /** when each role the user holds was granted (a role held before this was kept: absent) */
  roleGrantedAt: Partial<Record<Role, Date>>;
}

export class EmailTakenError extends Error {
  constructor() {
    super('email already registered');
  }
}

/** A role change would leave the exchange without any admin. */
export class LastAdminError extends Error {
  constructor() {
    super('the last admin cannot lose the admin role');
  }
}

export interface UserStore {
  /** throws EmailTakenError when the normalized email exists */
  create(email: string, passwordHash: string): Promise<User>;
  findByEmail(email: string): Promise<User | null>;
  /** `secrets: false`: without the MFA secrets (no data key needed, nothing to leak) */
  findById(id: string, opts?: { secrets?: boolean }): Promise<User | null>;
  /** the user the matching host knows by this account number */
  findByAccountNo(accountNo: number): Promise<User | null>;
  setPendingMfaSecret(id: string, secret: string): Promise<void>;
  /** turn MFA on with the pending secret a first code proved; false if the pending secret changed meanwhile */
  enableMfa(id: string, secret: string, step: number): Promise<boolean>;
  /** turn MFA off and forget its secrets (user with password and code, or an admin's reset); false if there is no such user */
  disableMfa(id: string): Promise<boolean>;
  /** record an accepted code's step; false if it is not newer than the last one (a replay) */
  useMfaStep(id: string, step: number): Promise<boolean>;
  /**
   * replace a user's roles (a role newly granted is stamped now, see roleGrantedAt); null if there
   * is no such user; LastAdminError if no admin would be left
   */
  setRoles(id: string, roles: Role[]): Promise<User | null>;
  /** users in account-number order, after `afterAccountNo` when paging (without their MFA secrets) */
  list(opts: { afterAccountNo?: number; limit: number }): Promise<User[]>;
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
