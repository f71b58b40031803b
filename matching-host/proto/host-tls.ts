/**
 * Mutual TLS between the matching host and everyone who calls it. Each party holds the CA's
 * certificate, its own certificate and its key (PEM): from a directory locally (`npm start` and the
 * tests create a CA in .data/), from the secret store in AWS. A client checks that the host's
 * certificate comes from the CA and names the host (HOST_SERVER_NAME), whatever address it dials
 * (a load balancer's name, an IP); the host refuses a connection without a certificate of the CA.
 */
import * as grpc from '@grpc/grpc-js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The name every host's server certificate carries, whatever address a client dials. */
export const HOST_SERVER_NAME = 'matching-host';

export interface TlsMaterial {
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

/** `<dir>/ca.crt`, `<dir>/<name>.crt` and `<dir>/<name>.key`. */
export function tlsFromDir(dir: string, name: string): TlsMaterial {
  const read = (file: string): Buffer => {
    try {
      return readFileSync(join(dir, file));
    } catch (e) {
      throw new Error(`host TLS: cannot read ${join(dir, file)} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    }
  };
  return { ca: read('ca.crt'), cert: read(`${name}.crt`), key: read(`${name}.key`) };
}

/** A secret's JSON `{ca, cert, key}` (PEM strings), as the secret store holds a client's material. */
export function tlsFromJson(json: string): TlsMaterial {
  const v = JSON.parse(json) as Partial<Record<'ca' | 'cert' | 'key', unknown>>;
  if (typeof v.ca !== 'string' || typeof v.cert !== 'string' || typeof v.key !== 'string')
    throw new Error('host TLS secret: expected {"ca","cert","key"} as PEM strings');
  return { ca: Buffer.from(v.ca), cert: Buffer.from(v.cert), key: Buffer.from(v.key) };
}

export function clientCredentials(tls: TlsMaterial): { credentials: grpc.ChannelCredentials; options: grpc.ChannelOptions } {
  return {
    credentials: grpc.credentials.createSsl(tls.ca, tls.key, tls.cert),
    // the host is whoever holds a CA certificate naming it, at whatever address it is reached
    options: { 'grpc.ssl_target_name_override': HOST_SERVER_NAME, 'grpc.default_authority': HOST_SERVER_NAME },
  };
}

/** The host's side: its own certificate, and a client certificate of the CA required before any call. */
export function serverCredentials(tls: TlsMaterial): grpc.ServerCredentials {
  return grpc.ServerCredentials.createSsl(tls.ca, [{ private_key: tls.key, cert_chain: tls.cert }], true);
}
