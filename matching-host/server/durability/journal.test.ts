import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HostCommand } from '../core/types';
import { encodeRecord, scanSegment } from './journal';

const dir = mkdtempSync(join(tmpdir(), 'journal-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function commands(n: number): HostCommand[] {
  const out: HostCommand[] = [];
  for (let i = 1; i <= n; i++) {
    if (i % 3 === 0) out.push({ type: 'cancel', seq: i, time: 1000 + i, account: i % 7, orderId: i * 11 });
    else
      out.push({
        type: 'place',
        seq: i,
        time: 1000 + i,
        account: i % 7,
        clientOrderId: `client-order-${'x'.repeat(i % 40)}-${i}`,
        symbol: 'BTC-USD',
        side: i % 2 ? 'buy' : 'sell',
        orderType: 'limit',
        timeInForce: 'GTC',
        price: 5_000_000 + i,
        quantity: 1 + i,
        postOnly: false,
        stp: 'cancel_newest',
        expireTime: 0,
      });
  }
  return out;
}

describe('scanSegment', () => {
  const cmds = commands(200);
  const records = cmds.map(encodeRecord);
  const bytes = Buffer.concat(records);
  const file = join(dir, 'seg.log');
  writeFileSync(file, bytes);

  it.each([8, 37, 100, 1000, 4096, 1 << 22])('reads every record whatever the block size (%i bytes)', (block) => {
    const seen: HostCommand[] = [];
    const r = scanSegment(file, (rec) => seen.push(rec), 0, block);
    expect(seen).toEqual(cmds);
    expect(r).toEqual({ records: 200, validBytes: bytes.length, tornBytes: 0 });
  });

  it('skips decoding what a snapshot covers but still counts and checks it', () => {
    const seen: number[] = [];
    const r = scanSegment(file, (rec) => seen.push(rec.seq), 150, 64);
    expect(seen).toEqual(cmds.slice(150).map((c) => c.seq));
    expect(r.records).toBe(200);
  });

  it('stops at a torn tail, wherever the cut falls in the last record, across block edges', () => {
    const lastStart = bytes.length - records[199].length;
    const cut = join(dir, 'cut.log');
    for (let end = lastStart; end < bytes.length; end++) {
      writeFileSync(cut, bytes.subarray(0, end));
      for (const block of [16, 53]) {
        let n = 0;
        const r = scanSegment(cut, () => n++, 0, block);
        expect([n, r.records, r.validBytes, r.tornBytes]).toEqual([199, 199, lastStart, end - lastStart]);
      }
    }
  });

  it('stops at a record whose checksum fails, and at a length no record can have', () => {
    const bad = join(dir, 'bad.log');
    const copy = Buffer.from(bytes);
    const at = records.slice(0, 120).reduce((a, r) => a + r.length, 0);
    copy[at + 12] ^= 0xff;
    writeFileSync(bad, copy);
    expect(scanSegment(bad, () => undefined, 0, 64)).toEqual({ records: 120, validBytes: at, tornBytes: bytes.length - at });
    copy[at + 12] ^= 0xff;
    copy.writeUInt32LE(0x7fffffff, at);
    writeFileSync(bad, copy);
    expect(scanSegment(bad, () => undefined, 0, 64).validBytes).toBe(at);
    truncateSync(bad, 0);
    expect(scanSegment(bad, () => undefined)).toEqual({ records: 0, validBytes: 0, tornBytes: 0 });
  });
});
