import { SecretBox, newDataKeys } from './secret-box';

describe('SecretBox', () => {
  const k1 = newDataKeys('k1');
  const box = new SecretBox(JSON.parse(k1.keys) as Record<string, string>, 'k1');

  it('seals differently every time and opens to the original under the same context', () => {
    const a = box.seal('JBSWY3DPEHPK3PXP', 'mfa:u1');
    const b = box.seal('JBSWY3DPEHPK3PXP', 'mfa:u1');
    expect(a).not.toBe(b);
    expect(a).not.toContain('JBSWY3DPEHPK3PXP');
    expect(box.open(a, 'mfa:u1')).toBe('JBSWY3DPEHPK3PXP');
  });

  it('refuses another context, a tampered value and an unknown key', () => {
    const s = box.seal('secret', 'mfa:u1');
    expect(() => box.open(s, 'mfa:u2')).toThrow();
    const parts = s.split('.');
    parts[3] = Buffer.from('SECRET').toString('base64url');
    expect(() => box.open(parts.join('.'), 'mfa:u1')).toThrow();
    expect(() => box.open(s.replace('.k1.', '.k9.'), 'mfa:u1')).toThrow(/unknown data key/);
    expect(() => box.open('plain text', 'mfa:u1')).toThrow(/not a sealed value/);
    const truncated = s.split('.');
    truncated[4] = Buffer.from(truncated[4], 'base64url').subarray(0, 8).toString('base64url');
    expect(() => box.open(truncated.join('.'), 'mfa:u1')).toThrow(/not a sealed value/);
  });

  it('rotates: a new current key seals, old values still open', () => {
    const old = box.seal('secret', 'c');
    const k2 = newDataKeys('k2');
    const rotated = new SecretBox(
      { ...(JSON.parse(k1.keys) as Record<string, string>), ...(JSON.parse(k2.keys) as Record<string, string>) },
      'k2',
    );
    expect(rotated.open(old, 'c')).toBe('secret');
    expect(rotated.seal('x', 'c')).toMatch(/^v1\.k2\./);
  });

  it('refuses a key of the wrong size', () => {
    expect(() => new SecretBox({ k: Buffer.alloc(16).toString('base64') }, 'k')).toThrow(/32 bytes/);
  });
});
