/**
 * Registration, login and sessions. Stores come in as ports (PostgreSQL users, Redis sessions),
 * so this file holds the rules only: who may log in, how tokens rotate, what a reuse means.
 */
import type { AccessTokens } from './access-tokens';
import { AppError, conflict, tooManyRequests, unauthorized } from '../shared/errors';
import type { LoginGuard } from './ports/login-guard';
import type { MfaGuard } from './ports/mfa-guard';
import type { AuditLog, RequestContext } from '../shared/ports/audit-log';
import type { SessionAuth, SessionStore } from '../shared/ports/session-store';
import { count } from '../shared/observability';
import { EmailTakenError, normalizeEmail, type User, type UserStore } from '../shared/ports/user-store';
import { burnPasswordCheck, hashPassword, verifyPassword } from './passwords';
import { checkTotp, newTotpSecret, otpauthUri } from './totp';

/** a password login with MFA on waits this long for its code */
const CHALLENGE_TTL_S = 300;

export type LoginResult = TokenPair | { mfaRequired: true; challengeId: string };

const mfaLocked = (retryAfterS: number): AppError =>
  new AppError(429, 'MFA_LOCKED', 'too many wrong codes: MFA is locked, try again later', { 'Retry-After': String(retryAfterS) });

const wrongPassword = (): AppError => unauthorized('wrong email or password', 'INVALID_CREDENTIALS');

/** The caller's session as the authorizer vouched for it. */
export interface SessionRef {
  userId: string;
  sessionId?: string;
}

/** A step-up's answer: a new access token for the same session (the refresh token is unchanged). */
export interface AccessToken {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  /** seconds the access token lives */
  expiresIn: number;
}

export class AuthService {
  constructor(
    private readonly users: UserStore,
    private readonly sessions: SessionStore,
    private readonly tokens: AccessTokens,
    private readonly refreshTtlS: number,
    private readonly mfa: MfaGuard,
    private readonly audit: AuditLog,
    private readonly logins: LoginGuard,
    private readonly nowS: () => number = () => Math.floor(Date.now() / 1000),
  ) {}

  async register(email: string, password: string): Promise<{ userId: string; email: string; accountNo: number }> {
    try {
      const u = await this.users.create(email, await hashPassword(password));
      return { userId: u.id, email: u.email, accountNo: u.accountNo };
    } catch (e) {
      if (e instanceof EmailTakenError) throw conflict('EMAIL_TAKEN', 'an account with this email exists');
      throw e;
    }
  }

  /**
   * A password login from `source` (the caller's address). Failures count against the account and
   * the source, each locked with backoff once it keeps failing (the attacker is limited, wherever
   * they guess from); but a source that completed a login to this account before is never turned
   * away with the right password: a stranger's failures cannot lock the owner out of their usual address.
   */
  async login(email: string, password: string, source = 'unknown'): Promise<LoginResult> {
    const subjects = [`acct:${normalizeEmail(email)}`, `src:${source}`];
    const user = await this.users.findByEmail(email);
    const known = user ? await this.logins.isKnownSource(user.id, source) : false;
    if (!known) {
      // refused before the password is looked at: a locked account tells a guesser nothing
      const locked = await this.logins.lockedFor(subjects);
      if (locked > 0) {
        count('LoginLocked');
        throw tooManyRequests(locked, 'too many failed logins: try again later');
      }
    }
    const ok = user ? await verifyPassword(user.passwordHash, password) : await burnPasswordCheck(password).then(() => false);
    if (!user || !ok) {
      count('LoginFailed');
      await this.logins.recordFailure(subjects);
      throw wrongPassword();
    }
    if (user.mfaEnabled) return { mfaRequired: true, challengeId: await this.mfa.createChallenge(user.id, CHALLENGE_TTL_S) };
    await this.loggedInFrom(user.id, source);
    return this.startSession(user, { amr: ['pwd'] });
  }

  /** a completed login: its source is the account's from now on, and owes nothing for earlier failures */
  private async loggedInFrom(userId: string, source: string): Promise<void> {
    await Promise.all([this.logins.rememberSource(userId, source), this.logins.clearFailures(`src:${source}`)]);
  }

