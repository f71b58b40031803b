/**
 * Edges of the engine's input domain: command times, deadlines, spec limits, and snapshots that
 * must be rejected or must not depend on history.
 */
import { BinaryWriter } from './binary-codec';
import { validateSpec } from './book';
import { MatchingEngine } from './matching-engine';
import { testSpec } from '../../test/fixtures/symbol-specs';
import type { Command, SymbolSpec } from './types';

const SYM = 'BTC-USD';

function engine(over: Partial<SymbolSpec> = {}): MatchingEngine {
  return new MatchingEngine({ symbols: [testSpec(SYM, over)] });
}

const buy = (seq: number, orderId: number, account: number, price: number, time = 1000 + seq): Command => ({
  type: 'place',
  seq,
  time,
  symbol: SYM,
  orderId,
  account,
  side: 'buy',
  orderType: 'limit',
  price,
  quantity: 5,
});

describe('command time', () => {
  it.each([NaN, Infinity, -1, 1000.5, 2 ** 53])('rejects time %p without consuming the sequence number', (time) => {
    const e = engine();
    const [ev] = e.apply({ type: 'tick', seq: 1, time });
    expect(ev).toMatchObject({ type: 'rejected', reason: 'INVALID_TIME', sequence: 0 });
    expect(e.lastSequence).toBe(0);
    expect(e.apply({ type: 'tick', seq: 1, time: 5 })).toEqual([]);
    expect(e.lastSequence).toBe(1);
  });

  it('rejects fractional GTD expiry times and dead-man deadlines', () => {
    const e = engine();
    const gtd = e.apply({ ...buy(1, 1, 1, 100), timeInForce: 'GTD', expireTime: 2000.5 } as Command);
    expect(gtd[0]).toMatchObject({ type: 'rejected', reason: 'INVALID_EXPIRE_TIME' });
    const dms = e.apply({ type: 'cancelAllAfter', seq: 2, time: 1002, account: 1, deadline: 3000.25 });
    expect(dms[0]).toMatchObject({ type: 'rejected', reason: 'INVALID_DEADLINE' });
  });

  it('the engine checksum covers the clock', () => {
    const a = engine();
    const b = engine();
    a.apply({ type: 'tick', seq: 1, time: 100 });
    b.apply({ type: 'tick', seq: 1, time: 200 });
    expect(a.checksum(SYM)).toBe(b.checksum(SYM));
    expect(a.checksum()).not.toBe(b.checksum());
  });
});

describe('symbol spec limits', () => {
  it('refuses a maxQty whose level totals could lose precision', () => {
    expect(validateSpec(testSpec(SYM, { maxQty: 2 ** 40 }))).toBeNull();
    expect(validateSpec(testSpec(SYM, { maxQty: 2 ** 41 }))).toMatch(/maxQty/);
    expect(() => engine({ maxQty: Number.MAX_SAFE_INTEGER })).toThrow(/maxQty/);
  });

  it('refuses a reference price off tick or outside the price range', () => {
    expect(validateSpec(testSpec(SYM, { referencePrice: 500 }))).toBeNull();
    expect(validateSpec(testSpec(SYM, { referencePrice: 2_000_000 }))).toMatch(/referencePrice/);
    expect(validateSpec(testSpec(SYM, { tickSize: 5, minPrice: 5, referencePrice: 502 }))).toMatch(/referencePrice/);
  });

  it('level totals return to exactly zero at the largest allowed quantity', () => {
    const e = engine({ maxQty: 2 ** 40 });
    for (let i = 1; i <= 3; i++) e.apply({ ...buy(i, i, i, 100), quantity: 2 ** 40 } as Command);
    expect(e.l2(SYM).bids[0]).toEqual({ price: 100, quantity: 3 * 2 ** 40, orders: 3 });
    for (let i = 1; i <= 3; i++) e.apply({ type: 'cancel', seq: 3 + i, time: 2000 + i, orderId: i, account: i });
    const events = e.apply(buy(7, 9, 9, 100));
    expect(events.at(-1)).toMatchObject({ type: 'book_delta', quantity: 5, leaves: 1 });
  });
});

