/**
 * Rule-by-rule unit tests of the matching engine through its public facade (MatchingEngine).
 * Every scenario spells out the exact event stream a command must produce.
 */
import { MatchingEngine } from './matching-engine';
import { testSpec } from '../../test/fixtures/symbol-specs';
import type { Command, EngineEvent, PlaceOrderCommand, ReasonName, SideName, SymbolSpec } from './types';

// ------------------------------------------------------------------ fixtures & helpers

const SYM = 'BTC-USD';
const SYM2 = 'ETH-USD';

const spec = testSpec;

type DistOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type Cmd = DistOmit<Command, 'seq' | 'time'>;
type PlaceExtra = Omit<Partial<PlaceOrderCommand>, 'type' | 'seq' | 'time'>;
type PlaceCmd = Omit<PlaceOrderCommand, 'seq' | 'time'>;

/**
 * Drives an engine with auto-incremented seq and time (+1 ms per command unless given) and
 * checks on every command that per-symbol sequence numbers advance by exactly 1 and events not
 * tied to a symbol carry sequence 0.
 */
class Harness {
  readonly eng: MatchingEngine;
  seq = 0;
  time = 1000;
  private readonly symSeq = new Map<string, number>();

  constructor(symbols: SymbolSpec[] = [spec(SYM)]) {
    this.eng = new MatchingEngine({ symbols });
  }

  run(cmd: Cmd, at?: number): EngineEvent[] {
    this.time = at ?? this.time + 1;
    const events = this.eng.apply({ ...cmd, seq: ++this.seq, time: this.time });
    for (const e of events) {
      if (e.symbol === '') {
        expect(e.sequence).toBe(0);
      } else {
        const prev = this.symSeq.get(e.symbol) ?? 0;
        expect(e.sequence).toBe(prev + 1);
        this.symSeq.set(e.symbol, e.sequence);
      }
    }
    return events;
  }

  /** run setup commands, failing loudly if any is rejected */
  setup(...cmds: Cmd[]): void {
    for (const c of cmds) {
      const evs = this.run(c);
      const bad = evs.find((e) => e.type === 'rejected');
      if (bad) throw new Error(`setup command rejected: ${JSON.stringify(c)} → ${bad.reason}`);
    }
  }

  /** resting order ids per side in priority order */
  queue(symbol = SYM): { bids: number[]; asks: number[] } {
    const l3 = this.eng.l3(symbol);
    return { bids: l3.bids.map((o) => o.orderId), asks: l3.asks.map((o) => o.orderId) };
  }
}

function limit(side: SideName, orderId: number, account: number, price: number, quantity: number, extra: PlaceExtra = {}): PlaceCmd {
  return { type: 'place', symbol: SYM, orderId, account, side, orderType: 'limit', price, quantity, ...extra };
}
const buy = (orderId: number, account: number, price: number, quantity: number, extra: PlaceExtra = {}): PlaceCmd =>
  limit('buy', orderId, account, price, quantity, extra);
const sell = (orderId: number, account: number, price: number, quantity: number, extra: PlaceExtra = {}): PlaceCmd =>
  limit('sell', orderId, account, price, quantity, extra);
function market(side: SideName, orderId: number, account: number, quantity: number, extra: PlaceExtra = {}): PlaceCmd {
  return { type: 'place', symbol: SYM, orderId, account, side, orderType: 'market', quantity, ...extra };
}
const cancel = (orderId: number, account: number): Cmd => ({ type: 'cancel', orderId, account });
const replace = (orderId: number, account: number, price: number, quantity: number): Cmd => ({
  type: 'replace',
  orderId,
  account,
  price,
  quantity,
});
const tick: Cmd = { type: 'tick' };

// Partial event matchers (used with toMatchObject, so array length is exact and listed fields too).
const accepted = (orderId: number, quantity: number, price: number, side?: SideName) => ({
  type: 'accepted',
  orderId,
  price,
  quantity,
  leaves: quantity,
  reason: 'NONE',
  ...(side ? { side } : {}),
});
const trade = (orderId: number, makerOrderId: number, price: number, quantity: number, leaves: number, makerLeaves: number) => ({
  type: 'trade',
  orderId,
  makerOrderId,
  price,
  quantity,
  leaves,
  makerLeaves,
  reason: 'NONE',
});
const delta = (side: SideName, price: number, quantity: number, orders: number) => ({
  type: 'book_delta',
  orderId: 0,
  side,
  price,
  quantity,
  leaves: orders,
});
const canceled = (orderId: number, quantity: number, reason: ReasonName, price?: number) => ({
  type: 'canceled',
  orderId,
  quantity,
  leaves: 0,
  reason,
  ...(price !== undefined ? { price } : {}),
});
const expired = (orderId: number, quantity: number, price: number) => ({
  type: 'expired',
  orderId,
  quantity,
  price,
  leaves: 0,
  reason: 'GTD_EXPIRED',
});
const rejected = (orderId: number, reason: ReasonName) => ({ type: 'rejected', orderId, reason });
const replaced = (orderId: number, price: number, quantity: number, leaves: number, reason: ReasonName) => ({
  type: 'replaced',
  orderId,
  price,
  quantity,
  leaves,
  reason,
});

const reasons = (evs: EngineEvent[]): string[] => evs.map((e) => `${e.type}:${e.reason}`);

// ------------------------------------------------------------------ construction & event shape

describe('construction', () => {
  it('rejects invalid or duplicate symbol specs', () => {
    expect(() => new MatchingEngine({ symbols: [spec(SYM, { tickSize: 0 })] })).toThrow();
    expect(() => new MatchingEngine({ symbols: [spec(SYM, { minPrice: 3, tickSize: 2 })] })).toThrow();
    expect(() => new MatchingEngine({ symbols: [spec(SYM, { minQty: 0 })] })).toThrow();
    expect(() => new MatchingEngine({ symbols: [spec(SYM, { bandBps: 10001 })] })).toThrow();
    expect(() => new MatchingEngine({ symbols: [spec(SYM), spec(SYM)] })).toThrow();
  });

  it('exposes its symbols and unknown-symbol queries throw', () => {
    const h = new Harness([spec(SYM), spec(SYM2)]);
    expect(h.eng.symbols.map((s) => s.symbol)).toEqual([SYM, SYM2]);
    expect(() => h.eng.l1('NOPE')).toThrow(RangeError);
    expect(() => h.eng.l2('NOPE')).toThrow(RangeError);
    expect(() => h.eng.l3('NOPE')).toThrow(RangeError);
    expect(() => h.eng.checksum('NOPE')).toThrow(RangeError);
  });
});

describe('event shape', () => {
  it('decodes every field of accepted, trade and book_delta events', () => {
    const h = new Harness();
    expect(h.run(sell(1, 7, 100, 5))).toEqual([
      {
        type: 'accepted',
        symbol: SYM,
        sequence: 1,
        time: 1001,
        orderId: 1,
        account: 7,
        side: 'sell',
        price: 100,
        quantity: 5,
        leaves: 5,
        makerOrderId: 0,
        makerAccount: 0,
        makerLeaves: 0,
        reason: 'NONE',
      },
      {
        type: 'book_delta',
        symbol: SYM,
        sequence: 2,
        time: 1001,
        orderId: 0,
        account: 0,
        side: 'sell',
        price: 100,
        quantity: 5,
        leaves: 1,
        makerOrderId: 0,
        makerAccount: 0,
        makerLeaves: 0,
        reason: 'NONE',
      },
    ]);
    expect(h.run(buy(2, 8, 100, 3))).toEqual([
      {
        type: 'accepted',
        symbol: SYM,
        sequence: 3,
        time: 1002,
        orderId: 2,
        account: 8,
        side: 'buy',
        price: 100,
        quantity: 3,
        leaves: 3,
        makerOrderId: 0,
        makerAccount: 0,
        makerLeaves: 0,
        reason: 'NONE',
      },
      {
        type: 'trade',
        symbol: SYM,
        sequence: 4,
        time: 1002,
        orderId: 2,
        account: 8,
        side: 'buy',
        price: 100,
        quantity: 3,
        leaves: 0,
        makerOrderId: 1,
        makerAccount: 7,
        makerLeaves: 2,
        reason: 'NONE',
      },
      {
        type: 'book_delta',
        symbol: SYM,
        sequence: 5,
        time: 1002,
        orderId: 0,
        account: 0,
        side: 'sell',
        price: 100,
        quantity: 2,
        leaves: 1,
        makerOrderId: 0,
        makerAccount: 0,
        makerLeaves: 0,
        reason: 'NONE',
      },
    ]);
    expect(h.eng.l2(SYM).sequence).toBe(5);
  });

  it('decodes canceled and rejected events', () => {
    const h = new Harness();
    h.setup(buy(1, 7, 99, 4));
    expect(h.run(cancel(1, 7))).toEqual([
      {
        type: 'canceled',
        symbol: SYM,
        sequence: 3,
        time: 1002,
        orderId: 1,
        account: 7,
        side: 'buy',
        price: 99,
        quantity: 4,
        leaves: 0,
        makerOrderId: 0,
        makerAccount: 0,
        makerLeaves: 0,
        reason: 'USER_CANCELED',
      },
      {
        type: 'book_delta',
        symbol: SYM,
        sequence: 4,
        time: 1002,
        orderId: 0,
        account: 0,
        side: 'buy',
        price: 99,
        quantity: 0,
        leaves: 0,
        makerOrderId: 0,
        makerAccount: 0,
        makerLeaves: 0,
        reason: 'NONE',
      },
    ]);
    expect(h.run(sell(2, 7, 101, 0))).toEqual([
      {
        type: 'rejected',
        symbol: SYM,
        sequence: 5,
        time: 1003,
        orderId: 2,
        account: 7,
        side: 'sell',
        price: 101,
        quantity: 0,
        leaves: 0,
        makerOrderId: 0,
        makerAccount: 0,
        makerLeaves: 0,
        reason: 'INVALID_QUANTITY',
      },
    ]);
  });
});

// ------------------------------------------------------------------ validation

