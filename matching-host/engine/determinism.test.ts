/**
 * Determinism: the same command stream always yields the same events and checksum, and a
 * snapshot taken anywhere, restored and fed the rest of the stream, is indistinguishable from the
 * uninterrupted run.
 */
import fc from 'fast-check';
import { MatchingEngine } from './matching-engine';
import type { Command, EngineEvent, SideName, StpName, SymbolSpec, TimeInForceName } from './types';

const SYMBOLS: SymbolSpec[] = [
  {
    symbol: 'AAA',
    base: 'A',
    quote: 'Q',
    priceDecimals: 2,
    qtyDecimals: 0,
    tickSize: 1,
    lotSize: 1,
    minPrice: 1,
    maxPrice: 100_000,
    minQty: 1,
    maxQty: 1000,
    bandBps: 0,
  },
  {
    symbol: 'BBB',
    base: 'B',
    quote: 'Q',
    priceDecimals: 2,
    qtyDecimals: 0,
    tickSize: 1,
    lotSize: 1,
    minPrice: 1,
    maxPrice: 100_000,
    minQty: 1,
    maxQty: 1000,
    bandBps: 500,
    referencePrice: 100,
  },
];

// ------------------------------------------------------------------ random streams

const ACCOUNT_IDS = [1, 2, 65_536, 2 ** 31 - 1];

const placeArb = fc.record({
  kind: fc.constant('place' as const),
  sym: fc.integer({ min: 0, max: 1 }),
  side: fc.constantFrom<SideName>('buy', 'sell'),
  market: fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
  tif: fc.constantFrom<TimeInForceName>('GTC', 'GTC', 'IOC', 'FOK', 'GTD'),
  postOnly: fc.integer({ min: 0, max: 6 }).map((n) => n === 0),
  stp: fc.constantFrom<StpName>('cancel_newest', 'cancel_oldest', 'cancel_both'),
  account: fc.constantFrom(...ACCOUNT_IDS),
  off: fc.integer({ min: -5, max: 5 }),
  qty: fc.integer({ min: 1, max: 10 }),
  life: fc.integer({ min: 1, max: 40 }),
});
const opArb = fc.oneof(
  { arbitrary: placeArb, weight: 10 },
  { arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat(), owner: fc.boolean() }), weight: 2 },
  {
    arbitrary: fc.record({
      kind: fc.constant('replace' as const),
      pick: fc.nat(),
      off: fc.integer({ min: -2, max: 2 }),
      dq: fc.integer({ min: -4, max: 4 }),
    }),
    weight: 3,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('cancelAll' as const),
      account: fc.constantFrom(...ACCOUNT_IDS),
      sym: fc.integer({ min: -1, max: 1 }),
    }),
    weight: 1,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('cancelAllAfter' as const),
      account: fc.constantFrom(...ACCOUNT_IDS),
      life: fc.integer({ min: 0, max: 50 }),
    }),
    weight: 1,
  },
  { arbitrary: fc.record({ kind: fc.constant('tick' as const), dt: fc.integer({ min: 0, max: 25 }) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constantFrom('halt' as const, 'resume' as const), sym: fc.integer({ min: 0, max: 1 }) }), weight: 1 },
);
type Op = typeof opArb extends fc.Arbitrary<infer T> ? T : never;

