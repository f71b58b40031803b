/**
 * Access tokens: short-lived JWTs signed with Ed25519 (EdDSA), `kid` in the header so keys can
 * rotate, verified against an allow-list of one algorithm with issuer, audience, expiry and
 * issued-at all required. They carry the user id, roles, matching-host account number and the
 * session (`sid`) so a logout can stop them before they expire.
 */
import { createLocalJWKSet, exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK, type JWTVerifyGetKey } from 'jose';
import type { AppConfig } from '../shared/config';
import { unauthorized } from '../shared/errors';
import type { Role } from '../shared/ports/user-store';

export interface AccessClaims {
  userId: string;
  roles: Role[];
  accountNo: number;
  sessionId: string;
  /** the user's roles version when the token was made (see migration 005) */
  rolesVersion: number;
}

type SigningKey = Awaited<ReturnType<typeof importJWK>>;

const ALG = 'EdDSA';
const TYP = 'at+jwt';
const ROLES: readonly Role[] = ['trader', 'ops', 'admin'];

/**
 * A new Ed25519 key pair as the config wants it: JWT_SIGNING_JWK (private JWK) and
 * JWT_VERIFY_JWKS (a JSON array with its public half), both named `kid`.
 */
export async function newJwtKeys(kid: string): Promise<{ signing: string; verify: string }> {
  const { privateKey, publicKey } = await generateKeyPair(ALG, { extractable: true });
  const signing = { ...(await exportJWK(privateKey)), kid, alg: ALG };
  const verify = [{ ...(await exportJWK(publicKey)), kid, alg: ALG }];
  return { signing: JSON.stringify(signing), verify: JSON.stringify(verify) };
}

export class AccessTokens {
  private constructor(
    /** absent where a function only verifies (authorizers) */
    private readonly signing: { key: SigningKey; kid: string } | undefined,
    private readonly keys: JWTVerifyGetKey,
    private readonly cfg: Pick<AppConfig, 'JWT_ISSUER' | 'JWT_AUDIENCE' | 'ACCESS_TOKEN_TTL_S'>,
  ) {}

  static async fromConfig(cfg: AppConfig): Promise<AccessTokens> {
    let signing: { key: SigningKey; kid: string } | undefined;
    if (cfg.JWT_SIGNING_JWK) {
      const jwk = JSON.parse(cfg.JWT_SIGNING_JWK) as JWK;
      if (!jwk.kid) throw new Error('JWT_SIGNING_JWK needs a kid');
      signing = { key: await importJWK(jwk, ALG), kid: jwk.kid };
    }
    const verify = JSON.parse(cfg.JWT_VERIFY_JWKS) as JWK[];
    return new AccessTokens(signing, createLocalJWKSet({ keys: verify }), cfg);
  }

  get ttlS(): number {
    return this.cfg.ACCESS_TOKEN_TTL_S;
  }

  sign(c: AccessClaims): Promise<string> {
    if (!this.signing) throw new Error('JWT_SIGNING_JWK is not configured for this function');
    return new SignJWT({ roles: c.roles, acc: c.accountNo, sid: c.sessionId, rv: c.rolesVersion })
      .setProtectedHeader({ alg: ALG, kid: this.signing.kid, typ: TYP })
      .setSubject(c.userId)
      .setIssuer(this.cfg.JWT_ISSUER)
      .setAudience(this.cfg.JWT_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${this.cfg.ACCESS_TOKEN_TTL_S}s`)
      .sign(this.signing.key);
  }

  /** The token's claims, or 401 for anything but a valid, current token of ours. */
  async verify(token: string): Promise<AccessClaims> {
    try {
      const { payload } = await jwtVerify(token, this.keys, {
        algorithms: [ALG],
        typ: TYP,
        issuer: this.cfg.JWT_ISSUER,
        audience: this.cfg.JWT_AUDIENCE,
        requiredClaims: ['sub', 'exp', 'iat', 'sid'],
        clockTolerance: 5,
      });
      const roles = payload.roles;
      if (!Array.isArray(roles) || roles.length === 0 || !roles.every((r) => ROLES.includes(r as Role))) throw new Error('roles');
      if (typeof payload.acc !== 'number' || typeof payload.sid !== 'string' || typeof payload.sub !== 'string') throw new Error('claims');
      const rv = payload.rv ?? 0;
      if (typeof rv !== 'number' || !Number.isSafeInteger(rv)) throw new Error('claims');
      return { userId: payload.sub, roles: roles as Role[], accountNo: payload.acc, sessionId: payload.sid, rolesVersion: rv };
    } catch {
      throw unauthorized('invalid or expired token', 'INVALID_TOKEN');
    }
  }
}