describe('place validation', () => {
  // tick 5, lot 10, prices 100..10000, qty 20..10000, band ±10% around 1000 ⇒ 900..1100
  const VSPEC = spec(SYM, {
    tickSize: 5,
    lotSize: 10,
    minPrice: 100,
    maxPrice: 10000,
    minQty: 20,
    maxQty: 10000,
    bandBps: 1000,
    referencePrice: 1000,
  });
  let h: Harness;
  beforeEach(() => {
    h = new Harness([VSPEC, spec(SYM2)]);
  });

  const cases: [string, Cmd, ReasonName][] = [
    ['price off tick', buy(1, 1, 1002, 20), 'PRICE_OFF_TICK'],
    ['quantity off lot', buy(1, 1, 1000, 25), 'QUANTITY_OFF_LOT'],
    ['quantity below min', buy(1, 1, 1000, 10), 'QUANTITY_BELOW_MIN'],
    ['quantity above max', buy(1, 1, 1000, 10010), 'QUANTITY_ABOVE_MAX'],
    ['price below range', buy(1, 1, 95, 20), 'PRICE_OUT_OF_RANGE'],
    ['price above range', sell(1, 1, 10005, 20), 'PRICE_OUT_OF_RANGE'],
    ['price above band', sell(1, 1, 1105, 20), 'PRICE_OUT_OF_BAND'],
    ['price below band', buy(1, 1, 895, 20), 'PRICE_OUT_OF_BAND'],
    ['zero price', buy(1, 1, 0, 20), 'INVALID_PRICE'],
    ['negative price', buy(1, 1, -1000, 20), 'INVALID_PRICE'],
    ['fractional price', buy(1, 1, 1000.5, 20), 'INVALID_PRICE'],
    ['zero quantity', buy(1, 1, 1000, 0), 'INVALID_QUANTITY'],
    ['negative quantity', buy(1, 1, 1000, -20), 'INVALID_QUANTITY'],
    ['fractional quantity', buy(1, 1, 1000, 20.5), 'INVALID_QUANTITY'],
    ['order id 0', buy(0, 1, 1000, 20), 'INVALID_ORDER_ID'],
    ['negative order id', buy(-3, 1, 1000, 20), 'INVALID_ORDER_ID'],
    ['fractional order id', buy(2.5, 1, 1000, 20), 'INVALID_ORDER_ID'],
    ['unsafe order id', buy(2 ** 53, 1, 1000, 20), 'INVALID_ORDER_ID'],
    ['account 0', buy(1, 0, 1000, 20), 'INVALID_ACCOUNT'],
    ['negative account', buy(1, -1, 1000, 20), 'INVALID_ACCOUNT'],
    ['account 2^31', buy(1, 2 ** 31, 1000, 20), 'INVALID_ACCOUNT'],
    ['fractional account', buy(1, 1.5, 1000, 20), 'INVALID_ACCOUNT'],
    ['market GTC', market('buy', 1, 1, 20, { timeInForce: 'GTC' }), 'INVALID_TIME_IN_FORCE'],
    ['market GTD', market('buy', 1, 1, 20, { timeInForce: 'GTD', expireTime: 5000 }), 'INVALID_TIME_IN_FORCE'],
    ['postOnly IOC', buy(1, 1, 1000, 20, { postOnly: true, timeInForce: 'IOC' }), 'INVALID_TIME_IN_FORCE'],
    ['postOnly FOK', buy(1, 1, 1000, 20, { postOnly: true, timeInForce: 'FOK' }), 'INVALID_TIME_IN_FORCE'],
    ['unknown time in force', buy(1, 1, 1000, 20, { timeInForce: 'DAY' as never }), 'INVALID_TIME_IN_FORCE'],
    ['GTD without expireTime', buy(1, 1, 1000, 20, { timeInForce: 'GTD' }), 'INVALID_EXPIRE_TIME'],
    ['GTD expiring now', buy(1, 1, 1000, 20, { timeInForce: 'GTD', expireTime: 1001 }), 'INVALID_EXPIRE_TIME'],
    ['GTD expired in the past', buy(1, 1, 1000, 20, { timeInForce: 'GTD', expireTime: 500 }), 'INVALID_EXPIRE_TIME'],
    ['unknown side', limit('up' as SideName, 1, 1, 1000, 20), 'INVALID_ORDER'],
    ['unknown order type', { ...buy(1, 1, 1000, 20), orderType: 'stop' } as unknown as Cmd, 'INVALID_ORDER'],
    ['unknown stp mode', buy(1, 1, 1000, 20, { stp: 'cancel_all' as never }), 'INVALID_ORDER'],
  ];

  it.each(cases.map(([name, cmd, reason]) => [`${name} ⇒ ${reason}`, cmd, reason] as const))('%s', (_name, cmd, reason) => {
    const before = h.eng.checksum(SYM2);
    const evs = h.run(cmd);
    expect(evs).toMatchObject([{ type: 'rejected', symbol: SYM, sequence: 1, reason }]);
    expect(evs[0]).toMatchObject({
      orderId: (cmd as PlaceOrderCommand).orderId,
      account: (cmd as PlaceOrderCommand).account,
      quantity: (cmd as PlaceOrderCommand).quantity,
    });
    expect(h.eng.l3(SYM)).toMatchObject({ bids: [], asks: [] });
    expect(h.eng.getOrder(1)).toBeNull();
    expect(h.eng.checksum(SYM2)).toBe(before);
  });

  it('accepts the boundaries of every constraint', () => {
    h.setup(
      buy(1, 1, 900, 20), // band low edge, min qty
      sell(2, 1, 1100, 10000), // band high edge, max qty
      buy(3, 2 ** 31 - 1, 905, 30, { timeInForce: 'GTD', expireTime: 1004 }), // max account; GTD 1 ms after now (1003)
    );
    expect(h.queue()).toEqual({ bids: [3, 1], asks: [2] });
    h.setup(buy(Number.MAX_SAFE_INTEGER, 1, 910, 20)); // largest safe order id (at 1004, expiring order 3 first)
    expect(h.queue()).toEqual({ bids: [Number.MAX_SAFE_INTEGER, 1], asks: [2] });
  });

  it('ignores the price of a market order (no price validation)', () => {
    h.setup(sell(1, 1, 1000, 20));
    expect(h.run(market('buy', 2, 2, 20, { price: 7 }))).toMatchObject([
      accepted(2, 20, 0),
      trade(2, 1, 1000, 20, 0, 0),
      delta('sell', 1000, 0, 0),
    ]);
  });

  it('rejects a post-only market order', () => {
    const evs = h.run(market('buy', 1, 1, 20, { postOnly: true }));
    expect(evs).toHaveLength(1);
    expect(evs[0].type).toBe('rejected');
    expect(['INVALID_TIME_IN_FORCE', 'POST_ONLY_WOULD_TAKE']).toContain(evs[0].reason);
  });

  it('rejects an unknown symbol with an event not tied to any symbol', () => {
    expect(h.run({ ...buy(1, 1, 1000, 20), symbol: 'NOPE' })).toEqual([
      {
        type: 'rejected',
        symbol: '',
        sequence: 0,
        time: 1001,
        orderId: 1,
        account: 1,
        side: 'buy',
        price: 1000,
        quantity: 20,
        leaves: 0,
        makerOrderId: 0,
        makerAccount: 0,
        makerLeaves: 0,
        reason: 'UNKNOWN_SYMBOL',
      },
    ]);
  });

  it('rejects an order id that is still resting, on any symbol, and allows reuse once it is gone', () => {
    h.setup(buy(1, 1, 1000, 20));
    expect(h.run(sell(1, 2, 1050, 20))).toMatchObject([rejected(1, 'DUPLICATE_ORDER_ID')]);
    expect(h.run({ ...buy(1, 2, 50, 1), symbol: SYM2 })).toMatchObject([{ type: 'rejected', symbol: SYM2, reason: 'DUPLICATE_ORDER_ID' }]);
    expect(h.run(cancel(1, 1))).toMatchObject([canceled(1, 20, 'USER_CANCELED'), delta('buy', 1000, 0, 0)]);
    expect(h.run(sell(1, 2, 1050, 20))).toMatchObject([accepted(1, 20, 1050), delta('sell', 1050, 20, 1)]);
    // fully filled ⇒ id free again
    h.setup(buy(2, 3, 1050, 20));
    expect(h.eng.getOrder(1)).toBeNull();
    expect(h.run(buy(1, 3, 1000, 20))).toMatchObject([accepted(1, 20, 1000), delta('buy', 1000, 20, 1)]);
    // an IOC order never rests, so its id is immediately reusable
    expect(h.run(sell(5, 4, 1100, 20, { timeInForce: 'IOC' }))).toMatchObject([accepted(5, 20, 1100), canceled(5, 20, 'IOC_REMAINDER')]);
    expect(h.run(sell(5, 4, 1100, 20))).toMatchObject([accepted(5, 20, 1100), delta('sell', 1100, 20, 1)]);
  });

  it('catches a duplicate of an older id after higher ids have rested (ids need not arrive in order)', () => {
    h.setup(buy(9, 1, 900, 20), buy(3, 1, 910, 20), buy(7, 2, 920, 20));
    expect(h.run(buy(3, 2, 930, 20))).toMatchObject([rejected(3, 'DUPLICATE_ORDER_ID')]);
    expect(h.run(sell(7, 3, 1100, 20))).toMatchObject([rejected(7, 'DUPLICATE_ORDER_ID')]);
    expect(h.run(sell(10, 3, 1100, 20))).toMatchObject([accepted(10, 20, 1100), delta('sell', 1100, 20, 1)]);
  });
});

describe('command sequencing', () => {
  it('rejects a seq that does not strictly increase and changes nothing', () => {
    const h = new Harness();
    h.setup(sell(1, 1, 100, 5, { timeInForce: 'GTD', expireTime: 2000 }));
    const sum = h.eng.checksum();
    for (const seq of [1, 0, -5, 1.5, Number.NaN]) {
      expect(h.eng.apply({ ...buy(2, 2, 100, 5), seq, time: 5000 })).toEqual([
        {
          type: 'rejected',
          symbol: '',
          sequence: 0,
          time: 1001,
          orderId: 0,
          account: 0,
          side: 'buy',
          price: 0,
          quantity: 0,
          leaves: 0,
          makerOrderId: 0,
          makerAccount: 0,
          makerLeaves: 0,
          reason: 'SEQUENCE_OUT_OF_ORDER',
        },
      ]);
    }
    // a rejected command neither advances time nor fires due timers
    expect(h.eng.apply({ type: 'tick', seq: 1, time: 9000 })).toMatchObject([{ reason: 'SEQUENCE_OUT_OF_ORDER' }]);
    expect(h.eng.checksum()).toBe(sum);
    expect(h.eng.lastSequence).toBe(1);
    expect(h.eng.getOrder(1)).not.toBeNull();
    // gaps are fine
    expect(h.eng.apply({ type: 'tick', seq: 10, time: 1500 })).toEqual([]);
    expect(h.eng.lastSequence).toBe(10);
    expect(h.eng.apply({ type: 'tick', seq: 10, time: 1600 })).toMatchObject([{ reason: 'SEQUENCE_OUT_OF_ORDER' }]);
  });

  it('never lets time run backwards', () => {
    const h = new Harness();
    h.setup(sell(1, 1, 100, 5));
    expect(h.run(buy(2, 2, 90, 5), 900)).toMatchObject([
      { type: 'accepted', time: 1001 },
      { type: 'book_delta', time: 1001 },
    ]);
    expect(h.eng.getOrder(2)?.time).toBe(1001);
    // a GTD expiring "after" the stale stamp but not after the engine clock is rejected
    expect(h.run(buy(3, 2, 90, 5, { timeInForce: 'GTD', expireTime: 1000 }), 950)).toMatchObject([rejected(3, 'INVALID_EXPIRE_TIME')]);
  });
});

