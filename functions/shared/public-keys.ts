/**
 * The public keys the functions verify with: access tokens' (JWT_VERIFY_JWKS) and the matching
 * host's order events' (ORDER_EVENT_VERIFY_KEYS). Public, but not known when the stack is packaged:
 * in AWS they are read at run time from the secret store (PUBLIC_KEYS_SECRET, fields
 * jwtVerifyJwks and orderEventVerifyKeys) next to the private halves' secrets, so a key rotation is
 * a secret update, not a redeploy. Set directly in the environment only by tests and tools.
 */
import { config, type AppConfig } from './config';
import { secretField } from './secret-store';

export type PublicKeyField = 'jwtVerifyJwks' | 'orderEventVerifyKeys';

const ENV: Record<PublicKeyField, 'JWT_VERIFY_JWKS' | 'ORDER_EVENT_VERIFY_KEYS'> = {
  jwtVerifyJwks: 'JWT_VERIFY_JWKS',
  orderEventVerifyKeys: 'ORDER_EVENT_VERIFY_KEYS',
};

/** The keys' text (a JSON array), from the environment or the secret store; a clear error if neither has them. */
export async function publicKeys(field: PublicKeyField, cfg: AppConfig = config()): Promise<string> {
  const direct = cfg[ENV[field]];
  if (direct) return direct;
  if (!cfg.PUBLIC_KEYS_SECRET) throw new Error(`neither ${ENV[field]} nor PUBLIC_KEYS_SECRET is set: nothing can be verified`);
  return secretField(cfg.PUBLIC_KEYS_SECRET, field, cfg.STAGE);
}
