/**
 * `npm run demo:engine`: feed a few orders through the matching engine and print what happens.
 * Prices and quantities enter as decimal strings and are converted exactly at this edge.
 */
import { MatchingEngine, type Command, type EngineEvent, type SymbolSpec } from '../matching-host/engine';
import { fromUnits, toUnits } from '../matching-host/proto/decimal';

const BTC_USD: SymbolSpec = {
  symbol: 'BTC-USD',
  base: 'BTC',
  quote: 'USD',
  priceDecimals: 2,
  qtyDecimals: 8,
  tickSize: 1, // 0.01 USD
  lotSize: 1000, // 0.00001 BTC
  minPrice: 1,
  maxPrice: 100_000_000, // 1,000,000.00
  minQty: 1000,
  maxQty: 100_000_000_000, // 1,000 BTC
  bandBps: 1000, // ±10 % around the last trade
  referencePrice: 4_200_000, // 42,000.00 until the first trade
};

const engine = new MatchingEngine({ symbols: [BTC_USD] });
let seq = 0;
let time = Date.UTC(2026, 10, 25, 12, 0, 0);

const price = (p: string): number => toUnits(p, BTC_USD.priceDecimals);
const qty = (q: string): number => toUnits(q, BTC_USD.qtyDecimals);
const showPrice = (p: number): string => fromUnits(p, BTC_USD.priceDecimals);
const showQty = (q: number): string => fromUnits(q, BTC_USD.qtyDecimals);

function describe(e: EngineEvent): string {
  switch (e.type) {
    case 'accepted':
      return `accepted  #${e.orderId} ${e.side} ${showQty(e.quantity)}${e.price ? ` @ ${showPrice(e.price)}` : ' at market'}`;
    case 'trade':
      return `trade     ${showQty(e.quantity)} @ ${showPrice(e.price)}  taker #${e.orderId} (${e.side}) × maker #${e.makerOrderId}`;
    case 'book_delta':
      return `level     ${e.side} ${showPrice(e.price)} → ${showQty(e.quantity)} (${e.leaves} orders)`;
    default:
      return `${e.type.padEnd(9)} #${e.orderId} ${showQty(e.quantity)} ${e.reason}`;
  }
}

function run(label: string, cmd: Omit<Command, 'seq' | 'time'>): void {
  time += 250;
  const events = engine.apply({ ...cmd, seq: ++seq, time } as Command);
  console.log(`\n> ${label}`);
  for (const e of events) console.log(`  [${e.sequence}] ${describe(e)}`);
}

let nextId = 1;
const place = (label: string, o: Partial<Extract<Command, { type: 'place' }>>): void =>
  run(label, { type: 'place', symbol: 'BTC-USD', orderId: nextId++, orderType: 'limit', ...o });

place('alice sells 0.5 BTC at 42,010.00', { account: 1, side: 'sell', price: price('42010.00'), quantity: qty('0.5') });
place('bob sells 0.25 BTC at 42,005.50', { account: 2, side: 'sell', price: price('42005.50'), quantity: qty('0.25') });
place('carol bids 1 BTC at 41,990.00', { account: 3, side: 'buy', price: price('41990.00'), quantity: qty('1') });
place('dave buys 0.6 BTC at 42,010.00 (crosses two levels)', { account: 4, side: 'buy', price: price('42010.00'), quantity: qty('0.6') });
place('erin post-only bid at 42,010.00 (would take: rejected)', {
  account: 5,
  side: 'buy',
  price: price('42010.00'),
  quantity: qty('0.1'),
  postOnly: true,
});
place('frank FOK buy 5 BTC (not enough liquidity: killed)', {
  account: 6,
  side: 'buy',
  price: price('42100.00'),
  quantity: qty('5'),
  timeInForce: 'FOK',
});
place('carol sells 0.1 BTC at market into her own bid (self-trade prevented)', {
  account: 3,
  side: 'sell',
  orderType: 'market',
  quantity: qty('0.1'),
});
place('grace sells 0.3 BTC at market', { account: 7, side: 'sell', orderType: 'market', quantity: qty('0.3') });

const l2 = engine.l2('BTC-USD', 10);
console.log('\nBook (L2):');
for (const a of [...l2.asks].reverse()) console.log(`  ask ${showPrice(a.price).padStart(10)}  ${showQty(a.quantity)}  (${a.orders})`);
for (const b of l2.bids) console.log(`  bid ${showPrice(b.price).padStart(10)}  ${showQty(b.quantity)}  (${b.orders})`);
console.log(`\nsequence ${l2.sequence}, checksum ${engine.checksum('BTC-USD')}`);
const restored = MatchingEngine.restore(engine.snapshot());
console.log(`restored from a ${engine.snapshot().length}-byte snapshot: checksum ${restored.checksum('BTC-USD')}`);
