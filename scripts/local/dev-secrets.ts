/**
 * Secrets of the local stack (`--stage local`) in .data/local-secrets.json, made once and kept (so
 * tokens and sealed MFA secrets stay valid across restarts): an Ed25519 JWT key pair, a data key
 * for secrets at rest, and the Ed25519 pair the host signs order events with (the private half
 * goes to the hosts only, the public half to the functions). A file from an older version gets
 * what it lacks. AWS stages read theirs from the secret store.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { newJwtKeys } from '../../functions/auth/access-tokens';
import { newDataKeys } from '../../functions/shared/secret-box';
import { newOrderEventKeys } from '../../matching-host/proto/order-event-signature';

export const LOCAL_SECRETS = join(__dirname, '..', '..', '.data', 'local-secrets.json');

interface LocalSecrets {
  jwtSigningJwk?: string;
  jwtVerifyJwks?: string;
  dataKeys?: string;
  dataKeyId?: string;
  orderEventSigningKey?: string;
  orderEventVerifyKeys?: string;
}

export async function ensureDevSecrets(file = LOCAL_SECRETS): Promise<Required<LocalSecrets>> {
  const s = (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {}) as LocalSecrets;
  const before = JSON.stringify(s);
  const stamp = Date.now().toString(36);
  if (!s.jwtSigningJwk || !s.jwtVerifyJwks) {
    const keys = await newJwtKeys(`local-${stamp}`);
    Object.assign(s, { jwtSigningJwk: keys.signing, jwtVerifyJwks: keys.verify });
  }
  if (!s.dataKeys || !s.dataKeyId) {
    const d = newDataKeys(`local-${stamp}`);
    Object.assign(s, { dataKeys: d.keys, dataKeyId: d.current });
  }
  if (!s.orderEventSigningKey || !s.orderEventVerifyKeys) {
    const k = newOrderEventKeys();
    Object.assign(s, { orderEventSigningKey: k.signingKey, orderEventVerifyKeys: k.verifyKeys });
  }
  if (JSON.stringify(s) !== before) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(s, null, 2), { mode: 0o600 });
  }
  return s as Required<LocalSecrets>;
}

if (require.main === module) void ensureDevSecrets();