function materialize(ops: Op[], idBase: number): Command[] {
  let seq = 0;
  let time = 5_000;
  let nextId = idBase;
  const placed: { id: number; account: number; price: number; qty: number }[] = [];
  const recent = (n: number) => placed[placed.length - 1 - (n % Math.min(8, placed.length))];
  return ops.map((op, i): Command => {
    time += op.kind === 'tick' ? op.dt : i % 3;
    const base = { seq: ++seq, time };
    switch (op.kind) {
      case 'place': {
        const id = nextId++;
        const price = 100 + op.off;
        placed.push({ id, account: op.account, price, qty: op.qty });
        const tif = op.market && (op.tif === 'GTC' || op.tif === 'GTD') ? 'IOC' : op.tif;
        return {
          ...base,
          type: 'place',
          symbol: SYMBOLS[op.sym].symbol,
          orderId: id,
          account: op.account,
          side: op.side,
          orderType: op.market ? 'market' : 'limit',
          ...(op.market ? {} : { price }),
          quantity: op.qty,
          timeInForce: tif,
          postOnly: op.postOnly && !op.market && (tif === 'GTC' || tif === 'GTD'),
          stp: op.stp,
          ...(tif === 'GTD' ? { expireTime: time + op.life } : {}),
        };
      }
      case 'cancel': {
        if (placed.length === 0) return { ...base, type: 'tick' };
        const p = recent(op.pick);
        return {
          ...base,
          type: 'cancel',
          orderId: p.id,
          account: op.owner ? p.account : ACCOUNT_IDS[(ACCOUNT_IDS.indexOf(p.account) + 1) % ACCOUNT_IDS.length],
        };
      }
      case 'replace': {
        if (placed.length === 0) return { ...base, type: 'tick' };
        const p = recent(op.pick);
        return {
          ...base,
          type: 'replace',
          orderId: p.id,
          account: p.account,
          price: p.price + op.off,
          quantity: Math.max(1, p.qty + op.dq),
        };
      }
      case 'cancelAll':
        return op.sym < 0
          ? { ...base, type: 'cancelAll', account: op.account }
          : { ...base, type: 'cancelAll', account: op.account, symbol: SYMBOLS[op.sym].symbol };
      case 'cancelAllAfter':
        return { ...base, type: 'cancelAllAfter', account: op.account, deadline: op.life === 0 ? 0 : time + op.life };
      case 'tick':
        return { ...base, type: 'tick' };
      case 'halt':
      case 'resume':
        return { ...base, type: op.kind, symbol: SYMBOLS[op.sym].symbol };
    }
  });
}

const streamArb = fc
  .tuple(fc.array(opArb, { minLength: 20, maxLength: 200, size: 'max' }), fc.constantFrom(1, 2 ** 32 - 60, Number.MAX_SAFE_INTEGER - 5000))
  .map(([ops, base]) => materialize(ops, base));

// ------------------------------------------------------------------ helpers

const fresh = (): MatchingEngine => new MatchingEngine({ symbols: SYMBOLS });

function run(eng: MatchingEngine, cmds: Command[]): EngineEvent[][] {
  return cmds.map((c) => eng.apply(c));
}

/** Everything observable about an engine's state. */
function state(eng: MatchingEngine) {
  return {
    checksum: eng.checksum(),
    books: SYMBOLS.map((s) => ({ sum: eng.checksum(s.symbol), l3: eng.l3(s.symbol), l2: eng.l2(s.symbol, 1000), l1: eng.l1(s.symbol) })),
    accounts: ACCOUNT_IDS.map((a) => eng.openOrders(a)),
    lastSequence: eng.lastSequence,
  };
}

const FIELDS = [
  'type',
  'symbol',
  'sequence',
  'time',
  'orderId',
  'account',
  'side',
  'price',
  'quantity',
  'leaves',
  'makerOrderId',
  'makerAccount',
  'makerLeaves',
  'reason',
] as const;
const canon = (evs: EngineEvent[]): string => evs.map((e) => JSON.stringify(FIELDS.map((f) => e[f]))).join('\n  ');

/** Cheap equality with a short failure message (jest diffs of big states make shrinking crawl). */
function same(what: string, got: unknown, want: unknown): void {
  const g = JSON.stringify(got);
  const w = JSON.stringify(want);
  if (g !== w) throw new Error(`${what} differ\ngot:  ${g.slice(0, 4000)}\nwant: ${w.slice(0, 4000)}`);
}
function sameEvents(what: string, got: EngineEvent[], want: EngineEvent[]): void {
  const g = canon(got);
  const w = canon(want);
  if (g !== w) throw new Error(`${what}: events differ\nfields: ${FIELDS.join(',')}\ngot:\n  ${g}\nwant:\n  ${w}`);
}
const TIME_LIMIT = { interruptAfterTimeLimit: 30_000 };

// ------------------------------------------------------------------ tests