// ------------------------------------------------------------------ matching

describe('limit matching', () => {
  it('rests a non-crossing order', () => {
    const h = new Harness();
    expect(h.run(sell(1, 1, 100, 5))).toMatchObject([accepted(1, 5, 100, 'sell'), delta('sell', 100, 5, 1)]);
    expect(h.run(buy(2, 2, 99, 3))).toMatchObject([accepted(2, 3, 99, 'buy'), delta('buy', 99, 3, 1)]);
    expect(h.run(buy(3, 3, 99, 4))).toMatchObject([accepted(3, 4, 99, 'buy'), delta('buy', 99, 7, 2)]);
    expect(h.eng.l1(SYM)).toEqual({ bid: { price: 99, quantity: 7, orders: 2 }, ask: { price: 100, quantity: 5, orders: 1 } });
  });

  it('fills by price then time priority, at the maker price', () => {
    const h = new Harness();
    h.setup(sell(1, 1, 101, 5), sell(2, 2, 100, 5), sell(3, 3, 100, 5), sell(4, 1, 102, 5));
    expect(h.run(buy(10, 9, 101, 12))).toMatchObject([
      accepted(10, 12, 101),
      trade(10, 2, 100, 5, 7, 0),
      trade(10, 3, 100, 5, 2, 0),
      delta('sell', 100, 0, 0),
      trade(10, 1, 101, 2, 0, 3),
      delta('sell', 101, 3, 1),
    ]);
    const t = h.run(buy(11, 9, 200, 1));
    expect(t).toMatchObject([accepted(11, 1, 200), trade(11, 1, 101, 1, 0, 2), delta('sell', 101, 2, 1)]);
    expect(t[1]).toMatchObject({ account: 9, side: 'buy', makerAccount: 1 });
    expect(h.eng.l2(SYM).asks).toEqual([
      { price: 101, quantity: 2, orders: 1 },
      { price: 102, quantity: 5, orders: 1 },
    ]);
  });

  it('partially fills, then rests the remainder with its fill recorded', () => {
    const h = new Harness();
    h.setup(sell(1, 1, 100, 5));
    expect(h.run(buy(2, 2, 101, 8))).toMatchObject([
      accepted(2, 8, 101),
      trade(2, 1, 100, 5, 3, 0),
      delta('sell', 100, 0, 0),
      delta('buy', 101, 3, 1),
    ]);
    expect(h.eng.getOrder(2)).toEqual({
      orderId: 2,
      account: 2,
      symbol: SYM,
      side: 'buy',
      price: 101,
      quantity: 8,
      filled: 5,
      leaves: 3,
      timeInForce: 'GTC',
      postOnly: false,
      stp: 'cancel_newest',
      time: 1002,
      expireTime: 0,
    });
    expect(h.eng.getOrder(1)).toBeNull();
    expect(h.eng.l1(SYM)).toEqual({ bid: { price: 101, quantity: 3, orders: 1 }, ask: null });
  });

  it('a sell taker walks bids from the highest price down', () => {
    const h = new Harness();
    h.setup(buy(1, 1, 99, 3), buy(2, 2, 100, 3), buy(3, 2, 98, 3));
    expect(h.run(sell(4, 3, 99, 10, { timeInForce: 'IOC' }))).toMatchObject([
      accepted(4, 10, 99, 'sell'),
      trade(4, 2, 100, 3, 7, 0),
      delta('buy', 100, 0, 0),
      trade(4, 1, 99, 3, 4, 0),
      delta('buy', 99, 0, 0),
      canceled(4, 4, 'IOC_REMAINDER', 99),
    ]);
    expect(h.queue()).toEqual({ bids: [3], asks: [] });
  });

  it('a maker partially filled keeps its place at the head of the queue', () => {
    const h = new Harness();
    h.setup(sell(1, 1, 100, 10), sell(2, 2, 100, 10));
    h.setup(buy(3, 3, 100, 4));
    expect(h.eng.getOrder(1)).toMatchObject({ filled: 4, leaves: 6, quantity: 10 });
    expect(h.run(buy(4, 3, 100, 8))).toMatchObject([
      accepted(4, 8, 100),
      trade(4, 1, 100, 6, 2, 0),
      trade(4, 2, 100, 2, 0, 8),
      delta('sell', 100, 8, 1),
    ]);
  });
});

describe('IOC and FOK', () => {
  it('IOC fills what it can and cancels the rest', () => {
    const h = new Harness();
    h.setup(sell(1, 1, 100, 4));
    expect(h.run(buy(2, 2, 100, 10, { timeInForce: 'IOC' }))).toMatchObject([
      accepted(2, 10, 100),
      trade(2, 1, 100, 4, 6, 0),
      delta('sell', 100, 0, 0),
      canceled(2, 6, 'IOC_REMAINDER'),
    ]);
    expect(h.run(buy(3, 2, 100, 10, { timeInForce: 'IOC' }))).toMatchObject([accepted(3, 10, 100), canceled(3, 10, 'IOC_REMAINDER')]);
    expect(h.eng.l1(SYM)).toEqual({ bid: null, ask: null });
  });

  it('IOC fully filled produces no cancel', () => {
    const h = new Harness();
    h.setup(sell(1, 1, 100, 10));
    expect(h.run(buy(2, 2, 100, 10, { timeInForce: 'IOC' }))).toMatchObject([
      accepted(2, 10, 100),
      trade(2, 1, 100, 10, 0, 0),
      delta('sell', 100, 0, 0),
    ]);
  });

  it('FOK fills completely across levels when it can', () => {
    const h = new Harness();
    h.setup(sell(1, 1, 100, 5), sell(2, 1, 101, 5));
    expect(h.run(buy(3, 2, 101, 8, { timeInForce: 'FOK' }))).toMatchObject([
      accepted(3, 8, 101),
      trade(3, 1, 100, 5, 3, 0),
      delta('sell', 100, 0, 0),
      trade(3, 2, 101, 3, 0, 2),
      delta('sell', 101, 2, 1),
    ]);
  });

  it('FOK that cannot fill is accepted then canceled whole, without trades or book changes', () => {
    const h = new Harness();
    h.setup(sell(1, 1, 100, 5), sell(2, 1, 101, 5));
    const sum = h.eng.checksum();
    const l3 = h.eng.l3(SYM);
    // not enough quantity in total
    expect(h.run(buy(3, 2, 101, 11, { timeInForce: 'FOK' }))).toMatchObject([accepted(3, 11, 101), canceled(3, 11, 'FOK_UNFILLABLE', 101)]);
    // enough in total, but not within the limit
    expect(h.run(buy(4, 2, 100, 8, { timeInForce: 'FOK' }))).toMatchObject([accepted(4, 8, 100), canceled(4, 8, 'FOK_UNFILLABLE')]);
    expect(h.eng.l3(SYM).asks).toEqual(l3.asks);
    expect(h.eng.checksum()).not.toBe(sum); // sequence moved on
    // exactly enough
    expect(reasons(h.run(buy(5, 2, 101, 10, { timeInForce: 'FOK' })))).toEqual([
      'accepted:NONE',
      'trade:NONE',
      'book_delta:NONE',
      'trade:NONE',
      'book_delta:NONE',
    ]);
  });

  it('FOK sell walks bids', () => {
    const h = new Harness();
    h.setup(buy(1, 1, 100, 5), buy(2, 1, 99, 5));
    expect(h.run(sell(3, 2, 99, 11, { timeInForce: 'FOK' }))).toMatchObject([accepted(3, 11, 99), canceled(3, 11, 'FOK_UNFILLABLE')]);
    expect(h.run(sell(4, 2, 99, 10, { timeInForce: 'FOK' }))).toMatchObject([
      accepted(4, 10, 99),
      trade(4, 1, 100, 5, 5, 0),
      delta('buy', 100, 0, 0),
      trade(4, 2, 99, 5, 0, 0),
      delta('buy', 99, 0, 0),
    ]);
  });

  it('FOK pre-check stops at a self order unless the taker cancels the oldest', () => {
    const setup = (h: Harness): void => h.setup(sell(1, 2, 100, 5), sell(2, 1, 100, 5), sell(3, 3, 101, 5));
    let h = new Harness();
    setup(h);
    expect(h.run(buy(10, 1, 101, 10, { timeInForce: 'FOK' }))).toMatchObject([accepted(10, 10, 101), canceled(10, 10, 'FOK_UNFILLABLE')]);
    expect(h.queue().asks).toEqual([1, 2, 3]);
    h = new Harness();
    setup(h);
    expect(h.run(buy(10, 1, 101, 10, { timeInForce: 'FOK', stp: 'cancel_both' }))).toMatchObject([
      accepted(10, 10, 101),
      canceled(10, 10, 'FOK_UNFILLABLE'),
    ]);
    expect(h.queue().asks).toEqual([1, 2, 3]);
    h = new Harness();
    setup(h);
    expect(h.run(buy(10, 1, 101, 10, { timeInForce: 'FOK', stp: 'cancel_oldest' }))).toMatchObject([
      accepted(10, 10, 101),
      trade(10, 1, 100, 5, 5, 0),
      { type: 'canceled', orderId: 2, account: 1, side: 'sell', price: 100, quantity: 5, leaves: 0, reason: 'SELF_TRADE' },
      delta('sell', 100, 0, 0),
      trade(10, 3, 101, 5, 0, 0),
      delta('sell', 101, 0, 0),
    ]);
    // a self order beyond the quantity needed does not matter
    h = new Harness();
    setup(h);
    expect(h.run(buy(10, 1, 101, 5, { timeInForce: 'FOK' }))).toMatchObject([
      accepted(10, 5, 101),
      trade(10, 1, 100, 5, 0, 0),
      delta('sell', 100, 5, 1),
    ]);
  });
});

