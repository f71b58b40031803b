/**
 * The benchmark's own correctness: both engines must end each seeded stream with the same book,
 * which also cross-checks our matching against an independent implementation.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runOurs, runPeer } from './runners';
import { generateStream, prefix, readStream, STREAM_KINDS, writeStream } from './streams';

describe.each(STREAM_KINDS)('%s stream', (kind) => {
  const stream = generateStream(kind, 20_000, 7);

  it('is reproducible from its seed and survives the file round trip', () => {
    const again = generateStream(kind, 20_000, 7);
    expect(Buffer.compare(writeStream(stream), writeStream(again))).toBe(0);
    const back = readStream(writeStream(stream));
    expect(back.n).toBe(stream.n);
    expect(Array.from(back.id.subarray(0, 50))).toEqual(Array.from(stream.id.subarray(0, 50)));
    const dir = mkdtempSync(join(tmpdir(), 'stream-'));
    try {
      writeFileSync(join(dir, 's.bin'), writeStream(stream));
      expect(Buffer.compare(writeStream(readStream(join(dir, 's.bin'))), writeStream(stream))).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('has the promised mix of commands', () => {
    const counts = [0, 0, 0];
    for (let i = 0; i < stream.n; i++) counts[stream.op[i]]++;
    const share = counts.map((c) => c / stream.n);
    if (kind === 'uniform') {
      expect(share[0]).toBeCloseTo(0.7, 1);
      expect(share[1]).toBeCloseTo(0.2, 1);
      expect(share[2]).toBeCloseTo(0.1, 1);
    } else {
      expect(share[0]).toBeGreaterThan(0.85);
      expect(share[1]).toBeCloseTo(0.1, 1);
      expect(share[2]).toBeCloseTo(0.02, 1);
    }
  });

  it('ends with the same book in our engine and in nodejs-order-book', () => {
    const ours = runOurs(stream);
    const peer = runPeer(stream);
    expect(ours.restingQty).toBe(peer.restingQty);
    expect(ours.bidLevels).toBe(peer.bidLevels);
    expect(ours.askLevels).toBe(peer.askLevels);
    expect(ours.restingOrders).toBeGreaterThan(0);
  });

  it('a prefix is a shorter stream of the same commands', () => {
    const p = prefix(stream, 100);
    expect(p.n).toBe(100);
    expect(p.peakLive).toBeLessThanOrEqual(100);
    expect(p.op[99]).toBe(stream.op[99]);
  });
});
