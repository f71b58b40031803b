/** How one order's state is told from its events (a unit of its own: events made by hand). */
import { DEFAULT_MARKET } from '../../matching-host/proto/market-config';
import type { OrderEventRecord } from '../shared/ports/order-history';
import { closedOrderState, openOrderState, refusedRequest } from './order-state';
import { Order } from './responses';

const specs = new Map(DEFAULT_MARKET.symbols.map((s) => [s.symbol, s]));
const base = { account: 7, orderId: 42, clientOrderId: 'c-42', symbol: 'BTC-USD', side: 'sell' } as const;
let seq = 100;
const ev = (type: OrderEventRecord['type'], fields: Partial<OrderEventRecord> = {}): OrderEventRecord => ({
  seq: ++seq,
  idx: 0,
  time: Date.UTC(2026, 0, 1, 0, 0, seq),
  type,
  ...base,
  ...fields,
});
const accepted = (): OrderEventRecord => ev('accepted', { price: '42000.00', quantity: '0.3000', leaves: '0.3000' });
const fill = (quantity: string, leaves: string, tradeId: string): OrderEventRecord =>
  ev('fill', { price: '42000.00', quantity, leaves, fill: { tradeId, liquidity: 'maker', counterOrderId: 9 } });

describe('closedOrderState', () => {
  it('is null while the order has not left the book', () => {
    expect(closedOrderState([], specs)).toBeNull();
    expect(closedOrderState([accepted(), fill('0.1000', '0.2000', 'BTC-USD:1')], specs)).toBeNull();
  });

  it('tells a FILLED order with every fill, summed exactly', () => {
    const events = [accepted(), fill('0.1000', '0.2000', 'BTC-USD:1'), fill('0.2000', '0.0000', 'BTC-USD:2')];
    const o = Order.parse(closedOrderState(events, specs));
    expect(o).toMatchObject({
      orderId: '42',
      status: 'FILLED',
      price: '42000.00',
      quantity: '0.3000',
      filled: '0.3000',
      leaves: '0.0000',
      closedAt: new Date(events[2].time).toISOString(),
    });
    expect(o.fills?.map((f) => f.tradeId)).toEqual(['BTC-USD:1', 'BTC-USD:2']);
    expect(o.reason).toBeUndefined();
  });

  it('tells CANCELED and EXPIRED with their reason, and the terms of the last replace', () => {
    const replaced = ev('replaced', { price: '42100.00', quantity: '0.5000', leaves: '0.5000', reason: 'PRIORITY_LOST' });
    expect(
      closedOrderState([accepted(), replaced, ev('canceled', { quantity: '0.5000', leaves: '0.0000', reason: 'USER_CANCELED' })], specs),
    ).toMatchObject({
      status: 'CANCELED',
      reason: 'USER_CANCELED',
      price: '42100.00',
      quantity: '0.5000',
      filled: '0.0000',
    });
    expect(closedOrderState([accepted(), ev('expired', { reason: 'GTD_EXPIRED' })], specs)).toMatchObject({
      status: 'EXPIRED',
      reason: 'GTD_EXPIRED',
    });
  });

  it('takes a refused cancel (another’s order, or none) for no order of the requester’s, and never for a later end', () => {
    const refusedCancel = ev('rejected', { symbol: undefined, side: 'buy', reason: 'UNKNOWN_ORDER' });
    expect(closedOrderState([refusedCancel], specs)).toBeNull();
    const rejected = ev('rejected', { reason: 'POST_ONLY_WOULD_TAKE' });
    expect(closedOrderState([rejected, refusedCancel], specs)).toMatchObject({
      status: 'REJECTED',
      reason: 'POST_ONLY_WOULD_TAKE',
      closedAt: new Date(rejected.time).toISOString(),
    });
    const canceled = ev('canceled', { reason: 'USER_CANCELED', leaves: '0.0000' });
    expect(closedOrderState([accepted(), canceled, ev('rejected', { symbol: undefined, reason: 'UNKNOWN_ORDER' })], specs)).toMatchObject({
      status: 'CANCELED',
      reason: 'USER_CANCELED',
    });
  });

  it('takes a rejection as the end only of an order never accepted (a refused replace leaves it open)', () => {
    expect(closedOrderState([accepted(), ev('rejected', { reason: 'QUANTITY_BELOW_FILLED' })], specs)).toBeNull();
    const rejected = Order.parse(closedOrderState([ev('rejected', { reason: 'INSUFFICIENT_FUNDS' })], specs));
    expect(rejected).toMatchObject({ status: 'REJECTED', reason: 'INSUFFICIENT_FUNDS', filled: '0.0000', leaves: '0.0000', fills: [] });
    expect(rejected).not.toHaveProperty('price');
    expect(rejected).not.toHaveProperty('time');
  });
});