describe('market orders', () => {
  it('sweep the book without a band, canceling what finds no liquidity', () => {
    const h = new Harness();
    h.setup(sell(1, 1, 100, 5), sell(2, 2, 200, 3));
    expect(h.run(market('buy', 3, 3, 10))).toMatchObject([
      accepted(3, 10, 0, 'buy'),
      trade(3, 1, 100, 5, 5, 0),
      delta('sell', 100, 0, 0),
      trade(3, 2, 200, 3, 2, 0),
      delta('sell', 200, 0, 0),
      canceled(3, 2, 'MARKET_NO_LIQUIDITY', 0),
    ]);
  });

  it('on an empty book are canceled for lack of liquidity', () => {
    const h = new Harness();
    expect(h.run(market('sell', 1, 1, 10))).toMatchObject([accepted(1, 10, 0, 'sell'), canceled(1, 10, 'MARKET_NO_LIQUIDITY')]);
    h.setup(sell(2, 1, 100, 5));
    // buy-side liquidity does not help a sell
    expect(h.run(market('sell', 3, 2, 10))).toMatchObject([accepted(3, 10, 0), canceled(3, 10, 'MARKET_NO_LIQUIDITY')]);
  });

  it('default to IOC and allow FOK', () => {
    const h = new Harness();
    h.setup(sell(1, 1, 100, 5), sell(2, 1, 101, 5));
    expect(h.run(market('buy', 3, 2, 11, { timeInForce: 'FOK' }))).toMatchObject([
      accepted(3, 11, 0),
      canceled(3, 11, 'FOK_UNFILLABLE', 0),
    ]);
    expect(h.run(market('buy', 4, 2, 10, { timeInForce: 'FOK' }))).toMatchObject([
      accepted(4, 10, 0),
      trade(4, 1, 100, 5, 5, 0),
      delta('sell', 100, 0, 0),
      trade(4, 2, 101, 5, 0, 0),
      delta('sell', 101, 0, 0),
    ]);
    h.setup(sell(5, 1, 100, 5));
    expect(h.run(market('buy', 6, 2, 3, { timeInForce: 'IOC' }))).toMatchObject([
      accepted(6, 3, 0),
      trade(6, 5, 100, 3, 0, 2),
      delta('sell', 100, 2, 1),
    ]);
  });

  it('never sweep past the band around the best opposite price when there is no reference', () => {
    // 5% band, no reference price: limit prices are unbanded until the first trade
    const h = new Harness([spec(SYM, { bandBps: 500 })]);
    h.setup(sell(1, 1, 1000, 5), sell(2, 1, 1040, 5), sell(3, 1, 1060, 5));
    // ref = best ask 1000 ⇒ edge 1050
    expect(h.run(market('buy', 10, 9, 20))).toMatchObject([
      accepted(10, 20, 0),
      trade(10, 1, 1000, 5, 15, 0),
      delta('sell', 1000, 0, 0),
      trade(10, 2, 1040, 5, 10, 0),
      delta('sell', 1040, 0, 0),
      canceled(10, 10, 'MARKET_PROTECTION', 0),
    ]);
    // ref = last trade 1040, band 52 ⇒ edge 1092
    expect(h.run(market('buy', 11, 9, 20))).toMatchObject([
      accepted(11, 20, 0),
      trade(11, 3, 1060, 5, 15, 0),
      delta('sell', 1060, 0, 0),
      canceled(11, 15, 'MARKET_NO_LIQUIDITY'),
    ]);
  });

  it('sell side: never sweep below the band', () => {
    const h = new Harness([spec(SYM, { bandBps: 500 })]);
    h.setup(buy(1, 1, 1000, 5), buy(2, 1, 960, 5), buy(3, 1, 940, 5));
    // ref = best bid 1000 ⇒ edge 950
    expect(h.run(market('sell', 10, 9, 20))).toMatchObject([
      accepted(10, 20, 0, 'sell'),
      trade(10, 1, 1000, 5, 15, 0),
      delta('buy', 1000, 0, 0),
      trade(10, 2, 960, 5, 10, 0),
      delta('buy', 960, 0, 0),
      canceled(10, 10, 'MARKET_PROTECTION'),
    ]);
    expect(h.queue().bids).toEqual([3]);
  });

  it('use the last trade price as the band reference, not the best price at arrival', () => {
    const h = new Harness([spec(SYM, { bandBps: 500 })]);
    h.setup(sell(1, 1, 1100, 5), buy(2, 2, 1000, 5), sell(3, 3, 1000, 5)); // trade at 1000
    expect(h.eng.l1(SYM)).toEqual({ bid: null, ask: { price: 1100, quantity: 5, orders: 1 } });
    // ref 1000 ⇒ edge 1050 < 1100: nothing trades although liquidity exists
    expect(h.run(market('buy', 4, 4, 5))).toMatchObject([accepted(4, 5, 0), canceled(4, 5, 'MARKET_PROTECTION')]);
    expect(h.run(market('buy', 5, 4, 5, { timeInForce: 'FOK' }))).toMatchObject([accepted(5, 5, 0), canceled(5, 5, 'FOK_UNFILLABLE')]);
  });

  it('use the reference price before the first trade', () => {
    // ref 1000 ⇒ edge 1050; were the best ask (960) the reference, the edge would be 1008
    const h = new Harness([spec(SYM, { bandBps: 500, referencePrice: 1000 })]);
    h.setup(sell(1, 1, 960, 5), sell(2, 1, 1050, 5));
    expect(h.run(market('buy', 3, 2, 10))).toMatchObject([
      accepted(3, 10, 0),
      trade(3, 1, 960, 5, 5, 0),
      delta('sell', 960, 0, 0),
      trade(3, 2, 1050, 5, 0, 0),
      delta('sell', 1050, 0, 0),
    ]);
  });

  it('round the band edge inwards to a tick', () => {
    // band 3.33% of 1000 = 33 (floored) ⇒ buy edge 1033 → tick 1030; sell edge 967 → tick 970
    const h = new Harness([spec(SYM, { bandBps: 333, tickSize: 5, minPrice: 5 })]);
    h.setup(sell(1, 1, 1000, 1), sell(2, 1, 1030, 1), sell(3, 1, 1035, 1));
    expect(h.run(market('buy', 4, 2, 3))).toMatchObject([
      accepted(4, 3, 0),
      trade(4, 1, 1000, 1, 2, 0),
      delta('sell', 1000, 0, 0),
      trade(4, 2, 1030, 1, 1, 0),
      delta('sell', 1030, 0, 0),
      canceled(4, 1, 'MARKET_PROTECTION'),
    ]);
    const s = new Harness([spec(SYM, { bandBps: 333, tickSize: 5, minPrice: 5 })]);
    s.setup(buy(1, 1, 1000, 1), buy(2, 1, 970, 1), buy(3, 1, 965, 1));
    expect(s.run(market('sell', 4, 2, 3))).toMatchObject([
      accepted(4, 3, 0),
      trade(4, 1, 1000, 1, 2, 0),
      delta('buy', 1000, 0, 0),
      trade(4, 2, 970, 1, 1, 0),
      delta('buy', 970, 0, 0),
      canceled(4, 1, 'MARKET_PROTECTION'),
    ]);
  });
});

describe('price band for limit orders', () => {
  it('applies around the reference price, then around the last trade', () => {
    const h = new Harness([spec(SYM, { bandBps: 1000, referencePrice: 1000 })]);
    expect(h.run(sell(1, 1, 1101, 5))).toMatchObject([rejected(1, 'PRICE_OUT_OF_BAND')]);
    expect(h.run(buy(1, 1, 899, 5))).toMatchObject([rejected(1, 'PRICE_OUT_OF_BAND')]);
    h.setup(sell(1, 1, 1050, 5), buy(2, 2, 1100, 1)); // trade at 1050 ⇒ band 105 ⇒ 945..1155
    expect(h.run(sell(3, 1, 1155, 5))).toMatchObject([accepted(3, 5, 1155), delta('sell', 1155, 5, 1)]);
    expect(h.run(sell(4, 1, 1156, 5))).toMatchObject([rejected(4, 'PRICE_OUT_OF_BAND')]);
    expect(h.run(buy(4, 2, 945, 5))).toMatchObject([accepted(4, 5, 945), delta('buy', 945, 5, 1)]);
    expect(h.run(buy(5, 2, 944, 5))).toMatchObject([rejected(5, 'PRICE_OUT_OF_BAND')]);
  });

  it('is off until the first trade without a reference price; bandBps 0 disables it', () => {
    const h = new Harness([spec(SYM, { bandBps: 100 }), spec(SYM2)]);
    h.setup(sell(1, 1, 5000, 5), buy(2, 1, 10, 5));
    h.setup(sell(3, 1, 100, 5), buy(4, 2, 100, 5)); // trade at 100 ⇒ band ±1
    expect(h.run(sell(5, 1, 102, 5))).toMatchObject([rejected(5, 'PRICE_OUT_OF_BAND')]);
    expect(h.run(sell(5, 1, 101, 5))).toMatchObject([accepted(5, 5, 101), delta('sell', 101, 5, 1)]);
    h.setup({ ...sell(6, 1, 100, 5), symbol: SYM2 }, { ...buy(7, 2, 100, 5), symbol: SYM2 });
    expect(h.run({ ...sell(8, 1, 900_000, 5), symbol: SYM2 })).toMatchObject([{ type: 'accepted', symbol: SYM2 }, { type: 'book_delta' }]);
  });
});

// ------------------------------------------------------------------ GTD