  /** Second step of a login with MFA: the challenge from the password step and a current code. */
  async loginMfa(challengeId: string, code: string, source = 'unknown'): Promise<TokenPair> {
    const userId = await this.mfa.challengeUser(challengeId);
    const user = userId ? await this.users.findById(userId) : null;
    if (!user || !user.mfaEnabled || !user.mfaSecret) throw unauthorized('unknown or expired challenge: log in again', 'INVALID_CHALLENGE');
    await this.checkCode(user.id, user.mfaSecret, code, user.mfaLastStep, (step) => this.users.useMfaStep(user.id, step));
    await this.mfa.endChallenge(challengeId);
    await this.loggedInFrom(user.id, source);
    return this.startSession(user, { amr: ['pwd', 'otp'], otpAt: this.nowS() });
  }

  /**
   * Step-up: a current code for an existing session; the session counts as MFA'd from now (its
   * refreshed tokens say so too) and the answer is an access token saying so.
   */
  async stepUp(caller: SessionRef, code: string): Promise<AccessToken> {
    const user = await this.users.findById(caller.userId);
    if (!user || !caller.sessionId) throw unauthorized('unknown user or session');
    if (!user.mfaEnabled || !user.mfaSecret) throw conflict('MFA_NOT_ENABLED', 'turn MFA on first: /v1/auth/mfa/enroll');
    await this.checkCode(user.id, user.mfaSecret, code, user.mfaLastStep, (step) => this.users.useMfaStep(user.id, step));
    const auth: SessionAuth = { amr: ['pwd', 'otp'], otpAt: this.nowS() };
    if (!(await this.sessions.setAuth(caller.sessionId, auth))) throw unauthorized('the session has ended', 'SESSION_REVOKED');
    count('MfaStepUp');
    const accessToken = await this.accessToken(user, caller.sessionId, auth);
    return { accessToken, tokenType: 'Bearer', expiresIn: this.tokens.ttlS };
  }

  /**
   * Start enrolment: a new secret (pending until a code proves the authenticator app has it). The
   * password is asked again: a borrowed or stolen session alone cannot bind its own authenticator.
   */
  async enrollMfa(userId: string, password: string): Promise<{ secret: string; otpauthUri: string }> {
    const user = await this.users.findById(userId);
    if (!user) throw unauthorized('unknown user');
    if (!(await verifyPassword(user.passwordHash, password))) throw wrongPassword();
    if (user.mfaEnabled) throw conflict('MFA_ALREADY_ENABLED', 'MFA is already on for this account');
    const secret = newTotpSecret();
    await this.users.setPendingMfaSecret(user.id, secret);
    return { secret, otpauthUri: otpauthUri(secret, user.email) };
  }

  /**
   * Finish enrolment with a first code; from then on logins need a code. Every other session of
   * the user ends (one that started without the code must log in again with it); audited.
   */
  async verifyMfa(caller: SessionRef, code: string, ctx: RequestContext): Promise<{ mfaEnabled: true; sessionsRevoked: number }> {
    const user = await this.users.findById(caller.userId);
    if (!user) throw unauthorized('unknown user');
    const pending = user.mfaPendingSecret;
    if (!pending) throw conflict('NO_MFA_ENROLMENT', user.mfaEnabled ? 'MFA is already on' : 'start with /v1/auth/mfa/enroll');
    await this.checkCode(user.id, pending, code, null, (step) => this.users.enableMfa(user.id, pending, step));
    const sessionsRevoked = await this.sessions.revokeAllOf(user.id, caller.sessionId);
    await this.audit.record({
      userId: user.id,
      action: 'mfa.enable',
      outcome: 'succeeded',
      actorId: user.id,
      ...ctx,
      details: { sessionsRevoked },
    });
    return { mfaEnabled: true, sessionsRevoked };
  }

