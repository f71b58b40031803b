import fc from 'fast-check';
import { crc32 } from 'node:zlib';
import { decodeCommand, encodeCommand } from './command-codec';
import type { HostCommand } from '../core/types';
import { crc32Range, encodeRecord } from './journal';

const num = fc.oneof(fc.integer({ min: -1e15, max: 1e15 }), fc.double(), fc.constant(Number.NaN));
const str = fc.string({ unit: 'grapheme', maxLength: 40 });
const stamp = { seq: fc.integer({ min: 1, max: 2 ** 53 - 1 }), time: fc.integer({ min: 0, max: 2 ** 50 }) };
const commands: fc.Arbitrary<HostCommand> = fc.oneof(
  fc.record({
    type: fc.constant('place' as const),
    ...stamp,
    account: num,
    clientOrderId: str,
    symbol: str,
    side: fc.constantFrom('buy' as const, 'sell' as const),
    orderType: fc.constantFrom('limit' as const, 'market' as const),
    timeInForce: fc.constantFrom('GTC' as const, 'IOC' as const, 'FOK' as const, 'GTD' as const),
    price: num,
    quantity: num,
    postOnly: fc.boolean(),
    stp: fc.constantFrom('cancel_newest' as const, 'cancel_oldest' as const, 'cancel_both' as const),
    expireTime: num,
  }),
  fc.record({ type: fc.constant('cancel' as const), ...stamp, account: num, orderId: num }),
  fc.record({ type: fc.constant('replace' as const), ...stamp, account: num, orderId: num, price: num, quantity: num }),
  fc.record({ type: fc.constant('cancelAll' as const), ...stamp, account: num, symbol: str }),
  fc.record({ type: fc.constant('cancelAll' as const), ...stamp, account: num }),
  // with the caller's request id (records written before it existed have none)
  fc.record({ type: fc.constant('cancel' as const), ...stamp, account: num, orderId: num, requestId: str }),
  fc.record({ type: fc.constant('replace' as const), ...stamp, account: num, orderId: num, price: num, quantity: num, requestId: str }),
  fc.record({ type: fc.constant('cancelAll' as const), ...stamp, account: num, symbol: str, requestId: str }),
  fc.record({ type: fc.constant('cancelAll' as const), ...stamp, account: num, requestId: str }),
  fc.record({ type: fc.constant('cancelAllAfter' as const), ...stamp, account: num, deadline: num }),
  fc.record({
    type: fc.constantFrom('deposit' as const, 'withdraw' as const),
    ...stamp,
    account: num,
    asset: str,
    amount: str,
    transferId: str,
  }),
  fc.record({ type: fc.constantFrom('halt' as const, 'resume' as const), ...stamp, symbol: str }),
  fc.record({ type: fc.constant('tick' as const), ...stamp }),
);

describe('command codec', () => {
  it('round-trips every command type exactly', () => {
    fc.assert(
      fc.property(commands, (cmd) => expect(decodeCommand(encodeCommand(cmd))).toEqual(cmd)),
      { numRuns: 2000 },
    );
  });

  it('refuses truncated, extended and unknown records instead of guessing', () => {
    const bytes = encodeCommand({ type: 'cancel', seq: 1, time: 2, account: 3, orderId: 4 });
    expect(() => decodeCommand(bytes.subarray(0, bytes.length - 1))).toThrow(RangeError);
    expect(() => decodeCommand(Buffer.concat([bytes, Buffer.from([0])]))).toThrow(RangeError);
    const withId = encodeCommand({ type: 'cancel', seq: 1, time: 2, account: 3, orderId: 4, requestId: 'r-1' });
    expect(() => decodeCommand(withId.subarray(0, withId.length - 1))).toThrow(RangeError);
    expect(() => decodeCommand(Buffer.concat([withId, Buffer.from([0])]))).toThrow(RangeError);
    const bad = Buffer.from(bytes);
    bad[0] = 200;
    expect(() => decodeCommand(bad)).toThrow(/unknown command/);
  });

  it("checks records with a CRC-32 equal to zlib's", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(5), (bytes, cut) => {
        const b = Buffer.from(bytes);
        const start = Math.min(cut, b.length);
        expect(crc32Range(b, start, b.length)).toBe(crc32(b.subarray(start)));
      }),
    );
    const rec = encodeRecord({ type: 'tick', seq: 9, time: 10 });
    expect(rec.readUInt32LE(4)).toBe(crc32Range(rec, 8, rec.length));
  });
});
