/**
 * The local certificate authority of the matching host's mutual TLS: `npm start` and the tests
 * create it under .data/ (never committed), AWS stages keep the same files in the secret store.
 * One certificate per caller role (its common name, see proto/host-roles.ts) and one for the hosts,
 * which serve gRPC under HOST_SERVER_NAME and present the same certificate to their peer.
 */
import { generateKeyPairSync, X509Certificate, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';
import { HOST_ROLES, type HostRole } from '../../matching-host/proto/host-roles';
import { HOST_SERVER_NAME } from '../../matching-host/proto/host-tls';

const DAY_MS = 86_400_000;
/** a certificate this close to its end is made again */
const RENEW_BEFORE_MS = 7 * DAY_MS;

interface Issued {
  cert: forge.pki.Certificate;
  key: forge.pki.rsa.PrivateKey;
}

function rsaKeys(): { privateKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey } {
  // Node's own key generation (forge's is pure JavaScript and slow)
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const key = forge.pki.privateKeyFromPem(privateKey);
  return { privateKey: key, publicKey: forge.pki.setRsaPublicKey(key.n, key.e) };
}

function certificate(cn: string, days: number, publicKey: forge.pki.PublicKey): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  // a positive serial of 16 random bytes
  cert.serialNumber = `01${randomBytes(15).toString('hex')}`;
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + days * DAY_MS);
  cert.setSubject([
    { name: 'commonName', value: cn },
    { name: 'organizationName', value: 'open-exchange local' },
  ]);
  return cert;
}

function issueCa(): Issued {
  const keys = rsaKeys();
  const cert = certificate('open-exchange local host CA', 3650, keys.publicKey);
  cert.setIssuer(cert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { cert, key: keys.privateKey };
}

/** A leaf: `host` is a server (HOST_SERVER_NAME) and a client of its peer; every other role a client. */
function issueLeaf(ca: Issued, role: HostRole): Issued {
  const keys = rsaKeys();
  const cert = certificate(role, 825, keys.publicKey);
  cert.setIssuer(ca.cert.subject.attributes);
  const server = role === 'host';
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', clientAuth: true, serverAuth: server },
    ...(server
      ? [
          {
            name: 'subjectAltName',
            altNames: [
              { type: 2, value: HOST_SERVER_NAME },
              { type: 2, value: 'localhost' },
              { type: 7, ip: '127.0.0.1' },
            ],
          },
        ]
      : []),
  ]);
  cert.sign(ca.key, forge.md.sha256.create());
  return { cert, key: keys.privateKey };
}

/** Is `<dir>/<name>.crt` there, issued by this CA and good for another week? */
function usable(dir: string, name: string, ca?: X509Certificate): boolean {
  const file = join(dir, `${name}.crt`);
  if (!existsSync(file) || !existsSync(join(dir, `${name}.key`))) return false;
  try {
    const cert = new X509Certificate(readFileSync(file));
    if (Date.parse(cert.validTo) - Date.now() < RENEW_BEFORE_MS) return false;
    return ca ? cert.checkIssued(ca) && cert.verify(ca.publicKey) : true;
  } catch {
    return false;
  }
}

/**
 * Make sure `dir` holds a CA and a certificate for every role (made once, kept across runs; made
 * again when missing, expiring or issued by another CA). Keys are readable by the owner only.
 */
export function ensureHostCa(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const write = (name: string, issued: Issued): void => {
    writeFileSync(join(dir, `${name}.key`), forge.pki.privateKeyToPem(issued.key), { mode: 0o600 });
    writeFileSync(join(dir, `${name}.crt`), forge.pki.certificateToPem(issued.cert));
  };
  let ca: Issued;
  if (usable(dir, 'ca')) {
    ca = {
      cert: forge.pki.certificateFromPem(readFileSync(join(dir, 'ca.crt'), 'utf8')),
      key: forge.pki.privateKeyFromPem(readFileSync(join(dir, 'ca.key'), 'utf8')),
    };
  } else {
    ca = issueCa();
    write('ca', ca);
  }
  const caX509 = new X509Certificate(forge.pki.certificateToPem(ca.cert));
  for (const role of HOST_ROLES) if (!usable(dir, role, caX509)) write(role, issueLeaf(ca, role));
  return dir;
}

/** A certificate for `cn` from a CA of its own: what an attacker without our CA's key can make. */
export function foreignCertificate(cn: string): { ca: Buffer; cert: Buffer; key: Buffer } {
  const ca = issueCa();
  const leaf = issueLeaf(ca, cn as HostRole);
  return {
    ca: Buffer.from(forge.pki.certificateToPem(ca.cert)),
    cert: Buffer.from(forge.pki.certificateToPem(leaf.cert)),
    key: Buffer.from(forge.pki.privateKeyToPem(leaf.key)),
  };
}
