import { alignedBuffer } from './aligned-buffer';

describe('alignedBuffer', () => {
  it('gives a zeroed buffer of at least the size asked, large or small', () => {
    for (const bytes of [64, 4096, 1 << 18, (1 << 20) + 64]) {
      const buf = alignedBuffer(bytes);
      expect(buf.byteLength).toBeGreaterThanOrEqual(bytes);
      const view = new Uint8Array(buf);
      expect(view.every((b) => b === 0)).toBe(true);
      view[bytes - 1] = 7;
      expect(new Uint8Array(buf)[bytes - 1]).toBe(7);
    }
  });

  it('rounds large buffers up to whole 64 KiB pages', () => {
    expect(alignedBuffer((1 << 18) + 1).byteLength).toBe((1 << 18) + 65536);
    expect(alignedBuffer(65536).byteLength).toBe(65536);
    expect(alignedBuffer(100).byteLength).toBe(100);
  });
});
