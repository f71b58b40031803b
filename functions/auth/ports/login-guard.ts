/**
 * Failed logins, counted against who fails, and the sources an account logs in from (Redis in
 * every environment). A subject (an account being logged into, or a source address) that keeps
 * failing is locked for a while, longer with each further failure (backoff); a source that once
 * completed a login to an account is remembered, so a stranger's failures never lock the owner
 * out of their usual address (see AuthService.login).
 */
export interface LoginGuard {
  /** seconds the subjects stay locked (the longest of them; 0: none is) */
  lockedFor(subjects: string[]): Promise<number>;
  /** count a failed login against each subject */
  recordFailure(subjects: string[]): Promise<void>;
  clearFailures(subject: string): Promise<void>;
  /** has this source completed a login to this user before (within the memory's window)? */
  isKnownSource(userId: string, source: string): Promise<boolean>;
  rememberSource(userId: string, source: string): Promise<void>;
}