  /**
   * Turn MFA off: the password and a current code, both (a stolen session or a stolen phone alone
   * is not enough). Every other session ends, the caller's keeps a password-only standing; audited.
   */
  async disableMfa(
    caller: SessionRef,
    password: string,
    code: string,
    ctx: RequestContext,
  ): Promise<{ mfaEnabled: false; sessionsRevoked: number }> {
    const user = await this.users.findById(caller.userId);
    if (!user) throw unauthorized('unknown user');
    if (!(await verifyPassword(user.passwordHash, password))) throw wrongPassword();
    if (!user.mfaEnabled || !user.mfaSecret) throw conflict('MFA_NOT_ENABLED', 'MFA is not on for this account');
    await this.checkCode(user.id, user.mfaSecret, code, user.mfaLastStep, (step) => this.users.useMfaStep(user.id, step));
    await this.users.disableMfa(user.id);
    if (caller.sessionId) await this.sessions.setAuth(caller.sessionId, { amr: ['pwd'] });
    const sessionsRevoked = await this.sessions.revokeAllOf(user.id, caller.sessionId);
    await this.audit.record({
      userId: user.id,
      action: 'mfa.disable',
      outcome: 'succeeded',
      actorId: user.id,
      ...ctx,
      details: { sessionsRevoked },
    });
    return { mfaEnabled: false, sessionsRevoked };
  }

  /**
   * Check a code under the lock rules: refused while locked; a wrong code (or a replayed step)
   * counts towards the lock; `accept` records the step atomically and may still refuse it.
   */
  private async checkCode(
    userId: string,
    secret: string,
    code: string,
    lastStep: number | null,
    accept: (step: number) => Promise<boolean>,
  ): Promise<void> {
    const locked = await this.mfa.lockedFor(userId);
    if (locked > 0) throw mfaLocked(locked);
    const step = await checkTotp(secret, code, lastStep);
    if (step === null || !(await accept(step))) {
      const lock = await this.mfa.recordFailure(userId);
      count('MfaCodeRejected');
      if (lock > 0) {
        count('MfaLocked');
        throw mfaLocked(lock);
      }
      throw unauthorized('wrong or already used code', 'INVALID_MFA_CODE');
    }
    await this.mfa.clearFailures(userId);
  }

  private async startSession(user: User, auth: SessionAuth): Promise<TokenPair> {
    const s = await this.sessions.start(user.id, this.refreshTtlS, auth);
    return this.pair(user, s.familyId, s.refreshToken, auth);
  }

  async refresh(refreshToken: string): Promise<TokenPair> {
    const r = await this.sessions.rotate(refreshToken, this.refreshTtlS);
    if (!r.ok) {
      if (r.reason === 'reused') {
        count('RefreshTokenReused');
        throw unauthorized('refresh token was already used: the session is revoked', 'REFRESH_TOKEN_REUSED');
      }
      if (r.reason === 'revoked') throw unauthorized('the session has ended', 'SESSION_REVOKED');
      throw unauthorized('unknown refresh token', 'INVALID_REFRESH_TOKEN');
    }
    const user = await this.users.findById(r.userId);
    if (!user) throw unauthorized('unknown user', 'INVALID_REFRESH_TOKEN');
    // the new token says what the session proved, and when: a refresh is not a fresh code
    return this.pair(user, r.familyId, r.refreshToken as string, await this.sessions.authOf(r.familyId));
  }

  async profile(userId: string): Promise<{ userId: string; email: string; roles: string[]; accountNo: number; mfaEnabled: boolean }> {
    const u = await this.users.findById(userId);
    if (!u) throw unauthorized('unknown user');
    return { userId: u.id, email: u.email, roles: u.roles, accountNo: u.accountNo, mfaEnabled: u.mfaEnabled };
  }

  /** Ends the session; unknown tokens are ignored (logging out twice is not an error). */
  async logout(refreshToken: string): Promise<void> {
    await this.sessions.revokeByToken(refreshToken);
  }

  private async pair(user: User, sessionId: string, refreshToken: string, auth: SessionAuth): Promise<TokenPair> {
    const accessToken = await this.accessToken(user, sessionId, auth);
    return { accessToken, refreshToken, tokenType: 'Bearer', expiresIn: this.tokens.ttlS };
  }

  private accessToken(user: User, sessionId: string, auth: SessionAuth): Promise<string> {
    return this.tokens.sign({
      userId: user.id,
      roles: user.roles,
      accountNo: user.accountNo,
      sessionId,
      rolesVersion: user.rolesVersion,
      amr: auth.amr,
      ...(auth.otpAt === undefined ? {} : { otpAt: auth.otpAt }),
    });
  }
}
