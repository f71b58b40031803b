/**
 * The certificate a function presents to the matching host: its area's role (proto/host-roles.ts),
 * read at run time from the secret store in AWS (the Lambda environment holds only the secret's
 * name, `<HOST_TLS_SECRET_PREFIX><role>`, JSON {ca, cert, key}) or from the local CA's directory.
 * Read once per container.
 */
import type { HostRole } from '../../matching-host/proto/host-roles';
import { tlsFromDir, tlsFromJson, type TlsMaterial } from '../../matching-host/proto/host-tls';
import { config } from './config';
import { readSecret } from './secret-store';

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
  return tlsFromJson(JSON.stringify(await readSecret(`${c.HOST_TLS_SECRET_PREFIX}${role}`, c.STAGE)));
}