describe('GTD expiry', () => {
  it('rests until a later command reaches expireTime, then expires', () => {
    const h = new Harness();
    expect(h.run(sell(1, 1, 100, 5, { timeInForce: 'GTD', expireTime: 1010 }))).toMatchObject([
      accepted(1, 5, 100),
      delta('sell', 100, 5, 1),
    ]);
    expect(h.eng.getOrder(1)).toMatchObject({ timeInForce: 'GTD', expireTime: 1010 });
    expect(h.run(tick, 1009)).toEqual([]);
    expect(h.run(tick, 1010)).toEqual([
      {
        type: 'expired',
        symbol: SYM,
        sequence: 3,
        time: 1010,
        orderId: 1,
        account: 1,
        side: 'sell',
        price: 100,
        quantity: 5,
        leaves: 0,
        makerOrderId: 0,
        makerAccount: 0,
        makerLeaves: 0,
        reason: 'GTD_EXPIRED',
      },
      {
        type: 'book_delta',
        symbol: SYM,
        sequence: 4,
        time: 1010,
        orderId: 0,
        account: 0,
        side: 'sell',
        price: 100,
        quantity: 0,
        leaves: 0,
        makerOrderId: 0,
        makerAccount: 0,
        makerLeaves: 0,
        reason: 'NONE',
      },
    ]);
    expect(h.eng.getOrder(1)).toBeNull();
    expect(h.run(tick, 2000)).toEqual([]);
  });

  it('expires before the command that reaches expireTime is processed', () => {
    const h = new Harness();
    h.setup(sell(1, 1, 100, 5, { timeInForce: 'GTD', expireTime: 1010 }));
    expect(h.run(buy(2, 2, 100, 5), 1010)).toMatchObject([
      expired(1, 5, 100),
      delta('sell', 100, 0, 0),
      accepted(2, 5, 100),
      delta('buy', 100, 5, 1),
    ]);
    // …including a cancel of the expiring order itself
    h.setup(sell(3, 1, 101, 5, { timeInForce: 'GTD', expireTime: 1020 }));
    expect(h.run(cancel(3, 1), 1025)).toMatchObject([
      expired(3, 5, 101),
      delta('sell', 101, 0, 0),
      { type: 'rejected', reason: 'UNKNOWN_ORDER' },
    ]);
  });

  it('expires only what is left of a partially filled order', () => {
    const h = new Harness();
    h.setup(sell(1, 1, 100, 10, { timeInForce: 'GTD', expireTime: 1010 }), buy(2, 2, 100, 4));
    expect(h.run(tick, 1050)).toMatchObject([expired(1, 6, 100), delta('sell', 100, 0, 0)]);
  });

  it('expires several orders in expireTime order, ties by order id', () => {
    const h = new Harness();
    h.setup(
      sell(3, 1, 103, 1, { timeInForce: 'GTD', expireTime: 1020 }),
      sell(1, 1, 101, 1, { timeInForce: 'GTD', expireTime: 1020 }),
      buy(2, 1, 50, 1, { timeInForce: 'GTD', expireTime: 1015 }),
      buy(4, 1, 51, 1),
    );
    expect(h.run(tick, 1030)).toMatchObject([
      expired(2, 1, 50),
      delta('buy', 50, 0, 0),
      expired(1, 1, 101),
      delta('sell', 101, 0, 0),
      expired(3, 1, 103),
      delta('sell', 103, 0, 0),
    ]);
    expect(h.queue()).toEqual({ bids: [4], asks: [] });
  });

  it('a canceled GTD order does not expire later, and a new order reusing its id keeps its own expiry', () => {
    const h = new Harness();
    h.setup(sell(1, 1, 100, 5, { timeInForce: 'GTD', expireTime: 1010 }), cancel(1, 1));
    h.setup(sell(1, 1, 100, 5, { timeInForce: 'GTD', expireTime: 1050 }));
    expect(h.run(tick, 1010)).toEqual([]);
    expect(h.eng.getOrder(1)).toMatchObject({ expireTime: 1050, leaves: 5 });
    expect(h.run(tick, 1050)).toMatchObject([expired(1, 5, 100), delta('sell', 100, 0, 0)]);
  });

  it('a GTD order keeps its expiry across a replace', () => {
    const h = new Harness();
    h.setup(sell(1, 1, 100, 5, { timeInForce: 'GTD', expireTime: 1010 }));
    h.setup(replace(1, 1, 102, 6));
    expect(h.eng.getOrder(1)).toMatchObject({ price: 102, quantity: 6, timeInForce: 'GTD', expireTime: 1010 });
    expect(h.run(tick, 1010)).toMatchObject([expired(1, 6, 102), delta('sell', 102, 0, 0)]);
  });

  it('a GTD order filled completely leaves nothing to expire', () => {
    const h = new Harness();
    h.setup(sell(1, 1, 100, 5, { timeInForce: 'GTD', expireTime: 1010 }), buy(2, 2, 100, 5));
    expect(h.run(tick, 1010)).toEqual([]);
  });
});

// ------------------------------------------------------------------ post-only

describe('post-only', () => {
  it('rejects when it would take, rests otherwise', () => {
    const h = new Harness();
    h.setup(sell(1, 1, 100, 5), buy(2, 1, 98, 5));
    expect(h.run(buy(3, 2, 100, 5, { postOnly: true }))).toMatchObject([
      { ...rejected(3, 'POST_ONLY_WOULD_TAKE'), price: 100, quantity: 5 },
    ]);
    expect(h.run(buy(3, 2, 101, 5, { postOnly: true }))).toMatchObject([rejected(3, 'POST_ONLY_WOULD_TAKE')]);
    expect(h.run(sell(4, 2, 98, 5, { postOnly: true }))).toMatchObject([rejected(4, 'POST_ONLY_WOULD_TAKE')]);
    expect(h.run(buy(5, 2, 99, 5, { postOnly: true }))).toMatchObject([accepted(5, 5, 99), delta('buy', 99, 5, 1)]);
    expect(h.run(sell(6, 2, 100, 5, { postOnly: true, timeInForce: 'GTD', expireTime: 9999 }))).toMatchObject([
      accepted(6, 5, 100),
      delta('sell', 100, 10, 2),
    ]);
    expect(h.eng.getOrder(5)).toMatchObject({ postOnly: true });
    expect(h.queue()).toEqual({ bids: [5, 2], asks: [1, 6] });
  });

  it('rejects even when the only crossing order is its own', () => {
    const h = new Harness();
    h.setup(sell(1, 1, 100, 5));
    expect(h.run(buy(2, 1, 100, 5, { postOnly: true, stp: 'cancel_oldest' }))).toMatchObject([rejected(2, 'POST_ONLY_WOULD_TAKE')]);
    expect(h.queue().asks).toEqual([1]);
  });
});

// ------------------------------------------------------------------ cancel

describe('cancel', () => {
  it('removes the order for its owner with its open quantity', () => {
    const h = new Harness();
    h.setup(buy(1, 1, 100, 10), buy(2, 2, 100, 5), sell(3, 3, 100, 4));
    expect(h.run(cancel(1, 1))).toMatchObject([
      { ...canceled(1, 6, 'USER_CANCELED', 100), account: 1, side: 'buy' },
      delta('buy', 100, 5, 1),
    ]);
    expect(h.eng.getOrder(1)).toBeNull();
    expect(h.run(cancel(1, 1))).toMatchObject([rejected(1, 'UNKNOWN_ORDER')]);
  });

  it('rejects other accounts and unknown ids without touching anything', () => {
    const h = new Harness();
    h.setup(buy(1, 1, 100, 10));
    const before = h.eng.checksum(SYM);
    expect(h.run(cancel(1, 2))).toEqual([
      {
        type: 'rejected',
        symbol: '',
        sequence: 0,
        time: 1002,
        orderId: 1,
        account: 2,
        side: 'buy',
        price: 0,
        quantity: 0,
        leaves: 0,
        makerOrderId: 0,
        makerAccount: 0,
        makerLeaves: 0,
        reason: 'UNKNOWN_ORDER',
      },
    ]);
    expect(h.run(cancel(99, 1))).toMatchObject([rejected(99, 'UNKNOWN_ORDER')]);
    expect(h.run(cancel(0, 1))).toMatchObject([rejected(0, 'UNKNOWN_ORDER')]);
    expect(h.run(cancel(-1, 1))).toMatchObject([rejected(-1, 'UNKNOWN_ORDER')]);
    expect(h.eng.checksum(SYM)).toBe(before); // not even the symbol's sequence moved
    expect(h.eng.getOrder(1)).toMatchObject({ leaves: 10 });
  });

  it('leaves the level to the other orders and clears the best price when the level empties', () => {
    const h = new Harness();
    h.setup(buy(1, 1, 100, 1), buy(2, 1, 100, 2), buy(3, 1, 100, 3), buy(4, 1, 99, 4));
    expect(h.run(cancel(2, 1))).toMatchObject([canceled(2, 2, 'USER_CANCELED'), delta('buy', 100, 4, 2)]);
    expect(h.queue().bids).toEqual([1, 3, 4]);
    h.setup(cancel(1, 1), cancel(3, 1));
    expect(h.eng.l1(SYM).bid).toEqual({ price: 99, quantity: 4, orders: 1 });
    expect(h.run(cancel(4, 1))).toMatchObject([canceled(4, 4, 'USER_CANCELED', 99), delta('buy', 99, 0, 0)]);
    expect(h.eng.l1(SYM)).toEqual({ bid: null, ask: null });
  });
});

// ------------------------------------------------------------------ replace

