/**
 * Access tokens: short-lived JWTs signed with Ed25519 (EdDSA), `kid` in the header so keys can
 * rotate, verified against an allow-list of one algorithm with issuer, audience, expiry and
 * issued-at all required. They carry the user id, roles, matching-host account number, the
 * session (`sid`) so a logout can stop them before they expire, and how the user authenticated
 * (`amr`, RFC 8176: pwd, otp; `otp_at`: when a code was last proven) for the routes that need MFA.
 */
import { createLocalJWKSet, exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK, type JWTVerifyGetKey } from 'jose';
import type { AppConfig } from '../shared/config';
import { unauthorized } from '../shared/errors';
import { publicKeys } from '../shared/public-keys';
import { secretField } from '../shared/secret-store';
import type { AuthMethod } from '../shared/ports/session-store';
import type { Role } from '../shared/ports/user-store';

export interface AccessClaims {
  userId: string;
  roles: Role[];
  accountNo: number;
  sessionId: string;
  /** the user's roles version when the token was made (see migration 005) */
  rolesVersion: number;
  /** how the session was authenticated: ['pwd'], or ['pwd', 'otp'] once a TOTP code was proven */
  amr: AuthMethod[];
  /** epoch seconds of the session's last proven code (absent without one): step-up freshness */
  otpAt?: number;
}

type SigningKey = Awaited<ReturnType<typeof importJWK>>;

const ALG = 'EdDSA';
const TYP = 'at+jwt';
const ROLES: readonly Role[] = ['trader', 'ops', 'admin'];
const METHODS: readonly AuthMethod[] = ['pwd', 'otp'];

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
    // read from the secret store at run time; given directly only to tests and tools
    const text =
      cfg.JWT_SIGNING_JWK ?? (cfg.JWT_SIGNING_SECRET ? await secretField(cfg.JWT_SIGNING_SECRET, 'jwtSigningJwk', cfg.STAGE) : undefined);
    if (text) {
      const jwk = JSON.parse(text) as JWK;
      if (!jwk.kid) throw new Error('JWT_SIGNING_JWK needs a kid');
      signing = { key: await importJWK(jwk, ALG), kid: jwk.kid };
    }
    const verify = JSON.parse(await publicKeys('jwtVerifyJwks', cfg)) as JWK[];
    return new AccessTokens(signing, createLocalJWKSet({ keys: verify }), cfg);
  }

  get ttlS(): number {
    return this.cfg.ACCESS_TOKEN_TTL_S;
  }

  sign(c: AccessClaims): Promise<string> {
    if (!this.signing) throw new Error('JWT_SIGNING_JWK is not configured for this function');
    return new SignJWT({
      roles: c.roles,
      acc: c.accountNo,
      sid: c.sessionId,
      rv: c.rolesVersion,
      amr: c.amr,
      ...(c.otpAt === undefined ? {} : { otp_at: c.otpAt }),
    })
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
        requiredClaims: ['sub', 'exp', 'iat', 'sid', 'amr'],
        clockTolerance: 5,
      });
      const roles = payload.roles;
      if (!Array.isArray(roles) || roles.length === 0 || !roles.every((r) => ROLES.includes(r as Role))) throw new Error('roles');
      if (typeof payload.acc !== 'number' || typeof payload.sid !== 'string' || typeof payload.sub !== 'string') throw new Error('claims');
      const rv = payload.rv ?? 0;
      if (typeof rv !== 'number' || !Number.isSafeInteger(rv)) throw new Error('claims');
      const amr = payload.amr;
      if (!Array.isArray(amr) || !amr.includes('pwd') || !amr.every((m) => METHODS.includes(m as AuthMethod))) throw new Error('amr');
      const otpAt = payload.otp_at;
      // an otp_at without otp in amr, or otp without its time, is not a token we made
      if (amr.includes('otp') !== (typeof otpAt === 'number' && Number.isSafeInteger(otpAt))) throw new Error('otp_at');
      return {
        userId: payload.sub,
        roles: roles as Role[],
        accountNo: payload.acc,
        sessionId: payload.sid,
        rolesVersion: rv,
        amr: amr as AuthMethod[],
        ...(typeof otpAt === 'number' ? { otpAt } : {}),
      };
    } catch {
      throw unauthorized('invalid or expired token', 'INVALID_TOKEN');
    }
  }
}