describe('determinism', () => {
  it('the same stream twice gives identical events, checksums and snapshots', () => {
    fc.assert(
      fc.property(streamArb, (cmds) => {
        const a = fresh();
        const b = fresh();
        for (const cmd of cmds) {
          sameEvents(`command ${cmd.seq}`, b.apply(cmd), a.apply(cmd));
          same(`checksums after command ${cmd.seq}`, b.checksum(), a.checksum());
        }
        same('final states', state(b), state(a));
        expect(Buffer.from(b.snapshot()).equals(Buffer.from(a.snapshot()))).toBe(true);
      }),
      { numRuns: 150, ...TIME_LIMIT },
    );
  });

  it('snapshot at a random point, restore, replay the rest: same events and checksums as the uninterrupted run', () => {
    fc.assert(
      fc.property(streamArb, fc.double({ min: 0, max: 1, noNaN: true }), (cmds, at) => {
        const k = Math.min(cmds.length, Math.floor(at * (cmds.length + 1)));
        const straight = fresh();
        const events = run(straight, cmds);
        const sums: string[] = [];
        const replay = fresh();
        for (let i = 0; i < k; i++) replay.apply(cmds[i]);
        const before = state(replay);
        const restored = MatchingEngine.restore(replay.snapshot());
        same(`state restored after ${k} commands`, state(restored), before);
        for (let i = k; i < cmds.length; i++) {
          sameEvents(`replayed command #${i} (snapshot after ${k})`, restored.apply(cmds[i]), events[i]);
          sums.push(restored.checksum());
        }
        same('final states', state(restored), state(straight));
        expect(sums.length === 0 || sums[sums.length - 1] === straight.checksum()).toBe(true);
      }),
      { numRuns: 150, ...TIME_LIMIT },
    );
  });

  it('snapshot/restore after every single command never changes the outcome', () => {
    fc.assert(
      fc.property(streamArb, (cmds) => {
        const straight = fresh();
        let hopping = fresh();
        for (const cmd of cmds) {
          const want = straight.apply(cmd);
          hopping = MatchingEngine.restore(hopping.snapshot(), { orderCapacity: 16 });
          sameEvents(`command ${cmd.seq}`, hopping.apply(cmd), want);
          same(`checksum after command ${cmd.seq}`, hopping.checksum(), straight.checksum());
        }
      }),
      { numRuns: 40, ...TIME_LIMIT },
    );
  });

  it('restores timers: GTD expiries and dead-man switches fire after a restore as they would have', () => {
    const cmds: Command[] = [
      {
        type: 'place',
        seq: 1,
        time: 100,
        symbol: 'AAA',
        orderId: 1,
        account: 1,
        side: 'buy',
        orderType: 'limit',
        price: 90,
        quantity: 5,
        timeInForce: 'GTD',
        expireTime: 200,
      },
      {
        type: 'place',
        seq: 2,
        time: 101,
        symbol: 'AAA',
        orderId: 2,
        account: 2,
        side: 'sell',
        orderType: 'limit',
        price: 110,
        quantity: 5,
        timeInForce: 'GTD',
        expireTime: 150,
      },
      {
        type: 'place',
        seq: 3,
        time: 102,
        symbol: 'BBB',
        orderId: 3,
        account: 3,
        side: 'sell',
        orderType: 'limit',
        price: 101,
        quantity: 5,
        postOnly: true,
        stp: 'cancel_both',
      },
      { type: 'cancelAllAfter', seq: 4, time: 103, account: 3, deadline: 150 },
      { type: 'cancelAllAfter', seq: 5, time: 104, account: 1, deadline: 300 },
      { type: 'halt', seq: 6, time: 105, symbol: 'BBB' },
    ];
    const later: Command[] = [
      { type: 'tick', seq: 7, time: 149 },
      { type: 'tick', seq: 8, time: 150 },
      { type: 'resume', seq: 9, time: 160, symbol: 'BBB' },
      {
        type: 'place',
        seq: 10,
        time: 170,
        symbol: 'BBB',
        orderId: 4,
        account: 1,
        side: 'buy',
        orderType: 'limit',
        price: 100,
        quantity: 1,
      },
      { type: 'tick', seq: 11, time: 250 },
      { type: 'tick', seq: 12, time: 400 },
    ];
    const a = fresh();
    run(a, cmds);
    const b = MatchingEngine.restore(a.snapshot());
    expect(b.getOrder(3)).toMatchObject({ postOnly: true, stp: 'cancel_both', timeInForce: 'GTC' });
    expect(b.getOrder(1)).toMatchObject({ timeInForce: 'GTD', expireTime: 200, time: 100 });
    // still halted after restore
    expect(
      b.apply({
        type: 'place',
        seq: 7,
        time: 106,
        symbol: 'BBB',
        orderId: 9,
        account: 9,
        side: 'buy',
        orderType: 'limit',
        price: 100,
        quantity: 1,
      }),
    ).toMatchObject([{ type: 'rejected', reason: 'SYMBOL_HALTED' }]);
    const c = MatchingEngine.restore(a.snapshot());
    const wa = run(a, later);
    const wc = run(c, later);
    expect(wc).toEqual(wa);
    const kinds = wa.flat().map((e) => `${e.type}:${e.reason}:${e.orderId}`);
    expect(kinds).toEqual([
      'expired:GTD_EXPIRED:2',
      'book_delta:NONE:0',
      'canceled:DEAD_MAN_SWITCH:3',
      'book_delta:NONE:0',
      'status:RESUMED:0',
      'accepted:NONE:4',
      'book_delta:NONE:0',
      'expired:GTD_EXPIRED:1',
      'book_delta:NONE:0',
      'canceled:DEAD_MAN_SWITCH:4',
      'book_delta:NONE:0',
    ]);
    // a restored engine keeps rejecting stale sequence numbers
    expect(c.apply({ type: 'tick', seq: 12, time: 500 })).toMatchObject([{ reason: 'SEQUENCE_OUT_OF_ORDER' }]);
  });
});