describe('replace', () => {
  it('same price, smaller quantity: keeps time priority', () => {
    const h = new Harness();
    h.setup(buy(1, 1, 100, 10), buy(2, 2, 100, 10));
    expect(h.run(replace(1, 1, 100, 6))).toMatchObject([
      { ...replaced(1, 100, 6, 6, 'PRIORITY_KEPT'), account: 1, side: 'buy' },
      delta('buy', 100, 16, 2),
    ]);
    expect(h.queue().bids).toEqual([1, 2]);
    expect(h.run(sell(3, 3, 100, 7))).toMatchObject([
      accepted(3, 7, 100),
      trade(3, 1, 100, 6, 1, 0),
      trade(3, 2, 100, 1, 0, 9),
      delta('buy', 100, 9, 1),
    ]);
  });

  it('same price and quantity: keeps priority', () => {
    const h = new Harness();
    h.setup(buy(1, 1, 100, 10), buy(2, 2, 100, 10));
    expect(h.run(replace(1, 1, 100, 10))).toMatchObject([replaced(1, 100, 10, 10, 'PRIORITY_KEPT'), delta('buy', 100, 20, 2)]);
    expect(h.queue().bids).toEqual([1, 2]);
  });

  it('same price, larger quantity: loses priority', () => {
    const h = new Harness();
    h.setup(buy(1, 1, 100, 10), buy(2, 2, 100, 10));
    expect(h.run(replace(1, 1, 100, 12))).toMatchObject([
      replaced(1, 100, 12, 12, 'PRIORITY_LOST'),
      delta('buy', 100, 10, 1),
      delta('buy', 100, 22, 2),
    ]);
    expect(h.queue().bids).toEqual([2, 1]);
    expect(h.run(sell(3, 3, 100, 11))).toMatchObject([
      accepted(3, 11, 100),
      trade(3, 2, 100, 10, 1, 0),
      trade(3, 1, 100, 1, 0, 11),
      delta('buy', 100, 11, 1),
    ]);
  });

  it('new price: moves to the back of the new level', () => {
    const h = new Harness();
    h.setup(buy(1, 1, 100, 10), buy(2, 2, 99, 10), buy(3, 2, 100, 1));
    expect(h.run(replace(1, 1, 99, 5))).toMatchObject([
      replaced(1, 99, 5, 5, 'PRIORITY_LOST'),
      delta('buy', 100, 1, 1),
      delta('buy', 99, 15, 2),
    ]);
    expect(h.queue().bids).toEqual([3, 2, 1]);
    expect(h.eng.getOrder(1)).toMatchObject({ price: 99, quantity: 5, leaves: 5, filled: 0, time: 1004 });
  });

  it('to a crossing price trades immediately, as the taker, and rests the rest', () => {
    const h = new Harness();
    h.setup(buy(1, 1, 99, 10), sell(2, 2, 101, 4), sell(3, 3, 102, 4));
    expect(h.run(replace(1, 1, 101, 10))).toMatchObject([
      replaced(1, 101, 10, 10, 'PRIORITY_LOST'),
      delta('buy', 99, 0, 0),
      { ...trade(1, 2, 101, 4, 6, 0), account: 1, side: 'buy', makerAccount: 2 },
      delta('sell', 101, 0, 0),
      delta('buy', 101, 6, 1),
    ]);
    expect(h.eng.getOrder(1)).toMatchObject({ price: 101, quantity: 10, filled: 4, leaves: 6 });
    expect(h.eng.l1(SYM)).toEqual({ bid: { price: 101, quantity: 6, orders: 1 }, ask: { price: 102, quantity: 4, orders: 1 } });
  });

  it('to a crossing price that fills it completely removes the order', () => {
    const h = new Harness();
    h.setup(buy(1, 1, 99, 5), sell(2, 2, 100, 8));
    expect(h.run(replace(1, 1, 100, 5))).toMatchObject([
      replaced(1, 100, 5, 5, 'PRIORITY_LOST'),
      delta('buy', 99, 0, 0),
      trade(1, 2, 100, 5, 0, 3),
      delta('sell', 100, 3, 1),
    ]);
    expect(h.eng.getOrder(1)).toBeNull();
    expect(h.eng.openOrders(1)).toEqual([]);
    expect(h.run(buy(1, 1, 90, 1))).toMatchObject([accepted(1, 1, 90), delta('buy', 90, 1, 1)]);
  });

  it('quantity is the new total including what is filled', () => {
    const h = new Harness();
    h.setup(sell(1, 1, 100, 10), buy(2, 2, 100, 4)); // order 1: filled 4, leaves 6
    const l3 = h.eng.l3(SYM);
    expect(h.run(replace(1, 1, 100, 4))).toMatchObject([{ ...rejected(1, 'QUANTITY_BELOW_FILLED'), symbol: SYM, price: 100, quantity: 4 }]);
    expect(h.run(replace(1, 1, 101, 3))).toMatchObject([rejected(1, 'QUANTITY_BELOW_FILLED')]);
    expect(h.eng.l3(SYM).asks).toEqual(l3.asks);
    expect(h.run(replace(1, 1, 100, 6))).toMatchObject([replaced(1, 100, 6, 2, 'PRIORITY_KEPT'), delta('sell', 100, 2, 1)]);
    expect(h.eng.getOrder(1)).toMatchObject({ quantity: 6, filled: 4, leaves: 2 });
    expect(h.run(replace(1, 1, 101, 12))).toMatchObject([
      replaced(1, 101, 12, 8, 'PRIORITY_LOST'),
      delta('sell', 100, 0, 0),
      delta('sell', 101, 8, 1),
    ]);
    expect(h.eng.getOrder(1)).toMatchObject({ price: 101, quantity: 12, filled: 4, leaves: 8 });
  });

  it('a rejected replace leaves the order untouched', () => {
    const h = new Harness([
      spec(SYM, { tickSize: 2, minPrice: 2, lotSize: 2, minQty: 2, maxQty: 100, bandBps: 1000, referencePrice: 100 }),
    ]);
    h.setup(sell(1, 1, 100, 10), sell(2, 2, 100, 10), buy(3, 3, 96, 10, { postOnly: true }));
    const before = h.eng.l3(SYM);
    const bad: [Cmd, ReasonName][] = [
      [replace(1, 1, 101, 10), 'PRICE_OFF_TICK'],
      [replace(1, 1, 100, 9), 'QUANTITY_OFF_LOT'],
      [replace(1, 1, 100, 102), 'QUANTITY_ABOVE_MAX'],
      [replace(1, 1, 100, 0), 'INVALID_QUANTITY'],
      [replace(1, 1, 0, 10), 'INVALID_PRICE'],
      [replace(1, 1, 112, 10), 'PRICE_OUT_OF_BAND'],
      [replace(1, 2, 100, 8), 'UNKNOWN_ORDER'],
      [replace(77, 1, 100, 8), 'UNKNOWN_ORDER'],
      [replace(3, 3, 100, 10), 'POST_ONLY_WOULD_TAKE'],
      [replace(3, 3, 104, 10), 'POST_ONLY_WOULD_TAKE'],
    ];
    for (const [cmd, reason] of bad) {
      const evs = h.run(cmd);
      expect(evs).toHaveLength(1);
      expect(evs[0]).toMatchObject({ type: 'rejected', reason });
    }
    const after = h.eng.l3(SYM);
    expect(after.bids).toEqual(before.bids);
    expect(after.asks).toEqual(before.asks);
    // a post-only order may still be replaced to a non-crossing price
    expect(h.run(replace(3, 3, 98, 10))).toMatchObject([
      replaced(3, 98, 10, 10, 'PRIORITY_LOST'),
      delta('buy', 96, 0, 0),
      delta('buy', 98, 10, 1),
    ]);
  });

  it('is rejected while the symbol is halted', () => {
    const h = new Harness();
    h.setup(sell(1, 1, 100, 10), { type: 'halt', symbol: SYM });
    expect(h.run(replace(1, 1, 100, 5))).toMatchObject([{ ...rejected(1, 'SYMBOL_HALTED'), symbol: SYM }]);
    expect(h.eng.getOrder(1)).toMatchObject({ quantity: 10, leaves: 10 });
  });

  it('runs self-trade prevention with the order’s own stp mode', () => {
    const h = new Harness();
    h.setup(buy(1, 1, 99, 5), sell(2, 1, 100, 5), buy(3, 2, 98, 5, { stp: 'cancel_oldest' }), sell(4, 2, 100, 5));
    // order 1 (cancel_newest) crossing its own ask: the replaced order is the newest and dies
    expect(h.run(replace(1, 1, 100, 5))).toMatchObject([
      replaced(1, 100, 5, 5, 'PRIORITY_LOST'),
      delta('buy', 99, 0, 0),
      canceled(1, 5, 'SELF_TRADE', 100),
    ]);
    expect(h.eng.getOrder(1)).toBeNull();
    expect(h.queue().asks).toEqual([2, 4]);
    // order 3 (cancel_oldest) crossing: trades 2, cancels its own 4
    expect(h.run(replace(3, 2, 100, 8))).toMatchObject([
      replaced(3, 100, 8, 8, 'PRIORITY_LOST'),
      delta('buy', 98, 0, 0),
      trade(3, 2, 100, 5, 3, 0),
      canceled(4, 5, 'SELF_TRADE', 100),
      delta('sell', 100, 0, 0),
      delta('buy', 100, 3, 1),
    ]);
    expect(h.eng.getOrder(3)).toMatchObject({ quantity: 8, filled: 5, leaves: 3, price: 100 });
  });
});

// ------------------------------------------------------------------ mass cancel & dead-man switch

describe('cancelAll', () => {
  const build = (): Harness => {
    const h = new Harness([spec(SYM), spec(SYM2)]);
    h.setup(buy(5, 1, 100, 1), sell(3, 1, 110, 2), { ...buy(9, 1, 50, 3), symbol: SYM2 }, buy(4, 2, 99, 4), buy(7, 1, 100, 5));
    return h;
  };

  it('cancels every order of the account in ascending order id, across symbols', () => {
    const h = build();
    expect(h.run({ type: 'cancelAll', account: 1 })).toMatchObject([
      { ...canceled(3, 2, 'MASS_CANCEL', 110), symbol: SYM, account: 1, side: 'sell' },
      delta('sell', 110, 0, 0),
      { ...canceled(5, 1, 'MASS_CANCEL', 100), symbol: SYM },
      delta('buy', 100, 5, 1),
      { ...canceled(7, 5, 'MASS_CANCEL', 100), symbol: SYM },
      delta('buy', 100, 0, 0),
      { ...canceled(9, 3, 'MASS_CANCEL', 50), symbol: SYM2 },
      { ...delta('buy', 50, 0, 0), symbol: SYM2 },
    ]);
    expect(h.eng.openOrders(1)).toEqual([]);
    expect(h.eng.openOrders(2).map((o) => o.orderId)).toEqual([4]);
    expect(h.run({ type: 'cancelAll', account: 1 })).toEqual([]);
  });

  it('restricted to one symbol', () => {
    const h = build();
    expect(h.run({ type: 'cancelAll', account: 1, symbol: SYM2 })).toMatchObject([
      { ...canceled(9, 3, 'MASS_CANCEL'), symbol: SYM2 },
      { ...delta('buy', 50, 0, 0), symbol: SYM2 },
    ]);
    expect(h.eng.openOrders(1).map((o) => o.orderId)).toEqual([3, 5, 7]);
  });

  it('rejects an unknown symbol, and does nothing for an account without orders', () => {
    const h = build();
    expect(h.run({ type: 'cancelAll', account: 1, symbol: 'NOPE' })).toMatchObject([
      { type: 'rejected', symbol: '', sequence: 0, account: 1, reason: 'UNKNOWN_SYMBOL' },
    ]);
    expect(h.run({ type: 'cancelAll', account: 42 })).toEqual([]);
    expect(h.eng.openOrders(1)).toHaveLength(4);
  });

  it('works while the symbol is halted', () => {
    const h = build();
    h.setup({ type: 'halt', symbol: SYM });
    expect(reasons(h.run({ type: 'cancelAll', account: 2 }))).toEqual(['canceled:MASS_CANCEL', 'book_delta:NONE']);
  });

  it('for account 0 (never a valid account) cancels nothing', () => {
    const h = build();
    const evs = h.run({ type: 'cancelAll', account: 0 });
    expect(evs.filter((e) => e.type === 'canceled')).toEqual([]);
    expect(h.eng.openOrders(1)).toHaveLength(4);
  });

  it('openOrders for account 0 is empty', () => {
    const h = build();
    expect(h.eng.openOrders(0)).toEqual([]);
    expect(h.eng.openOrders(-1)).toEqual([]);
    expect(h.eng.openOrders(1.5)).toEqual([]);
  });

  it('keeps small and very large account ids apart (direct table and hash map alike)', () => {
    const h = new Harness();
    const big = 2 ** 31 - 1;
    const mid = 5_000_000; // beyond the initial direct table, so it grows
    h.setup(buy(1, 7, 900, 1), buy(2, big, 901, 1), buy(3, mid, 902, 1), buy(4, 7, 903, 1), buy(5, big - 1, 904, 1));
    expect(h.eng.openOrders(7).map((o) => o.orderId)).toEqual([1, 4]);
    expect(h.eng.openOrders(big).map((o) => o.orderId)).toEqual([2]);
    expect(h.eng.openOrders(mid).map((o) => o.orderId)).toEqual([3]);
    expect(h.eng.openOrders(big - 1).map((o) => o.orderId)).toEqual([5]);
    const evs = h.run({ type: 'cancelAll', account: big });
    expect(evs.filter((e) => e.type === 'canceled').map((e) => e.orderId)).toEqual([2]);
    expect(
      h
        .run({ type: 'cancelAll', account: mid })
        .filter((e) => e.type === 'canceled')
        .map((e) => e.orderId),
    ).toEqual([3]);
    expect(h.eng.openOrders(big - 1).map((o) => o.orderId)).toEqual([5]);
  });
});

