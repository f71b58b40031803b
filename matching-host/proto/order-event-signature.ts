/**
 * Order events are signed by the host that made them (Ed25519), so that whoever else can publish
 * to the broker (a leaked broker credential, a compromised neighbour) cannot forge or alter a fill
 * that settlement would post to the ledger. The host holds the private key; the functions only
 * public keys, so nothing they run can sign. The signature travels inside the event (`sig`), over
 * its canonical JSON without it, so it survives the trip through the consumer into a settlement
 * batch, a parked batch and its replay, and is checked again wherever an event is used.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { OrderEvent } from './messages';

/** JSON with every object's keys sorted: the bytes a signature covers, whoever serialized the event. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** What a signature covers: everything but the signature itself. */
const withoutSig = <E extends object>(event: E): Omit<E, 'sig'> => {
  const rest = { ...event } as Record<string, unknown>;
  delete rest.sig;
  return rest as Omit<E, 'sig'>;
};

const signedBytes = (event: Record<string, unknown>): Buffer => Buffer.from(canonicalJson(withoutSig(event)), 'utf8');

/** The event with its signature. */
export function signOrderEvent<E extends object>(event: E, privateKey: KeyObject): E & { sig: string } {
  const sig = sign(null, signedBytes(event as Record<string, unknown>), privateKey).toString('base64url');
  return { ...event, sig };
}

/** An order event that is not signed by a key we trust, or not an order event at all. */
export class UnverifiedOrderEvent extends Error {
  override readonly name = 'UnverifiedOrderEvent';
}

/** An order event as the host signed it. */
export type SignedOrderEvent = OrderEvent & { sig: string };

/**
 * Is `raw` (parsed JSON, before any schema strips or reorders it) signed with one of the trusted
 * public keys? Throws UnverifiedOrderEvent if not.
 */
export function assertSignedByHost(
  raw: unknown,
  publicKeys: readonly KeyObject[],
): asserts raw is Record<string, unknown> & { sig: string } {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new UnverifiedOrderEvent('not an object');
  const r = raw as Record<string, unknown>;
  if (typeof r.sig !== 'string' || r.sig.length === 0) throw new UnverifiedOrderEvent('unsigned');
  const sig = Buffer.from(r.sig, 'base64url');
  const bytes = signedBytes(r);
  if (!publicKeys.some((k) => verify(null, bytes, k, sig))) throw new UnverifiedOrderEvent('signature does not verify');
}

/**
 * `raw` checked against the trusted public keys (UnverifiedOrderEvent), then validated (a signed
 * event the schema refuses is the host's bug, thrown as a ZodError): the event, still signed.
 */
export function verifiedOrderEvent(raw: unknown, publicKeys: readonly KeyObject[]): SignedOrderEvent {
  assertSignedByHost(raw, publicKeys);
  return { ...OrderEvent.parse(raw), sig: raw.sig };
}

/** The event without its signature (what history, audit and the user channel keep and show). */
export function unsigned(e: SignedOrderEvent): OrderEvent {
  return withoutSig(e);
}

/** The signing key from its PEM (PKCS#8). */
export function orderEventSigningKey(pem: string): KeyObject {
  const k = createPrivateKey(pem);
  if (k.asymmetricKeyType !== 'ed25519') throw new Error(`the order-event signing key is ${k.asymmetricKeyType}, not ed25519`);
  return k;
}

/** The trusted public keys: a JSON array of PEMs (the current key, and any still rotating out), or one PEM. */
export function orderEventVerifyKeys(text: string): KeyObject[] {
  const pems = text.trim().startsWith('[') ? (JSON.parse(text) as unknown) : [text];
  if (!Array.isArray(pems) || pems.length === 0 || !pems.every((p) => typeof p === 'string'))
    throw new Error('expected a JSON array of public key PEMs');
  return pems.map((p: string) => {
    const k = createPublicKey(p);
    if (k.asymmetricKeyType !== 'ed25519') throw new Error(`an order-event verify key is ${k.asymmetricKeyType}, not ed25519`);
    return k;
  });
}

/** A fresh key pair: the host's private key (PEM) and the functions' verify keys (JSON array of one PEM). */
export function newOrderEventKeys(): { signingKey: string; verifyKeys: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    signingKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    verifyKeys: JSON.stringify([publicKey.export({ type: 'spki', format: 'pem' }).toString()]),
  };
}
