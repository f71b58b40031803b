/**
 * The certificate a function presents to the matching host: its area's role (proto/host-roles.ts),
 * read at run time from the secret store in AWS (the Lambda environment holds only the secret's
 * name) or from the local CA's directory. Read once per container.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { HostRole } from '../../matching-host/proto/host-roles';
import { tlsFromDir, tlsFromJson, type TlsMaterial } from '../../matching-host/proto/host-tls';
import { config } from './config';

const loaded = new Map<HostRole, Promise<TlsMaterial>>();

export function hostTls(role: HostRole): Promise<TlsMaterial> {
  let p = loaded.get(role);
  if (!p) {
    p = load(role);
    // a failed read (the secret store throttled) is tried again by the next call
    p.catch(() => loaded.delete(role));
    loaded.set(role, p);
  }
  return p;
}

async function load(role: HostRole): Promise<TlsMaterial> {
  const c = config();
  if (!c.HOST_TLS_SECRET_PREFIX) return tlsFromDir(c.HOST_TLS_DIR, role);
  const client = new SecretsManagerClient({ maxAttempts: 3 });
  try {
    const r = await client.send(new GetSecretValueCommand({ SecretId: `${c.HOST_TLS_SECRET_PREFIX}${role}` }));
    if (!r.SecretString) throw new Error(`host TLS secret ${c.HOST_TLS_SECRET_PREFIX}${role} has no string value`);
    return tlsFromJson(r.SecretString);
  } finally {
    client.destroy();
  }
}