describe('cancelAllAfter (dead-man switch)', () => {
  const armed = (account: number, deadline: number) => ({
    type: 'status',
    symbol: '',
    sequence: 0,
    orderId: 0,
    account,
    quantity: deadline,
    reason: deadline === 0 ? 'DEAD_MAN_DISARMED' : 'DEAD_MAN_ARMED',
  });

  it('cancels all the account’s orders, everywhere, once a command reaches the deadline', () => {
    const h = new Harness([spec(SYM), spec(SYM2)]);
    h.setup(sell(8, 1, 110, 2), buy(2, 2, 90, 1));
    expect(h.run({ type: 'cancelAllAfter', account: 1, deadline: 2000 })).toMatchObject([armed(1, 2000)]);
    h.setup({ ...buy(4, 1, 50, 3), symbol: SYM2 }, buy(6, 1, 100, 1)); // placed after arming: also covered
    expect(h.run(tick, 1999)).toEqual([]);
    expect(h.run(tick, 2000)).toMatchObject([
      { ...canceled(4, 3, 'DEAD_MAN_SWITCH', 50), symbol: SYM2, account: 1 },
      { ...delta('buy', 50, 0, 0), symbol: SYM2 },
      { ...canceled(6, 1, 'DEAD_MAN_SWITCH', 100), symbol: SYM },
      delta('buy', 100, 0, 0),
      { ...canceled(8, 2, 'DEAD_MAN_SWITCH', 110), symbol: SYM },
      delta('sell', 110, 0, 0),
    ]);
    expect(h.eng.openOrders(2)).toHaveLength(1);
    // one-shot: later orders survive
    h.setup(buy(9, 1, 80, 1));
    expect(h.run(tick, 5000)).toEqual([]);
    expect(h.eng.getOrder(9)).not.toBeNull();
  });

  it('fires before the command that reaches the deadline', () => {
    const h = new Harness();
    h.setup(buy(1, 1, 100, 1), { type: 'cancelAllAfter', account: 1, deadline: 2000 });
    expect(h.run(buy(2, 1, 101, 1), 2500)).toMatchObject([
      canceled(1, 1, 'DEAD_MAN_SWITCH'),
      delta('buy', 100, 0, 0),
      accepted(2, 1, 101),
      delta('buy', 101, 1, 1),
    ]);
    expect(h.eng.getOrder(2)).not.toBeNull();
  });

  it('can be disarmed with deadline 0 and re-armed later or earlier', () => {
    const h = new Harness();
    h.setup(buy(1, 1, 100, 1));
    expect(h.run({ type: 'cancelAllAfter', account: 1, deadline: 2000 })).toMatchObject([armed(1, 2000)]);
    expect(h.run({ type: 'cancelAllAfter', account: 1, deadline: 0 })).toMatchObject([armed(1, 0)]);
    expect(h.run(tick, 2000)).toEqual([]);
    // re-arm, then extend: the first deadline no longer applies
    h.setup({ type: 'cancelAllAfter', account: 1, deadline: 3000 }, { type: 'cancelAllAfter', account: 1, deadline: 4000 });
    expect(h.run(tick, 3500)).toEqual([]);
    expect(h.run(tick, 4000)).toMatchObject([canceled(1, 1, 'DEAD_MAN_SWITCH'), delta('buy', 100, 0, 0)]);
    // re-arm earlier: fires at the earlier deadline, once
    h.setup(
      buy(2, 1, 100, 1),
      { type: 'cancelAllAfter', account: 1, deadline: 6000 },
      { type: 'cancelAllAfter', account: 1, deadline: 5000 },
    );
    expect(h.run(tick, 5000)).toMatchObject([canceled(2, 1, 'DEAD_MAN_SWITCH'), delta('buy', 100, 0, 0)]);
    h.setup(buy(3, 1, 100, 1));
    expect(h.run(tick, 6000)).toEqual([]);
  });

  it('rejects a deadline not in the future and an invalid account', () => {
    const h = new Harness();
    expect(h.run({ type: 'cancelAllAfter', account: 1, deadline: 1001 }, 1001)).toMatchObject([
      { type: 'rejected', symbol: '', account: 1, reason: 'INVALID_DEADLINE' },
    ]);
    expect(h.run({ type: 'cancelAllAfter', account: 1, deadline: -5 })).toMatchObject([{ type: 'rejected', reason: 'INVALID_DEADLINE' }]);
    expect(h.run({ type: 'cancelAllAfter', account: 1, deadline: Infinity })).toMatchObject([
      { type: 'rejected', reason: 'INVALID_DEADLINE' },
    ]);
    expect(h.run({ type: 'cancelAllAfter', account: 0, deadline: 5000 })).toMatchObject([{ type: 'rejected', reason: 'INVALID_ACCOUNT' }]);
    expect(h.run({ type: 'cancelAllAfter', account: 2 ** 31, deadline: 5000 })).toMatchObject([
      { type: 'rejected', reason: 'INVALID_ACCOUNT' },
    ]);
  });

  it('switches of several accounts due at once fire in account order', () => {
    const h = new Harness();
    h.setup(buy(1, 3, 100, 1), buy(2, 2, 99, 1), buy(3, 1, 98, 1));
    h.setup(
      { type: 'cancelAllAfter', account: 3, deadline: 2000 },
      { type: 'cancelAllAfter', account: 1, deadline: 2000 },
      { type: 'cancelAllAfter', account: 2, deadline: 1900 },
    );
    expect(
      h
        .run(tick, 2000)
        .filter((e) => e.type === 'canceled')
        .map((e) => e.orderId),
    ).toEqual([2, 3, 1]);
  });
});

// ------------------------------------------------------------------ self-trade prevention

describe('self-trade prevention', () => {
  // asks at 100: #1 (acc 2), #2 (acc 1), #3 (acc 3); the taker is acc 1
  const build = (): Harness => {
    const h = new Harness();
    h.setup(sell(1, 2, 100, 5), sell(2, 1, 100, 5), sell(3, 3, 100, 5));
    return h;
  };

  it('cancel_newest (default): trades up to the self order, then cancels the incoming remainder', () => {
    const h = build();
    expect(h.run(buy(10, 1, 100, 15))).toMatchObject([
      accepted(10, 15, 100),
      trade(10, 1, 100, 5, 10, 0),
      delta('sell', 100, 10, 2),
      { ...canceled(10, 10, 'SELF_TRADE', 100), account: 1, side: 'buy' },
    ]);
    expect(h.queue().asks).toEqual([2, 3]);
    expect(h.eng.getOrder(10)).toBeNull();
  });

  it('cancel_oldest: cancels the resting self order and keeps matching', () => {
    const h = build();
    expect(h.run(buy(10, 1, 100, 15, { stp: 'cancel_oldest' }))).toMatchObject([
      accepted(10, 15, 100),
      trade(10, 1, 100, 5, 10, 0),
      { ...canceled(2, 5, 'SELF_TRADE', 100), account: 1, side: 'sell' },
      trade(10, 3, 100, 5, 5, 0),
      delta('sell', 100, 0, 0),
      delta('buy', 100, 5, 1),
    ]);
    expect(h.eng.getOrder(2)).toBeNull();
    expect(h.eng.getOrder(10)).toMatchObject({ filled: 10, leaves: 5, stp: 'cancel_oldest' });
  });

  it('cancel_both: cancels the resting self order and the incoming remainder', () => {
    const h = build();
    expect(h.run(buy(10, 1, 100, 15, { stp: 'cancel_both' }))).toMatchObject([
      accepted(10, 15, 100),
      trade(10, 1, 100, 5, 10, 0),
      canceled(2, 5, 'SELF_TRADE', 100),
      delta('sell', 100, 5, 1),
      canceled(10, 10, 'SELF_TRADE', 100),
    ]);
    expect(h.queue().asks).toEqual([3]);
  });

  it('the taker’s mode decides, not the maker’s', () => {
    const h = new Harness();
    h.setup(sell(1, 1, 100, 5, { stp: 'cancel_oldest' }));
    expect(h.run(buy(2, 1, 100, 5))).toMatchObject([accepted(2, 5, 100), canceled(2, 5, 'SELF_TRADE')]);
    expect(h.queue().asks).toEqual([1]);
  });

  it('a self order at a worse level: trades at better levels stand', () => {
    const h = new Harness();
    h.setup(sell(1, 2, 100, 5), sell(2, 1, 101, 5), sell(3, 2, 102, 5));
    expect(h.run(buy(10, 1, 102, 12))).toMatchObject([
      accepted(10, 12, 102),
      trade(10, 1, 100, 5, 7, 0),
      delta('sell', 100, 0, 0),
      canceled(10, 7, 'SELF_TRADE'),
    ]);
    expect(h.queue().asks).toEqual([2, 3]);
    expect(h.eng.l1(SYM).ask).toEqual({ price: 101, quantity: 5, orders: 1 });
  });

  it('cancel_oldest removes every self order it meets, across levels', () => {
    const h = new Harness();
    h.setup(sell(1, 1, 100, 5), sell(2, 1, 100, 5), sell(3, 1, 101, 5), sell(4, 2, 102, 5));
    expect(h.run(buy(10, 1, 102, 3, { stp: 'cancel_oldest' }))).toMatchObject([
      accepted(10, 3, 102),
      canceled(1, 5, 'SELF_TRADE', 100),
      canceled(2, 5, 'SELF_TRADE', 100),
      delta('sell', 100, 0, 0),
      canceled(3, 5, 'SELF_TRADE', 101),
      delta('sell', 101, 0, 0),
      trade(10, 4, 102, 3, 0, 2),
      delta('sell', 102, 2, 1),
    ]);
    expect(h.eng.openOrders(1)).toEqual([]);
  });

  it('applies to market and IOC orders too', () => {
    const h = new Harness();
    h.setup(buy(1, 2, 100, 5), buy(2, 1, 99, 5), buy(3, 2, 98, 5));
    expect(h.run(market('sell', 10, 1, 20))).toMatchObject([
      accepted(10, 20, 0),
      trade(10, 1, 100, 5, 15, 0),
      delta('buy', 100, 0, 0),
      canceled(10, 15, 'SELF_TRADE', 0),
    ]);
    expect(h.run(sell(11, 1, 98, 20, { timeInForce: 'IOC', stp: 'cancel_oldest' }))).toMatchObject([
      accepted(11, 20, 98),
      canceled(2, 5, 'SELF_TRADE', 99),
      delta('buy', 99, 0, 0),
      trade(11, 3, 98, 5, 15, 0),
      delta('buy', 98, 0, 0),
      canceled(11, 15, 'IOC_REMAINDER'),
    ]);
  });

  it('never produces a trade between two orders of the same account', () => {
    for (const stp of ['cancel_newest', 'cancel_oldest', 'cancel_both'] as const) {
      const h = new Harness();
      h.setup(sell(1, 1, 100, 5), sell(2, 2, 101, 5));
      const evs = h.run(buy(3, 1, 101, 5, { stp }));
      expect(evs.filter((e) => e.type === 'trade' && e.account === e.makerAccount)).toEqual([]);
      expect(evs.filter((e) => e.reason === 'SELF_TRADE')).not.toEqual([]);
    }
  });
});

