/** How one order's state is told from its events (a unit of its own: events made by hand). */
import { DEFAULT_MARKET } from '../../matching-host/server/market-config';
import type { OrderEventRecord } from '../shared/ports/order-history';
import { closedOrderState, openOrderState } from './order-state';
import { Order } from './responses';

const specs = new Map(DEFAULT_MARKET.symbols.map((s) => [s.symbol, s]));
const base = { account: 7, orderId: 42, clientOrderId: 'c-42', symbol: 'BTC-USD', side: 'sell' } as const;
let seq = 100;
const ev = (type: OrderEventRecord['type'], fields: Partial<OrderEventRecord> = {}): OrderEventRecord => ({ seq: ++seq, idx: 0, time: Date.UTC(2026, 0, 1, 0, 0, seq), type, ...base, ...fields });
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
    expect(o).toMatchObject({ orderId: '42', status: 'FILLED', price: '42000.00', quantity: '0.3000', filled: '0.3000', leaves: '0.0000', closedAt: new Date(events[2].time).toISOString() });
    expect(o.fills.map((f) => f.tradeId)).toEqual(['BTC-USD:1', 'BTC-USD:2']);
    expect(o.reason).toBeUndefined();
  });

  it('tells CANCELED and EXPIRED with their reason, and the terms of the last replace', () => {
    const replaced = ev('replaced', { price: '42100.00', quantity: '0.5000', leaves: '0.5000', reason: 'PRIORITY_LOST' });
    expect(closedOrderState([accepted(), replaced, ev('canceled', { quantity: '0.5000', leaves: '0.0000', reason: 'USER_CANCELED' })], specs)).toMatchObject({
      status: 'CANCELED', reason: 'USER_CANCELED', price: '42100.00', quantity: '0.5000', filled: '0.0000',
    });
    expect(closedOrderState([accepted(), ev('expired', { reason: 'GTD_EXPIRED' })], specs)).toMatchObject({ status: 'EXPIRED', reason: 'GTD_EXPIRED' });
  });

  it('takes a refused cancel (another’s order, or none) for no order of the requester’s, and never for a later end', () => {
    const refusedCancel = ev('rejected', { symbol: undefined, side: 'buy', reason: 'UNKNOWN_ORDER' });
    expect(closedOrderState([refusedCancel], specs)).toBeNull();
    const rejected = ev('rejected', { reason: 'POST_ONLY_WOULD_TAKE' });
    expect(closedOrderState([rejected, refusedCancel], specs)).toMatchObject({ status: 'REJECTED', reason: 'POST_ONLY_WOULD_TAKE', closedAt: new Date(rejected.time).toISOString() });
    const canceled = ev('canceled', { reason: 'USER_CANCELED', leaves: '0.0000' });
    expect(closedOrderState([accepted(), canceled, ev('rejected', { symbol: undefined, reason: 'UNKNOWN_ORDER' })], specs)).toMatchObject({ status: 'CANCELED', reason: 'USER_CANCELED' });
  });

  it('takes a rejection as the end only of an order never accepted (a refused replace leaves it open)', () => {
    expect(closedOrderState([accepted(), ev('rejected', { reason: 'QUANTITY_BELOW_FILLED' })], specs)).toBeNull();
    const rejected = Order.parse(closedOrderState([ev('rejected', { reason: 'INSUFFICIENT_FUNDS' })], specs));
    expect(rejected).toMatchObject({ status: 'REJECTED', reason: 'INSUFFICIENT_FUNDS', filled: '0.0000', leaves: '0.0000', fills: [] });
    expect(rejected).not.toHaveProperty('price');
    expect(rejected).not.toHaveProperty('time');
  });
});

describe('openOrderState', () => {
  it('takes the state from the host and the fills from the history', () => {
    const host = { orderId: 42, clientOrderId: 'c-42', symbol: 'BTC-USD', side: 'sell' as const, price: '42000.00', quantity: '0.3000', filled: '0.1000', leaves: '0.2000', timeInForce: 'GTC', time: Date.UTC(2026, 0, 1) };
    const o = Order.parse(openOrderState(host, [accepted(), fill('0.1000', '0.2000', 'BTC-USD:1')]));
    expect(o).toMatchObject({ status: 'PARTIALLY_FILLED', leaves: '0.2000', timeInForce: 'GTC', fills: [{ tradeId: 'BTC-USD:1', liquidity: 'maker' }] });
    expect(openOrderState({ ...host, filled: '0.0000', leaves: '0.3000' }, [])).toMatchObject({ status: 'OPEN', fills: [] });
  });
});
