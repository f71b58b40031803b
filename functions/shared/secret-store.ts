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
 * Secrets Manager is called with the function's own role credentials.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

export type SecretFields = Record<string, string>;

const cache = new Map<string, Promise<SecretFields>>();

/**
 * The secret a reference names, read on first use and kept for the container's life; `fresh`
 * reads it again (a secret that rotates, read only when a connection opens).
 */
export function readSecret(ref: string, stage: string, options: { fresh?: boolean } = {}): Promise<SecretFields> {
  let p = options.fresh ? undefined : cache.get(ref);
  if (!p) {
    p = ref.startsWith('file:') ? Promise.resolve(fromFile(ref.slice('file:'.length), stage)) : fromSecretsManager(ref);
    // a failed read is not cached: the next invocation tries again
    p.catch(() => cache.delete(ref));
    cache.set(ref, p);
  }
  return p;
}

/** One field of a secret, or a clear error naming the field (never the value). */
export async function secretField(ref: string, field: string, stage: string, options: { fresh?: boolean } = {}): Promise<string> {
  const v = (await readSecret(ref, stage, options))[field];
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

async function fromSecretsManager(secretId: string): Promise<SecretFields> {
  const client = new SecretsManagerClient({ maxAttempts: 3 });
  try {
    const r = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    if (typeof r.SecretString !== 'string') throw new Error(`the secret ${secretId} has no SecretString`);
    return strings(JSON.parse(r.SecretString));
  } catch (e) {
    // the error's name only (AccessDeniedException, ResourceNotFoundException): a message could quote more than we want logged
    throw new Error(`the secret store refused ${secretId}: ${(e as Error).name}`);
  } finally {
    client.destroy();
  }
}

/** Forget what was read (tests that change a secret's file between cases). */
export function forgetSecrets(): void {
  cache.clear();
}