// ------------------------------------------------------------------ halt / resume

describe('halt and resume', () => {
  it('halted symbols reject new orders but allow cancels; resume restores trading', () => {
    const h = new Harness([spec(SYM), spec(SYM2)]);
    h.setup(sell(1, 1, 100, 5), sell(2, 1, 101, 5));
    expect(h.run({ type: 'halt', symbol: SYM })).toEqual([
      {
        type: 'status',
        symbol: SYM,
        sequence: 5,
        time: 1003,
        orderId: 0,
        account: 0,
        side: 'buy',
        price: 0,
        quantity: 0,
        leaves: 0,
        makerOrderId: 0,
        makerAccount: 0,
        makerLeaves: 0,
        reason: 'HALTED',
      },
    ]);
    expect(h.run(buy(3, 2, 100, 5))).toMatchObject([{ ...rejected(3, 'SYMBOL_HALTED'), symbol: SYM }]);
    expect(h.run(market('buy', 3, 2, 5))).toMatchObject([rejected(3, 'SYMBOL_HALTED')]);
    expect(h.run(replace(1, 1, 100, 4))).toMatchObject([rejected(1, 'SYMBOL_HALTED')]);
    expect(h.run(cancel(2, 1))).toMatchObject([canceled(2, 5, 'USER_CANCELED'), delta('sell', 101, 0, 0)]);
    // other symbols keep trading
    expect(h.run({ ...buy(4, 2, 100, 5), symbol: SYM2 })).toMatchObject([
      { type: 'accepted', symbol: SYM2 },
      { type: 'book_delta', symbol: SYM2 },
    ]);
    expect(h.run({ type: 'resume', symbol: SYM })).toMatchObject([{ type: 'status', symbol: SYM, reason: 'RESUMED' }]);
    expect(h.run(buy(3, 2, 100, 5))).toMatchObject([accepted(3, 5, 100), trade(3, 1, 100, 5, 0, 0), delta('sell', 100, 0, 0)]);
  });

  it('rejects an unknown symbol', () => {
    const h = new Harness();
    expect(h.run({ type: 'halt', symbol: 'NOPE' })).toMatchObject([
      { type: 'rejected', symbol: '', sequence: 0, reason: 'UNKNOWN_SYMBOL' },
    ]);
    expect(h.run({ type: 'resume', symbol: 'NOPE' })).toMatchObject([{ type: 'rejected', reason: 'UNKNOWN_SYMBOL' }]);
  });
});

// ------------------------------------------------------------------ sequences, queries, checksum

describe('per-symbol sequence numbers', () => {
  it('advance by one per event, independently per symbol, rejections included', () => {
    const h = new Harness([spec(SYM), spec(SYM2)]);
    const seqs = (evs: EngineEvent[]) => evs.map((e) => [e.symbol, e.sequence]);
    expect(seqs(h.run(sell(1, 1, 100, 5)))).toEqual([
      [SYM, 1],
      [SYM, 2],
    ]);
    expect(seqs(h.run({ ...sell(2, 1, 100, 5), symbol: SYM2 }))).toEqual([
      [SYM2, 1],
      [SYM2, 2],
    ]);
    expect(seqs(h.run(buy(3, 1, 0, 5)))).toEqual([[SYM, 3]]);
    expect(seqs(h.run(cancel(42, 1)))).toEqual([['', 0]]);
    expect(seqs(h.run(buy(4, 2, 100, 2)))).toEqual([
      [SYM, 4],
      [SYM, 5],
      [SYM, 6],
    ]);
    expect(h.eng.l2(SYM).sequence).toBe(6);
    expect(h.eng.l3(SYM2).sequence).toBe(2);
  });
});

describe('book queries', () => {
  it('l2 aggregates levels best first with a depth limit; l3 lists orders in priority', () => {
    const h = new Harness();
    h.setup(
      buy(1, 1, 97, 1),
      buy(2, 2, 99, 2),
      buy(3, 3, 99, 3),
      buy(4, 1, 98, 4),
      sell(5, 1, 103, 5),
      sell(6, 2, 101, 6),
      sell(7, 2, 101, 7),
    );
    expect(h.eng.l2(SYM)).toEqual({
      symbol: SYM,
      sequence: 14,
      bids: [
        { price: 99, quantity: 5, orders: 2 },
        { price: 98, quantity: 4, orders: 1 },
        { price: 97, quantity: 1, orders: 1 },
      ],
      asks: [
        { price: 101, quantity: 13, orders: 2 },
        { price: 103, quantity: 5, orders: 1 },
      ],
    });
    expect(h.eng.l2(SYM, 1)).toMatchObject({ bids: [{ price: 99 }], asks: [{ price: 101 }] });
    expect(h.queue()).toEqual({ bids: [2, 3, 4, 1], asks: [6, 7, 5] });
    expect(h.eng.openOrders(1).map((o) => o.orderId)).toEqual([1, 4, 5]);
    expect(h.eng.openOrders(2, SYM).map((o) => o.orderId)).toEqual([2, 6, 7]);
    expect(h.eng.openOrders(99)).toEqual([]);
    expect(h.eng.getOrder(12345)).toBeNull();
    expect(h.eng.getOrder(0)).toBeNull();
  });

  it('handles prices at the edges of the symbol range', () => {
    const h = new Harness([spec(SYM, { minPrice: 10, tickSize: 10, maxPrice: 100_000_000 })]);
    h.setup(buy(1, 1, 10, 1), sell(2, 2, 100_000_000, 1));
    expect(h.eng.l1(SYM)).toEqual({ bid: { price: 10, quantity: 1, orders: 1 }, ask: { price: 100_000_000, quantity: 1, orders: 1 } });
    expect(h.run(market('buy', 3, 3, 2))).toMatchObject([
      accepted(3, 2, 0),
      trade(3, 2, 100_000_000, 1, 1, 0),
      delta('sell', 100_000_000, 0, 0),
      canceled(3, 1, 'MARKET_NO_LIQUIDITY'),
    ]);
    expect(h.run(market('sell', 4, 3, 1))).toMatchObject([accepted(4, 1, 0), trade(4, 1, 10, 1, 0, 0), delta('buy', 10, 0, 0)]);
  });

  it('finds the next level across many empty prices and pages', () => {
    const h = new Harness();
    h.setup(sell(1, 1, 999_999, 1), sell(2, 1, 5, 1), sell(3, 1, 500_000, 1), buy(4, 2, 4, 1), buy(5, 2, 1, 1));
    expect(h.eng.l2(SYM).asks.map((l) => l.price)).toEqual([5, 500_000, 999_999]);
    expect(
      h
        .run(market('buy', 6, 3, 3))
        .filter((e) => e.type === 'trade')
        .map((e) => e.price),
    ).toEqual([5, 500_000, 999_999]);
    expect(
      h
        .run(market('sell', 7, 3, 3))
        .filter((e) => e.type === 'trade')
        .map((e) => e.price),
    ).toEqual([4, 1]);
    expect(h.eng.l1(SYM)).toEqual({ bid: null, ask: null });
  });

  it('grows beyond the reserved order capacity', () => {
    const eng = new MatchingEngine({ symbols: [spec(SYM)], orderCapacity: 16 });
    let seq = 0;
    for (let i = 1; i <= 500; i++)
      eng.apply({
        type: 'place',
        seq: ++seq,
        time: 1,
        symbol: SYM,
        orderId: i,
        account: 1 + (i % 7),
        side: i % 2 ? 'buy' : 'sell',
        orderType: 'limit',
        price: i % 2 ? 1000 - (i % 50) : 1001 + (i % 50),
        quantity: i,
      });
    expect(eng.l3(SYM).bids.length + eng.l3(SYM).asks.length).toBe(500);
    const evs = eng.apply({
      type: 'place',
      seq: ++seq,
      time: 2,
      symbol: SYM,
      orderId: 1000,
      account: 100,
      side: 'buy',
      orderType: 'market',
      quantity: 1e6,
    });
    const traded = evs.filter((e) => e.type === 'trade').reduce((s, e) => s + e.quantity, 0);
    expect(traded).toBe(250 * 251); // the sum of the even ids 2..500
    expect(eng.l3(SYM).asks).toEqual([]);
  });
});

describe('checksum', () => {
  it('is deterministic and tracks state, per symbol and engine-wide', () => {
    const a = new Harness([spec(SYM), spec(SYM2)]);
    const b = new Harness([spec(SYM), spec(SYM2)]);
    expect(a.eng.checksum()).toMatch(/^[0-9a-f]{16}$/);
    expect(a.eng.checksum()).toBe(b.eng.checksum());
    const cmds: Cmd[] = [sell(1, 1, 100, 5), buy(2, 2, 100, 2), { ...buy(3, 1, 50, 1), symbol: SYM2 }];
    for (const c of cmds) {
      a.run(c);
      b.run(c);
      expect(a.eng.checksum()).toBe(b.eng.checksum());
      expect(a.eng.checksum(SYM)).toBe(b.eng.checksum(SYM));
    }
    const sym1 = a.eng.checksum(SYM);
    const all = a.eng.checksum();
    a.run({ ...buy(4, 1, 51, 1), symbol: SYM2 });
    expect(a.eng.checksum(SYM)).toBe(sym1);
    expect(a.eng.checksum()).not.toBe(all);
    b.run({ ...buy(4, 1, 51, 2), symbol: SYM2 }); // differs only in quantity
    expect(a.eng.checksum(SYM2)).not.toBe(b.eng.checksum(SYM2));
    // arming a dead-man switch is engine state
    const before = a.eng.checksum();
    a.run({ type: 'cancelAllAfter', account: 1, deadline: 99_999 });
    expect(a.eng.checksum()).not.toBe(before);
  });
});
