/**
 * Secrets of the local stack (`--stage local`): an Ed25519 JWT key pair in .data/local-secrets.json,
 * made once and kept, so tokens stay valid across restarts. AWS stages read theirs from SSM.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { newJwtKeys } from '../../functions/shared/access-tokens';

export const LOCAL_SECRETS = join(__dirname, '..', '..', '.data', 'local-secrets.json');

export async function ensureDevSecrets(file = LOCAL_SECRETS): Promise<void> {
  if (existsSync(file)) return;
  const keys = await newJwtKeys(`local-${Date.now().toString(36)}`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify({ jwtSigningJwk: keys.signing, jwtVerifyJwks: keys.verify }, null, 2), { mode: 0o600 });
}

if (require.main === module) void ensureDevSecrets();
