/**
 * The band a client is told (acceptedBand) against the engine that enforces it: at each edge a
 * limit order is accepted, one tick beyond it is refused, for generated specs and references.
 */
import fc from 'fast-check';
import { MatchingEngine } from './matching-engine';
import { acceptedBand, priceBand } from './price-band';
import { testSpec } from '../../test/fixtures/symbol-specs';
import type { ReasonName, SymbolSpec } from './types';

const SYM = 'BTC-USD';

/** Reason a lone limit sell at `price` gets from an engine in `spec` that last traded at `last` (0: never). */
function verdict(spec: SymbolSpec, last: number, price: number): ReasonName | 'ACCEPTED' {
  const eng = new MatchingEngine({ symbols: [spec] });
  let seq = 0;
  if (last > 0) {
    // a resting sell and a buy that takes it: the last trade is at `last`
    eng.apply({
      type: 'place',
      seq: ++seq,
      time: seq,
      symbol: SYM,
      orderId: 1,
      account: 1,
      side: 'sell',
      orderType: 'limit',
      timeInForce: 'GTC',
      price: last,
      quantity: 1,
    });
    const t = eng.apply({
      type: 'place',
      seq: ++seq,
      time: seq,
      symbol: SYM,
      orderId: 2,
      account: 2,
      side: 'buy',
      orderType: 'limit',
      timeInForce: 'IOC',
      price: last,
      quantity: 1,
    });
    if (!t.some((e) => e.type === 'trade')) throw new Error(`no trade at ${last}`);
  }
  const ev = eng.apply({
    type: 'place',
    seq: ++seq,
    time: seq,
    symbol: SYM,
    orderId: 9,
    account: 3,
    side: 'sell',
    orderType: 'limit',
    timeInForce: 'IOC',
    price,
    quantity: 1,
  });
  return ev[0].type === 'rejected' ? ev[0].reason : 'ACCEPTED';
}

describe('acceptedBand', () => {
  it('is ±bandBps around the reference, half-width rounded down, both edges inclusive', () => {
    expect(priceBand(4_200_000, 1000)).toEqual([3_780_000, 4_620_000]);
    expect(priceBand(1001, 333)).toEqual([968, 1034]);
    expect(priceBand(1000, 335)).toEqual([967, 1033]);
    const spec = testSpec(SYM, { bandBps: 1000, referencePrice: 4_200_000, maxPrice: 100_000_000 });
    expect(acceptedBand(spec, 0)).toEqual({ low: 3_780_000, high: 4_620_000 });
    expect(acceptedBand(spec, 4_000_000)).toEqual({ low: 3_600_000, high: 4_400_000 });
  });

  it('brings the edges inwards onto the tick grid and into the price range', () => {
    // 3.33 % of 1000 = 33 ⇒ 967..1033 ⇒ on a grid of 5: 970..1030
    expect(acceptedBand(testSpec(SYM, { bandBps: 333, tickSize: 5, minPrice: 5, referencePrice: 1000 }), 0)).toEqual({
      low: 970,
      high: 1030,
    });
    expect(acceptedBand(testSpec(SYM, { bandBps: 5000, minPrice: 600, maxPrice: 1200, referencePrice: 1000 }), 0)).toEqual({
      low: 600,
      high: 1200,
    });
  });

  it('is null when no band applies: band off, or neither a trade nor a reference price', () => {
    expect(acceptedBand(testSpec(SYM, { bandBps: 1000 }), 0)).toBeNull();
    expect(acceptedBand(testSpec(SYM, { bandBps: 0, referencePrice: 1000 }), 1000)).toBeNull();
    expect(acceptedBand(testSpec(SYM, { bandBps: 1000 }), 1000)).toEqual({ low: 900, high: 1100 });
  });

  it('agrees with the engine at both edges and one tick beyond', () => {
    const tick = fc.integer({ min: 1, max: 50 });
    const arb = tick.chain((t) =>
      fc.record({
        tick: fc.constant(t),
        minTicks: fc.integer({ min: 1, max: 100 }),
        spanTicks: fc.integer({ min: 10, max: 5_000 }),
        bandBps: fc.integer({ min: 1, max: 10_000 }),
        at: fc.double({ min: 0, max: 1, noNaN: true }),
        viaTrade: fc.boolean(),
      }),
    );
    fc.assert(
      fc.property(arb, ({ tick: t, minTicks, spanTicks, bandBps, at, viaTrade }) => {
        const minPrice = minTicks * t;
        const maxPrice = minPrice + spanTicks * t;
        const ref = minPrice + Math.floor(at * spanTicks) * t;
        const spec = testSpec(SYM, { tickSize: t, minPrice, maxPrice, bandBps, ...(viaTrade ? {} : { referencePrice: ref }) });
        const last = viaTrade ? ref : 0;
        const band = acceptedBand(spec, last);
        if (!band) throw new Error('a band applies here');
        expect(verdict(spec, last, band.high)).toBe('ACCEPTED');
        expect(verdict(spec, last, band.low)).toBe('ACCEPTED');
        // one tick beyond: out of band, or out of range where the range ends first
        expect(verdict(spec, last, band.high + t)).toBe(band.high === maxPrice ? 'PRICE_OUT_OF_RANGE' : 'PRICE_OUT_OF_BAND');
        if (band.low - t > 0)
          expect(verdict(spec, last, band.low - t)).toBe(band.low === minPrice ? 'PRICE_OUT_OF_RANGE' : 'PRICE_OUT_OF_BAND');
      }),
      { numRuns: 500 },
    );
  });
});

describe('the band in the engine state', () => {
  it('is part of the checksum and comes back from a snapshot', () => {
    const listed = new MatchingEngine({ symbols: [testSpec(SYM, { bandBps: 1000, referencePrice: 1000 })] });
    const unlisted = new MatchingEngine({ symbols: [testSpec(SYM, { bandBps: 1000 })] });
    const wider = new MatchingEngine({ symbols: [testSpec(SYM, { bandBps: 2000, referencePrice: 1000 })] });
    expect(new Set([listed.checksum(), unlisted.checksum(), wider.checksum()]).size).toBe(3);
    const restored = MatchingEngine.restore(listed.snapshot());
    expect(restored.checksum()).toBe(listed.checksum());
    expect(restored.symbols[0].referencePrice).toBe(1000);
    const refused = restored.apply({
      type: 'place',
      seq: 1,
      time: 1,
      symbol: SYM,
      orderId: 1,
      account: 1,
      side: 'sell',
      orderType: 'limit',
      price: 1101,
      quantity: 1,
    });
    expect(refused).toMatchObject([{ type: 'rejected', reason: 'PRICE_OUT_OF_BAND' }]);
  });
});