describe('restore and account bookkeeping', () => {
  it('a mass cancel for account 0 does the same thing before and after a restore', () => {
    // account 5 rests first, account 7 rests the better bid: a restore re-registers the accounts
    // in book order (7 before 5), so anything keyed on internal account numbers can diverge
    const cmds: Command[] = [
      { type: 'place', seq: 1, time: 10, symbol: 'AAA', orderId: 1, account: 5, side: 'buy', orderType: 'limit', price: 99, quantity: 1 },
      { type: 'place', seq: 2, time: 11, symbol: 'AAA', orderId: 2, account: 7, side: 'buy', orderType: 'limit', price: 100, quantity: 1 },
    ];
    const a = fresh();
    run(a, cmds);
    const b = MatchingEngine.restore(a.snapshot());
    const next: Command = { type: 'cancelAll', seq: 3, time: 12, account: 0 };
    sameEvents('cancelAll account 0', b.apply(next), a.apply(next));
    expect(b.checksum()).toBe(a.checksum());
  });
});

describe('restore rejects bad input', () => {
  const sample = (): Uint8Array => {
    const eng = fresh();
    run(eng, [
      { type: 'place', seq: 1, time: 10, symbol: 'AAA', orderId: 1, account: 1, side: 'buy', orderType: 'limit', price: 99, quantity: 3 },
      {
        type: 'place',
        seq: 2,
        time: 11,
        symbol: 'BBB',
        orderId: 2,
        account: 2,
        side: 'sell',
        orderType: 'limit',
        price: 101,
        quantity: 4,
        timeInForce: 'GTD',
        expireTime: 99,
      },
      { type: 'cancelAllAfter', seq: 3, time: 12, account: 2, deadline: 1000 },
    ]);
    return eng.snapshot();
  };

  it('round-trips a valid snapshot', () => {
    const snap = sample();
    const eng = MatchingEngine.restore(snap);
    expect(eng.getOrder(2)).toMatchObject({ side: 'sell', price: 101, leaves: 4, expireTime: 99 });
    expect(Buffer.from(MatchingEngine.restore(eng.snapshot()).snapshot()).equals(Buffer.from(eng.snapshot()))).toBe(true);
  });

  it('empty input, wrong magic, wrong version, trailing bytes', () => {
    const snap = sample();
    expect(() => MatchingEngine.restore(new Uint8Array(0))).toThrow();
    const badMagic = snap.slice();
    badMagic[3] ^= 0xff;
    expect(() => MatchingEngine.restore(badMagic)).toThrow();
    const badVersion = snap.slice();
    badVersion[1 + 8] = 0x7f; // length byte, 8 magic bytes, then the version varint: 127 is no real version
    expect(() => MatchingEngine.restore(badVersion)).toThrow(/version/);
    const trailing = new Uint8Array(snap.length + 1);
    trailing.set(snap);
    expect(() => MatchingEngine.restore(trailing)).toThrow();
    expect(() => MatchingEngine.restore(new TextEncoder().encode('{"not":"a snapshot"}'))).toThrow();
  });

  it('every truncation of a snapshot', () => {
    const snap = sample();
    for (let n = 0; n < snap.length; n++) expect(() => MatchingEngine.restore(snap.subarray(0, n))).toThrow();
  });

  it('random garbage', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 512 }), (bytes) => {
        expect(() => MatchingEngine.restore(bytes)).toThrow();
      }),
      { numRuns: 300 },
    );
  });
});
