/**
 * Application-level encryption of secrets at rest (TOTP secrets): AES-256-GCM under a named data
 * key, bound to what it protects (associated data such as "mfa:<userId>", so a ciphertext copied
 * to another row does not open). Keys rotate by adding one and making it current; old ciphertexts
 * still open under their own key id. The keys are read at run time from the secret store (Secrets
 * Manager in AWS, .data/local-secrets.json locally; see secret-store.ts).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { secretField } from './secret-store';

const PREFIX = 'v1';

export class SecretBox {
  private readonly keys: Map<string, Buffer>;

  /** `keys`: key id → base64 of 32 random bytes; `current` seals. */
  constructor(
    keys: Record<string, string>,
    private readonly current: string,
  ) {
    this.keys = new Map(Object.entries(keys).map(([kid, b64]) => [kid, Buffer.from(b64, 'base64')]));
    for (const [kid, k] of this.keys)
      if (k.length !== 32 || !/^[\w-]{1,32}$/.test(kid)) throw new Error(`data key ${kid}: need an id of [A-Za-z0-9_-] and 32 bytes`);
    if (!this.keys.has(current)) throw new Error(`the current data key ${current} is not among the keys`);
  }

  static fromConfig(cfg: { DATA_KEYS?: string; DATA_KEY_ID?: string }): SecretBox {
    if (!cfg.DATA_KEYS || !cfg.DATA_KEY_ID) throw new Error('DATA_KEYS and DATA_KEY_ID are not configured for this function');
    return new SecretBox(JSON.parse(cfg.DATA_KEYS) as Record<string, string>, cfg.DATA_KEY_ID);
  }

  /** The keys from the secret store (DATA_KEYS_SECRET), or given directly (tests and tools). */
  static async load(cfg: { STAGE: string; DATA_KEYS_SECRET?: string; DATA_KEYS?: string; DATA_KEY_ID?: string }): Promise<SecretBox> {
    if (cfg.DATA_KEYS || !cfg.DATA_KEYS_SECRET) return SecretBox.fromConfig(cfg);
    const [keys, current] = await Promise.all([
      secretField(cfg.DATA_KEYS_SECRET, 'dataKeys', cfg.STAGE),
      secretField(cfg.DATA_KEYS_SECRET, 'dataKeyId', cfg.STAGE),
    ]);
    return new SecretBox(JSON.parse(keys) as Record<string, string>, current);
  }

  /** Whether a stored value is one of ours (a TOTP secret in clear, base32, never contains a dot). */
  static isSealed(value: string): boolean {
    return value.startsWith(`${PREFIX}.`);
  }

  seal(plain: string, context: string): string {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.key(this.current), iv);
    c.setAAD(Buffer.from(context));
    const ct = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return [PREFIX, this.current, iv.toString('base64url'), ct.toString('base64url'), c.getAuthTag().toString('base64url')].join('.');
  }

  open(sealed: string, context: string): string {
    const [v, kid, iv, ct, tag] = sealed.split('.');
    if (v !== PREFIX || !kid || !iv || !ct || !tag) throw new Error('not a sealed value');
    const ivBytes = Buffer.from(iv, 'base64url');
    const tagBytes = Buffer.from(tag, 'base64url');
    // a full 96-bit IV and 128-bit tag only: GCM would otherwise accept a truncated tag
    if (ivBytes.length !== 12 || tagBytes.length !== 16) throw new Error('not a sealed value');
    const d = createDecipheriv('aes-256-gcm', this.key(kid), ivBytes, { authTagLength: 16 });
    d.setAAD(Buffer.from(context));
    d.setAuthTag(tagBytes);
    return Buffer.concat([d.update(Buffer.from(ct, 'base64url')), d.final()]).toString('utf8');
  }

  private key(kid: string): Buffer {
    const k = this.keys.get(kid);
    if (!k) throw new Error(`unknown data key ${kid}`);
    return k;
  }
}

/** A fresh key ring with one key (local secrets, tests). */
export function newDataKeys(kid: string): { keys: string; current: string } {
  return { keys: JSON.stringify({ [kid]: randomBytes(32).toString('base64') }), current: kid };
}
