import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './config';
import { publicKeys } from './public-keys';
import { forgetSecrets } from './secret-store';

const dir = mkdtempSync(join(tmpdir(), 'public-keys-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => forgetSecrets());

describe('publicKeys', () => {
  it('reads the keys at run time from where PUBLIC_KEYS_SECRET points, so packaging needs none', async () => {
    const file = join(dir, 'keys.json');
    writeFileSync(file, JSON.stringify({ jwtVerifyJwks: '[{"kid":"a"}]', orderEventVerifyKeys: '["pem"]' }));
    const cfg = loadConfig({ STAGE: 'local', PUBLIC_KEYS_SECRET: `file:${file}` });
    expect(await publicKeys('jwtVerifyJwks', cfg)).toBe('[{"kid":"a"}]');
    expect(await publicKeys('orderEventVerifyKeys', cfg)).toBe('["pem"]');
  });

  it('takes them from the environment when a test or tool sets them there', async () => {
    const cfg = loadConfig({ STAGE: 'local', JWT_VERIFY_JWKS: '[{"kid":"env"}]', PUBLIC_KEYS_SECRET: 'file:/nonexistent' });
    expect(await publicKeys('jwtVerifyJwks', cfg)).toBe('[{"kid":"env"}]');
  });

  it('says clearly when neither is configured', async () => {
    await expect(publicKeys('orderEventVerifyKeys', loadConfig({ STAGE: 'local' }))).rejects.toThrow(
      /ORDER_EVENT_VERIFY_KEYS nor PUBLIC_KEYS_SECRET/,
    );
  });
});
