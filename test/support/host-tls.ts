/** The tests' host CA (test/global-setup.ts): what a client of each role presents. */
import type * as grpc from '@grpc/grpc-js';
import { connectHost, type MatchingHostClient } from '../../matching-host/proto/host-client';
import { METHOD_ROLES, type HostRole } from '../../matching-host/proto/host-roles';
import { tlsFromDir, type TlsMaterial } from '../../matching-host/proto/host-tls';

export function testTls(role: HostRole): TlsMaterial {
  const dir = process.env.HOST_TLS_DIR;
  if (!dir) throw new Error('HOST_TLS_DIR is not set (test/setup-env.js sets it)');
  return tlsFromDir(dir, role);
}

/** The same, as GrpcMatchingHost asks for it. */
export const testTlsOf = (role: HostRole) => (): Promise<TlsMaterial> => Promise.resolve(testTls(role));

/**
 * A host client for tests that call methods of several roles (deposit, then place, then fence):
 * each call goes over a connection presenting the certificate of the first role its method allows.
 */
export function connectTestHost(address: string, options: grpc.ChannelOptions = {}): MatchingHostClient {
  const byRole = new Map<HostRole, MatchingHostClient>();
  const as = (role: HostRole): MatchingHostClient => {
    let c = byRole.get(role);
    if (!c) byRole.set(role, (c = connectHost(address, testTls(role), options)));
    return c;
  };
  return new Proxy({} as MatchingHostClient, {
    get(_target, prop) {
      if (prop === 'close') return () => byRole.forEach((c) => c.close());
      const roles = typeof prop === 'string' ? (METHOD_ROLES as Record<string, readonly HostRole[] | undefined>)[prop] : undefined;
      const client = as(roles?.[0] ?? 'trading');
      const v = (client as unknown as Record<string | symbol, unknown>)[prop];
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(client) : v;
    },
  });
}
