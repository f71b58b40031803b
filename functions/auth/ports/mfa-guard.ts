/**
 * Pending MFA logins and failed-code counting (Redis in every environment). A challenge is what
 * a correct password earns when MFA is on: it names the user for a few minutes until a code
 * completes the login. Five wrong codes lock a user's MFA for 15 minutes.
 */
export interface MfaGuard {
  createChallenge(userId: string, ttlS: number): Promise<string>;
  challengeUser(challengeId: string): Promise<string | null>;
  endChallenge(challengeId: string): Promise<void>;
  /** seconds the user's MFA stays locked (0: not locked) */
  lockedFor(userId: string): Promise<number>;
  /** count a wrong code; returns the seconds of lock it caused (0 while under the limit) */
  recordFailure(userId: string): Promise<number>;
  clearFailures(userId: string): Promise<void>;
}
