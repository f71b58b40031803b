/**
 * Registration, login and sessions. Stores come in as ports (PostgreSQL users, Redis sessions),
 * so this file holds the rules only: who may log in, how tokens rotate, what a reuse means.
 */
import type { AccessTokens } from '../shared/access-tokens';
import { conflict, unauthorized } from '../shared/errors';
import type { SessionStore } from '../shared/ports/session-store';
import { EmailTakenError, type User, type UserStore } from '../shared/ports/user-store';
import { burnPasswordCheck, hashPassword, verifyPassword } from './passwords';

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

  async login(email: string, password: string): Promise<TokenPair> {
    const user = await this.users.findByEmail(email);
    if (!user) {
      await burnPasswordCheck(password);
      throw unauthorized('wrong email or password', 'INVALID_CREDENTIALS');
    }
    if (!(await verifyPassword(user.passwordHash, password))) throw unauthorized('wrong email or password', 'INVALID_CREDENTIALS');
    const s = await this.sessions.start(user.id, this.refreshTtlS);
    return this.pair(user, s.familyId, s.refreshToken);
  }

  async refresh(refreshToken: string): Promise<TokenPair> {
    const r = await this.sessions.rotate(refreshToken, this.refreshTtlS);
    if (!r.ok) {
      if (r.reason === 'reused') throw unauthorized('refresh token was already used: the session is revoked', 'REFRESH_TOKEN_REUSED');
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
    const accessToken = await this.tokens.sign({ userId: user.id, roles: user.roles, accountNo: user.accountNo, sessionId });
    return { accessToken, refreshToken, tokenType: 'Bearer', expiresIn: this.tokens.ttlS };
  }
}
