/**
 * Login sessions as refresh-token families (ElastiCache Redis in AWS). Each refresh rotates the
 * token within its family; presenting a token that was already rotated means it leaked, so the
 * whole family is revoked. Access tokens name their family (`sid`), so revoking it also stops
 * them before they expire.
 */
/** RFC 8176 authentication methods a session proved: a password, a one-time code */
export type AuthMethod = 'pwd' | 'otp';

/** How a session authenticated; kept with the session so a refreshed token says the same. */
export interface SessionAuth {
  amr: AuthMethod[];
  /** epoch seconds of the last code proven in this session (login with MFA, or a step-up) */
  otpAt?: number;
}

export type RotateOutcome = { ok: true; userId: string; familyId: string } | { ok: false; reason: 'unknown' | 'revoked' | 'reused' };

export interface SessionStore {
  /** a new family with its first token (`auth`: a password session unless told) */
  start(userId: string, ttlS: number, auth?: SessionAuth): Promise<{ familyId: string; refreshToken: string }>;
  /** how the session authenticated ({amr: ['pwd']} for a session started before this was kept) */
  authOf(familyId: string): Promise<SessionAuth>;
  /** record a step-up (a code proven now) on a live session; false if the session is over */
  setAuth(familyId: string, auth: SessionAuth): Promise<boolean>;
  /** consume a refresh token (once) and issue its successor in the same family */
  rotate(refreshToken: string, ttlS: number): Promise<RotateOutcome & { refreshToken?: string }>;
  /** end the family the token belongs to (logout); false if the token is unknown */
  revokeByToken(refreshToken: string): Promise<boolean>;
  isActive(familyId: string): Promise<boolean>;
  /** the user's current roles version as the authorizers see it (0 until a role change) */
  rolesVersion(userId: string): Promise<number>;
  /** publish a role change: tokens with an older roles version stop passing */
  setRolesVersion(userId: string, version: number): Promise<void>;
  /** end every session of a user but `except` (roles or MFA changed); returns how many were active */
  revokeAllOf(userId: string, except?: string): Promise<number>;
}
