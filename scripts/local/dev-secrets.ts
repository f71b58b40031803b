/**
 * Secrets of the local stack (`--stage local`): an Ed25519 JWT key pair in .data/local-secrets.json,
 * made once and kept, so tokens stay valid across restarts. AWS stages read theirs from SSM.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { exportJWK, generateKeyPair } from 'jose';

export const LOCAL_SECRETS = join(__dirname, '..', '..', '.data', 'local-secrets.json');

export async function ensureDevSecrets(file = LOCAL_SECRETS): Promise<void> {
  if (existsSync(file)) return;
  const kid = `local-${Date.now().toString(36)}`;
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { extractable: true });
  const signing = { ...(await exportJWK(privateKey)), kid, alg: 'EdDSA' };
  const verify = [{ ...(await exportJWK(publicKey)), kid, alg: 'EdDSA' }];
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify({ jwtSigningJwk: JSON.stringify(signing), jwtVerifyJwks: JSON.stringify(verify) }, null, 2), { mode: 0o600 });
}

if (require.main === module) void ensureDevSecrets();
