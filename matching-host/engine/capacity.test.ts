/**
 * Growth paths: the order store, the id index and the event buffer start small and double.
 * An engine that grew must behave exactly like one provisioned up front.
 */
import { MatchingEngine } from './matching-engine';
import { testSpec } from '../../test/fixtures/symbol-specs';
import type { Command } from './types';

const SPEC = testSpec('BTC-USD');

/** 3 000 resting orders over 300 ask levels and 300 bid levels, then a sweep through 2 000 asks. */
function stream(): Command[] {
  const cmds: Command[] = [];
  let seq = 0;
  let id = 0;
  for (let i = 0; i < 3000; i++) {
    const sell = i % 2 === 0;
    cmds.push({
      type: 'place',
      seq: ++seq,
      time: 1000 + seq,
      symbol: 'BTC-USD',
      orderId: ++id,
      account: 1 + (i % 7),
      side: sell ? 'sell' : 'buy',
      orderType: 'limit',
      price: sell ? 10_001 + (i % 300) : 9_999 - (i % 300),
      quantity: 1 + (i % 5),
    });
  }
  cmds.push({ type: 'cancel', seq: ++seq, time: 1000 + seq, orderId: 10, account: 1 + (9 % 7) });
  cmds.push({
    type: 'place',
    seq: ++seq,
    time: 1000 + seq,
    symbol: 'BTC-USD',
    orderId: ++id,
    account: 99,
    side: 'buy',
    orderType: 'market',
    quantity: 4000,
    timeInForce: 'IOC',
  });
  return cmds;
}

describe('capacity growth', () => {
  it('a small engine that grows matches a large one event for event and checksum for checksum', () => {
    const small = new MatchingEngine({ symbols: [SPEC], orderCapacity: 16 });
    const large = new MatchingEngine({ symbols: [SPEC], orderCapacity: 1 << 14 });
    let sweepEvents = 0;
    for (const cmd of stream()) {
      const a = small.apply(cmd);
      const b = large.apply(cmd);
      expect(a).toEqual(b);
      sweepEvents = a.length;
    }
    // the final sweep produced far more events than the buffer's initial room (256)
    expect(sweepEvents).toBeGreaterThan(1000);
    expect(small.checksum()).toBe(large.checksum());
    expect(small.l3('BTC-USD')).toEqual(large.l3('BTC-USD'));
    expect(MatchingEngine.restore(small.snapshot()).checksum()).toBe(large.checksum());
  });

  it('the sweep fills exactly the quantity that rested on the ask side', () => {
    const eng = new MatchingEngine({ symbols: [SPEC], orderCapacity: 16 });
    const cmds = stream();
    const sweep = cmds.pop() as Command;
    for (const cmd of cmds) eng.apply(cmd);
    const askQty = eng.l2('BTC-USD', 1000).asks.reduce((s, l) => s + l.quantity, 0);
    const events = eng.apply(sweep);
    const filled = events.filter((e) => e.type === 'trade').reduce((s, e) => s + e.quantity, 0);
    expect(filled).toBe(Math.min(askQty, 4000));
    expect(eng.l2('BTC-USD', 1000).asks.reduce((s, l) => s + l.quantity, 0)).toBe(askQty - filled);
  });
});
