/**
 * One order's state from what is known of it: the matching host's open order (the truth while it
 * rests) and its events in the order history (fills, and how it ended once it left the book).
 */
import { fromUnits, toUnits } from '../../matching-host/proto/decimal';
import type { SymbolSpec } from '../../matching-host/proto/market-config';
import type { HostOpenOrder } from '../shared/ports/matching-host';
import type { OrderEventRecord } from '../shared/ports/order-history';
import type { Order } from './responses';

type Fills = NonNullable<Order['fills']>;

const iso = (ms: number): string => new Date(ms).toISOString();
const hasUnits = (decimal: string | undefined): boolean => /[1-9]/.test(decimal ?? '0');

function fillsOf(events: readonly OrderEventRecord[]): Fills {
  return events
    .filter((e) => e.type === 'fill' && e.fill)
    .map((e) => ({
      tradeId: e.fill?.tradeId ?? '',
      price: e.price ?? '',
      quantity: e.quantity ?? '',
      liquidity: e.fill?.liquidity ?? 'taker',
      time: iso(e.time),
    }));
}

/**
 * An order the host holds: its state from the host, its fills so far from the history (which may
 * trail by a moment). `events` null: the history could not be read, so no fills are claimed.
 */
export function openOrderState(o: HostOpenOrder, events: readonly OrderEventRecord[] | null): Order {
  return {
    orderId: String(o.orderId),
    clientOrderId: o.clientOrderId,
    symbol: o.symbol,
    side: o.side,
    status: hasUnits(o.filled) ? 'PARTIALLY_FILLED' : 'OPEN',
    price: o.price,
    quantity: o.quantity,
    filled: o.filled,
    leaves: o.leaves,
    timeInForce: o.timeInForce as Order['timeInForce'],
    time: iso(o.time),
    ...(events ? { fills: fillsOf(events) } : {}),
  };
}

/**
 * A refusal of a request about an order (a cancel or replace of one's own, of someone else's, or
 * of no order) is recorded as a rejection in the requester's history, with the order's id: it
 * neither ends the order nor says whose it is. Only a placement's rejection is an order's end.
 * The host names the refused request; events from before it did are told apart by what they
 * carry (a placement's names its symbol, a refused cancel none), which misses a refused replace
 * of one's own order.
 */
export function refusedRequest(e: OrderEventRecord): boolean {
  if (e.type !== 'rejected') return false;
  if (e.request) return e.request !== 'place';
  return !e.symbol || e.reason === 'UNKNOWN_ORDER';
}

/**
 * A closed order from its events (oldest first), or null while its closing event has not reached
 * the history. The first closing event tells how it ended; a rejection closes an order only if it
 * is a placement's (the order was never accepted): a refused replace leaves the order as it was.
 */
export function closedOrderState(events: readonly OrderEventRecord[], specs: ReadonlyMap<string, SymbolSpec>): Order | null {
  let accepted: OrderEventRecord | undefined;
  let terms: OrderEventRecord | undefined;
  let closing: { status: Order['status']; event: OrderEventRecord } | undefined;
  for (const e of events) {
    if (closing) break;
    if (e.type === 'accepted') accepted = terms = e;
    else if (e.type === 'replaced') terms = e;
    else if (e.type === 'fill' && !hasUnits(e.leaves)) closing = { status: 'FILLED', event: e };
    else if (e.type === 'canceled') closing = { status: 'CANCELED', event: e };
    else if (e.type === 'expired') closing = { status: 'EXPIRED', event: e };
    else if (e.type === 'rejected' && !accepted && !refusedRequest(e)) closing = { status: 'REJECTED', event: e };
  }
  if (!closing) return null;
  const first = accepted ?? closing.event;
  const symbol = first.symbol ?? events.find((e) => e.symbol)?.symbol ?? '';
  const fills = fillsOf(events);
  const decimals = specs.get(symbol)?.qtyDecimals ?? Math.max(0, ...fills.map((f) => f.quantity.split('.')[1]?.length ?? 0));
  const filled = fromUnits(
    fills.reduce((sum, f) => sum + toUnits(f.quantity, decimals), 0),
    decimals,
  );
  const why = closing.event.reason;
  return {
    orderId: String(first.orderId),
    clientOrderId: first.clientOrderId ?? events.find((e) => e.clientOrderId)?.clientOrderId ?? '',
    symbol,
    side: (first.side ?? events.find((e) => e.side)?.side) as Order['side'],
    status: closing.status,
    ...(terms ? { price: terms.price, quantity: terms.quantity } : {}),
    filled,
    leaves: fromUnits(0, decimals),
    ...(why && why !== 'NONE' ? { reason: why } : {}),
    ...(accepted ? { time: iso(accepted.time) } : {}),
    closedAt: iso(closing.event.time),
    fills,
  };
}
