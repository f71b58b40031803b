/**
 * Login sessions as refresh-token families (ElastiCache Redis in AWS). Each refresh rotates the
 * token within its family; presenting a token that was already rotated means it leaked, so the
 * whole family is revoked. Access tokens name their family (`sid`), so revoking it also stops
 * them before they expire.
 */
export type RotateOutcome = { ok: true; userId: string; familyId: string } | { ok: false; reason: 'unknown' | 'revoked' | 'reused' };

export interface SessionStore {
  /** a new family with its first token; returns the token */
  start(userId: string, ttlS: number): Promise<{ familyId: string; refreshToken: string }>;
  /** consume a refresh token (once) and issue its successor in the same family */
  rotate(refreshToken: string, ttlS: number): Promise<RotateOutcome & { refreshToken?: string }>;
  /** end the family the token belongs to (logout); false if the token is unknown */
  revokeByToken(refreshToken: string): Promise<boolean>;
  isActive(familyId: string): Promise<boolean>;
  /** the user's current roles version as the authorizers see it (0 until a role change) */
  rolesVersion(userId: string): Promise<number>;
  /** publish a role change: tokens with an older roles version stop passing */
  setRolesVersion(userId: string, version: number): Promise<void>;
  /** end every session of a user (roles changed, account locked); returns how many were active */
  revokeAllOf(userId: string): Promise<number>;
}
