/**
 * Registration, login and sessions. Stores come in as ports (PostgreSQL users, Redis sessions),
 * so this file holds the rules only: who may log in, how tokens rotate, what a reuse means.
 */
import type { AccessTokens } from './access-tokens';
import { AppError, conflict, unauthorized } from '../shared/errors';
import type { MfaGuard } from './ports/mfa-guard';
import type { SessionStore } from '../shared/ports/session-store';
import { count } from '../shared/observability';
import { EmailTakenError, type User, type UserStore } from '../shared/ports/user-store';
import { burnPasswordCheck, hashPassword, verifyPassword } from './passwords';
import { checkTotp, newTotpSecret, otpauthUri } from './totp';

/** a password login with MFA on waits this long for its code */
const CHALLENGE_TTL_S = 300;

export type LoginResult = TokenPair | { mfaRequired: true; challengeId: string };

const mfaLocked = (retryAfterS: number): AppError =>
  new AppError(429, 'MFA_LOCKED', 'too many wrong codes: MFA is locked, try again later', { 'Retry-After': String(retryAfterS) });

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

  async login(email: string, password: string): Promise<LoginResult> {
    const user = await this.users.findByEmail(email);
    if (!user) {
      await burnPasswordCheck(password);
      count('LoginFailed');
      throw unauthorized('wrong email or password', 'INVALID_CREDENTIALS');
    }
    if (!(await verifyPassword(user.passwordHash, password))) {
      count('LoginFailed');
      throw unauthorized('wrong email or password', 'INVALID_CREDENTIALS');
    }
    if (user.mfaEnabled) return { mfaRequired: true, challengeId: await this.mfa.createChallenge(user.id, CHALLENGE_TTL_S) };
    return this.startSession(user);
  }

  /** Second step of a login with MFA: the challenge from the password step and a current code. */
  async loginMfa(challengeId: string, code: string): Promise<TokenPair> {
    const userId = await this.mfa.challengeUser(challengeId);
    const user = userId ? await this.users.findById(userId) : null;
    if (!user || !user.mfaEnabled || !user.mfaSecret) throw unauthorized('unknown or expired challenge: log in again', 'INVALID_CHALLENGE');
    await this.checkCode(user.id, user.mfaSecret, code, user.mfaLastStep, (step) => this.users.useMfaStep(user.id, step));
    await this.mfa.endChallenge(challengeId);
    return this.startSession(user);
  }

  /** Start enrolment: a new secret (pending until a code proves the authenticator app has it). */
  async enrollMfa(userId: string): Promise<{ secret: string; otpauthUri: string }> {
    const user = await this.users.findById(userId);
    if (!user) throw unauthorized('unknown user');
    if (user.mfaEnabled) throw conflict('MFA_ALREADY_ENABLED', 'MFA is already on for this account');
    const secret = newTotpSecret();
    await this.users.setPendingMfaSecret(user.id, secret);
    return { secret, otpauthUri: otpauthUri(secret, user.email) };
  }

  /** Finish enrolment with a first code; from then on logins need a code. */
  async verifyMfa(userId: string, code: string): Promise<{ mfaEnabled: true }> {
    const user = await this.users.findById(userId);
    if (!user) throw unauthorized('unknown user');
    const pending = user.mfaPendingSecret;
    if (!pending) throw conflict('NO_MFA_ENROLMENT', user.mfaEnabled ? 'MFA is already on' : 'start with /v1/auth/mfa/enroll');
    await this.checkCode(user.id, pending, code, null, (step) => this.users.enableMfa(user.id, pending, step));
    return { mfaEnabled: true };
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

  private async startSession(user: User): Promise<TokenPair> {
    const s = await this.sessions.start(user.id, this.refreshTtlS);
    return this.pair(user, s.familyId, s.refreshToken);
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
    return this.pair(user, r.familyId, r.refreshToken as string);
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

  private async pair(user: User, sessionId: string, refreshToken: string): Promise<TokenPair> {
    const accessToken = await this.tokens.sign({
      userId: user.id,
      roles: user.roles,
      accountNo: user.accountNo,
      sessionId,
      rolesVersion: user.rolesVersion,
    });
    return { accessToken, refreshToken, tokenType: 'Bearer', expiresIn: this.tokens.ttlS };
  }
}
