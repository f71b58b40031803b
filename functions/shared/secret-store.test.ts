/** Where secrets are read at run time: a file only on the local stage, fields by name, a failed read tried again. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forgetSecrets, secretField } from './secret-store';

const dir = mkdtempSync(join(tmpdir(), 'secret-store-'));
const file = join(dir, 'secrets.json');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(() => forgetSecrets());

describe('secret store', () => {
  it('refuses a secret from a file outside the local stage: a deployed function reads only the secret store', async () => {
    writeFileSync(file, JSON.stringify({ jwtSigningJwk: '{"kty":"OKP"}' }));
    await expect(secretField(`file:${file}`, 'jwtSigningJwk', 'prod')).rejects.toThrow(/local stage only/);
  });

  it('reads a field of the local file, and names a missing one without showing any value', async () => {
    writeFileSync(file, JSON.stringify({ dataKeys: '{"k":"c2VjcmV0"}', dataKeyId: 'k' }));
    expect(await secretField(`file:${file}`, 'dataKeyId', 'local')).toBe('k');
    await expect(secretField(`file:${file}`, 'jwtSigningJwk', 'local')).rejects.toThrow(
      `the secret file:${file} has no field jwtSigningJwk`,
    );
  });

  it('tries a failed read again rather than keep the failure for the container’s life', async () => {
    const missing = join(dir, 'later.json');
    await expect(secretField(`file:${missing}`, 'dataKeyId', 'local')).rejects.toThrow();
    writeFileSync(missing, JSON.stringify({ dataKeyId: 'k2' }));
    expect(await secretField(`file:${missing}`, 'dataKeyId', 'local')).toBe('k2');
  });
});
