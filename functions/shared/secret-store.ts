/**
 * Secrets (the JWT signing key, the data keys) read at run time, once per container, from where a
 * reference in the environment points: never their values in the environment or the deployed
 * template, where anyone who can read the function's configuration (or the CloudFormation stack)
 * would read them too.
 *
 *   arn:aws:secretsmanager:… or a secret's name   AWS Secrets Manager (GetSecretValue), a JSON SecretString
 *   file:<path>                                    the local stack only: .data/local-secrets.json
 *
 * Either holds a JSON object of the fields its readers take (jwtSigningJwk; dataKeys, dataKeyId).
 * Secrets Manager is called with the function's own role credentials (Lambda puts them in the
 * environment), signed with the SDK's SigV4 signer: the SDK's Secrets Manager client is not among
 * our dependencies (see the README: it would replace the request below one for one).
 */
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SignatureV4 } from '@smithy/signature-v4';

export type SecretFields = Record<string, string>;

const cache = new Map<string, Promise<SecretFields>>();

/** The secret a reference names, read on first use and kept for the container's life. */
export function readSecret(ref: string, stage: string): Promise<SecretFields> {
  let p = cache.get(ref);
  if (!p) {
    p = ref.startsWith('file:') ? Promise.resolve(fromFile(ref.slice('file:'.length), stage)) : fromSecretsManager(ref);
    // a failed read is not cached: the next invocation tries again
    p.catch(() => cache.delete(ref));
    cache.set(ref, p);
  }
  return p;
}

/** One field of a secret, or a clear error naming the field (never the value). */
export async function secretField(ref: string, field: string, stage: string): Promise<string> {
  const v = (await readSecret(ref, stage))[field];
  if (typeof v !== 'string' || v === '') throw new Error(`the secret ${ref} has no field ${field}`);
  return v;
}

function fromFile(path: string, stage: string): SecretFields {
  // a file on a function's disk is not a secret store: only the developer's own machine uses one
  if (stage !== 'local') throw new Error(`secrets from a file are for the local stage only (stage ${stage})`);
  return strings(JSON.parse(readFileSync(resolve(path), 'utf8')));
}

function strings(v: unknown): SecretFields {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('a secret is a JSON object of strings');
  return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** node:crypto as the signer's hash (the SDK's own @smithy/hash-node does the same) */
class Sha256 {
  private readonly h;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.h = secret === undefined ? createHash('sha256') : createHmac('sha256', toBuffer(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.h.update(toBuffer(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.h.digest()));
  }
}

function toBuffer(d: string | ArrayBuffer | ArrayBufferView): Buffer {
  if (typeof d === 'string') return Buffer.from(d, 'utf8');
  if (ArrayBuffer.isView(d)) return Buffer.from(d.buffer, d.byteOffset, d.byteLength);
  return Buffer.from(d);
}

async function fromSecretsManager(secretId: string): Promise<SecretFields> {
  const region = /^arn:aws[\w-]*:secretsmanager:([^:]+):/.exec(secretId)?.[1] ?? process.env.AWS_REGION ?? 'us-east-1';
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken } = process.env;
  if (!accessKeyId || !secretAccessKey) throw new Error('no AWS credentials to read the secret store with');
  const endpoint = new URL(process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER ?? `https://secretsmanager.${region}.amazonaws.com/`);
  const body = JSON.stringify({ SecretId: secretId });
  const signer = new SignatureV4({
    service: 'secretsmanager',
    region,
    credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
    sha256: Sha256,
  });
  const signed = await signer.sign({
    method: 'POST',
    protocol: endpoint.protocol,
    hostname: endpoint.hostname,
    ...(endpoint.port ? { port: Number(endpoint.port) } : {}),
    path: endpoint.pathname,
    query: {},
    headers: {
      host: endpoint.host,
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'secretsmanager.GetSecretValue',
    },
    body,
  });
  const r = await fetch(endpoint, { method: 'POST', headers: signed.headers, body, signal: AbortSignal.timeout(5000) });
  const answer = (await r.json().catch(() => ({}))) as { SecretString?: string; __type?: string };
  // the error's type only (AccessDenied, ResourceNotFound): a message could quote more than we want logged
  if (!r.ok || typeof answer.SecretString !== 'string')
    throw new Error(`the secret store refused ${secretId}: ${r.status} ${answer.__type ?? 'no SecretString'}`);
  return strings(JSON.parse(answer.SecretString));
}

/** Forget what was read (tests that change a secret's file between cases). */
export function forgetSecrets(): void {
  cache.clear();
}