describe('refusedRequest', () => {
  it('goes by the request the host names: only a refused placement is an order’s end', () => {
    for (const reason of ['SYMBOL_HALTED', 'PRICE_OUT_OF_BAND', 'QUANTITY_BELOW_FILLED', 'POST_ONLY_WOULD_TAKE', 'INSUFFICIENT_FUNDS']) {
      // a refused replace of one's own order carries the book's symbol, as a placement's rejection does
      const replace = ev('rejected', { reason, request: 'replace' });
      expect(refusedRequest(replace)).toBe(true);
      expect(closedOrderState([replace], specs)).toBeNull();
      expect(refusedRequest(ev('rejected', { reason, request: 'place' }))).toBe(false);
    }
    expect(refusedRequest(ev('rejected', { symbol: undefined, reason: 'UNKNOWN_ORDER', request: 'cancel' }))).toBe(true);
    expect(closedOrderState([ev('rejected', { reason: 'POST_ONLY_WOULD_TAKE', request: 'place' })], specs)).toMatchObject({
      status: 'REJECTED',
      reason: 'POST_ONLY_WOULD_TAKE',
    });
    expect(refusedRequest(accepted())).toBe(false);
  });

  it('tells events from before the host named the request by what they carry', () => {
    expect(refusedRequest(ev('rejected', { reason: 'POST_ONLY_WOULD_TAKE' }))).toBe(false);
    expect(refusedRequest(ev('rejected', { symbol: undefined, reason: 'INSUFFICIENT_FUNDS' }))).toBe(true);
    expect(refusedRequest(ev('rejected', { reason: 'UNKNOWN_ORDER' }))).toBe(true);
  });
});

describe('openOrderState', () => {
  it('takes the state from the host and the fills from the history', () => {
    const host = {
      orderId: 42,
      clientOrderId: 'c-42',
      symbol: 'BTC-USD',
      side: 'sell' as const,
      price: '42000.00',
      quantity: '0.3000',
      filled: '0.1000',
      leaves: '0.2000',
      timeInForce: 'GTC',
      time: Date.UTC(2026, 0, 1),
    };
    const o = Order.parse(openOrderState(host, [accepted(), fill('0.1000', '0.2000', 'BTC-USD:1')]));
    expect(o).toMatchObject({
      status: 'PARTIALLY_FILLED',
      leaves: '0.2000',
      timeInForce: 'GTC',
      fills: [{ tradeId: 'BTC-USD:1', liquidity: 'maker' }],
    });
    expect(openOrderState({ ...host, filled: '0.0000', leaves: '0.3000' }, [])).toMatchObject({ status: 'OPEN', fills: [] });
  });

  it('leaves the fills out (not empty) when the history could not be read', () => {
    const host = {
      orderId: 42,
      clientOrderId: 'c-42',
      symbol: 'BTC-USD',
      side: 'sell' as const,
      price: '42000.00',
      quantity: '0.3000',
      filled: '0.1000',
      leaves: '0.2000',
      timeInForce: 'GTC',
      time: Date.UTC(2026, 0, 1),
    };
    const o = Order.parse(openOrderState(host, null));
    expect(o).toMatchObject({ status: 'PARTIALLY_FILLED', filled: '0.1000' });
    expect(o).not.toHaveProperty('fills');
  });
});