describe('snapshots', () => {
  it('depend only on the state: armed switches are written by account, not by arrival', () => {
    const e = engine();
    e.apply({ type: 'cancelAllAfter', seq: 1, time: 1001, account: 7, deadline: 9000 });
    e.apply(buy(2, 1, 3, 100));
    e.apply({ type: 'cancelAllAfter', seq: 3, time: 1003, account: 3, deadline: 9000 });
    const s = e.snapshot();
    expect(Buffer.compare(Buffer.from(MatchingEngine.restore(s).snapshot()), Buffer.from(s))).toBe(0);
  });

  /** A snapshot of one book holding the given bids and asks (tick, id, account), written by hand. */
  function handMade(bids: [number, number, number][], asks: [number, number, number][]): Uint8Array {
    const w = new BinaryWriter();
    w.string('MEX-SNAP');
    w.uint(2);
    w.uint(10); // lastSeq
    w.f64(5000); // lastTime
    w.uint(bids.length + asks.length);
    w.uint(1);
    w.string(JSON.stringify(testSpec(SYM)));
    w.uint(0); // sequence
    w.uint(0); // lastPrice
    w.uint(0); // halted
    for (const side of [bids, asks]) {
      w.uint(side.length);
      let prev = 0;
      for (const [tick, id, account] of side) {
        w.int(tick - prev);
        prev = tick;
        w.uint(id);
        w.uint(account);
        w.uint(0); // GTC, not post-only, cancel_newest
        w.uint(5);
        w.uint(5);
        w.f64(4000);
        w.f64(0);
        w.uint(id);
      }
    }
    w.uint(0); // no dead-man switches
    return w.finish();
  }

  it('a well-formed hand-made snapshot restores', () => {
    const e = MatchingEngine.restore(handMade([[99, 1, 1]], [[101, 2, 2]]));
    expect(e.l1(SYM)).toEqual({ bid: { price: 100, quantity: 5, orders: 1 }, ask: { price: 102, quantity: 5, orders: 1 } });
  });

  it('refuses duplicate order ids, crossed books and accounts out of range', () => {
    expect(() =>
      MatchingEngine.restore(
        handMade(
          [
            [99, 7, 1],
            [99, 7, 2],
          ],
          [],
        ),
      ),
    ).toThrow(/invalid order/);
    expect(() => MatchingEngine.restore(handMade([[101, 1, 1]], [[100, 2, 2]]))).toThrow(/crossed/);
    expect(() => MatchingEngine.restore(handMade([[99, 1, 0]], []))).toThrow(/invalid order/);
    expect(() => MatchingEngine.restore(handMade([[99, 1, 2 ** 31]], []))).toThrow(/invalid order/);
  });
});

describe('timer clean-up', () => {
  it('canceled GTD orders and superseded deadlines do not pile up, and live timers still fire', () => {
    const e = engine();
    let seq = 0;
    const t = (): number => 1000 + seq;
    for (let i = 1; i <= 5000; i++) {
      e.apply({ ...buy(++seq, i, 1 + (i % 50), 100 + (i % 7)), timeInForce: 'GTD', expireTime: 10_000_000 } as Command);
      e.apply({ type: 'cancel', seq: ++seq, time: t(), orderId: i, account: 1 + (i % 50) });
      e.apply({ type: 'cancelAllAfter', seq: ++seq, time: t(), account: 1 + (i % 50), deadline: 9_000_000 + i });
    }
    const backlog = e.core.timerBacklog();
    expect(backlog.gtd).toBeLessThanOrEqual(2048);
    expect(backlog.deadman).toBeLessThanOrEqual(2048);
    // a live GTD order and the last armed switch of account 60 still fire on time
    e.apply({ ...buy(++seq, 9001, 60, 100), timeInForce: 'GTD', expireTime: 20_000 } as Command);
    e.apply({ ...buy(++seq, 9002, 61, 100) });
    e.apply({ type: 'cancelAllAfter', seq: ++seq, time: t(), account: 61, deadline: 30_000 });
    expect(e.apply({ type: 'tick', seq: ++seq, time: 20_000 }).map((x) => [x.type, x.orderId, x.reason])).toEqual([
      ['expired', 9001, 'GTD_EXPIRED'],
      ['book_delta', 0, 'NONE'],
    ]);
    expect(e.apply({ type: 'tick', seq: ++seq, time: 30_000 }).map((x) => [x.type, x.orderId, x.reason])).toEqual([
      ['canceled', 9002, 'DEAD_MAN_SWITCH'],
      ['book_delta', 0, 'NONE'],
    ]);
  });
});
