/**
 * Placing and managing the caller's orders. Everything a symbol's rules can refuse is refused here
 * before the matching host is asked; the host decides the rest (funds, post-only, self-trade …)
 * and answers with the order's state and fills. A clientOrderId names one order: a retry gets the
 * same order back. A trader reaches only their own orders (the host is asked with their account).
 */
import { fromUnits } from '../../matching-host/engine/decimal';
import type { SymbolSpec } from '../../matching-host/engine/types';
import type { Caller } from '../shared/caller';
import { AppError, badRequest } from '../shared/errors';
import type { MarketDataPort } from '../shared/ports/market-data';
import type { OrderEventRecord, OrderHistoryStore } from '../shared/ports/order-history';
import type { HostOpenOrder, HostOrderReply, MatchingHostPort } from '../shared/ports/matching-host';
import type { PlaceOrder } from './schemas';
import { checkPrice, checkQuantity } from './symbol-rules';

export interface OrderView {
  orderId: string;
  clientOrderId: string;
  symbol: string;
  side: string;
  status: string;
  price: string;
  quantity: string;
  filled: string;
  leaves: string;
  fills?: { price: string; quantity: string; liquidity: string; tradeSequence: number }[];
  reason?: string;
  /** the host's command sequence that produced this state */
  sequence?: number;
  timeInForce?: string;
  time?: string;
}

const notFound = (): AppError => new AppError(404, 'NOT_FOUND', 'no such open order');

export interface FillView {
  tradeId: string;
  orderId: string;
  clientOrderId: string;
  symbol: string;
  side: string;
  price: string;
  quantity: string;
  liquidity: string;
  time: string;
}

/** The event that took an order out of the book: a fill with nothing left, a cancel, an expiry, a rejection. */
function isClosing(e: OrderEventRecord): boolean {
  return e.type !== 'fill' || !/[1-9]/.test(e.leaves ?? '0');
}

const CLOSED_STATUS: Record<string, string> = { fill: 'FILLED', canceled: 'CANCELED', expired: 'EXPIRED', rejected: 'REJECTED' };

/** A closed order as its closing event tells it: how it ended, and that event's price and quantity. */
export interface ClosedOrderView {
  orderId: string;
  clientOrderId: string;
  symbol: string;
  side: string;
  status: string;
  reason?: string;
  closedAt: string;
  /** the host's command sequence that closed it */
  sequence: number;
  /** the closing event: the last fill (price, quantity), or what a cancel/expiry removed */
  last: { type: string; price?: string; quantity?: string };
}

function closedView(e: OrderEventRecord): ClosedOrderView {
  return {
    orderId: String(e.orderId ?? ''), clientOrderId: e.clientOrderId ?? '', symbol: e.symbol ?? '', side: e.side ?? '', status: CLOSED_STATUS[e.type] ?? e.type,
    ...(e.reason && e.reason !== 'NONE' ? { reason: e.reason } : {}), closedAt: new Date(e.time).toISOString(), sequence: e.seq,
    last: { type: e.type, ...(e.price ? { price: e.price } : {}), ...(e.quantity ? { quantity: e.quantity } : {}) },
  };
}

export class OrderService {
  private readonly specs: Map<string, SymbolSpec>;

  constructor(
    private readonly host: MatchingHostPort,
    private readonly market: MarketDataPort,
    private readonly history: OrderHistoryStore,
    symbols: readonly SymbolSpec[],
    private readonly now: () => number = Date.now,
  ) {
    this.specs = new Map(symbols.map((s) => [s.symbol, s]));
  }

  /** The order after the host ran it; `replayed` when its clientOrderId named an order already placed. */
  async place(caller: Caller, o: PlaceOrder): Promise<{ order: OrderView; replayed: boolean }> {
    const spec = this.spec(o.symbol);
    checkQuantity(spec, o.quantity);
    if (o.price !== undefined) checkPrice(spec, o.price, (await this.market.ticker(o.symbol))?.last ?? null);
    let expireTime: number | undefined;
    if (o.expireTime !== undefined) {
      expireTime = Date.parse(o.expireTime);
      if (!(expireTime > this.now())) throw badRequest('INVALID_EXPIRE_TIME', 'expireTime must be in the future');
    }
    const r = await this.host.placeOrder(caller.accountNo, {
      clientOrderId: o.clientOrderId, symbol: o.symbol, side: o.side, type: o.type, timeInForce: o.timeInForce, price: o.price,
      quantity: o.quantity, postOnly: o.postOnly, stp: o.stp, expireTime,
    });
    if (r.status === 'REJECTED') throw new AppError(422, r.reason, `the order was rejected: ${r.reason}`);
    return { order: this.reply(r), replayed: r.duplicate };
  }

  async get(caller: Caller, orderId: number): Promise<OrderView> {
    const o = await this.host.getOrder(caller.accountNo, orderId);
    if (!o) throw notFound();
    return this.open(o);
  }

  async listOpen(caller: Caller, symbol?: string): Promise<OrderView[]> {
    if (symbol) this.spec(symbol);
    return (await this.host.openOrders(caller.accountNo, symbol)).map((o) => this.open(o));
  }

  /** Orders that left the book (filled, canceled, expired, rejected), newest first, from the order history. */
  async listClosed(caller: Caller, q: { symbol?: string; limit: number; cursor?: string }): Promise<{ orders: ClosedOrderView[]; nextCursor?: string }> {
    if (q.symbol) this.spec(q.symbol);
    const r = await this.history.list(caller.accountNo, { limit: q.limit, before: q.cursor, types: ['fill', 'canceled', 'expired', 'rejected'], where: (e) => isClosing(e) && (!q.symbol || e.symbol === q.symbol) });
    return { orders: r.items.map(closedView), ...(r.next ? { nextCursor: r.next } : {}) };
  }

  /** The caller's fills, newest first. */
  async fills(caller: Caller, q: { symbol?: string; limit: number; cursor?: string }): Promise<{ fills: FillView[]; nextCursor?: string }> {
    if (q.symbol) this.spec(q.symbol);
    const r = await this.history.list(caller.accountNo, { limit: q.limit, before: q.cursor, types: ['fill'], where: (e) => !q.symbol || e.symbol === q.symbol });
    return {
      fills: r.items.map((e) => ({
        tradeId: e.fill?.tradeId ?? '', orderId: String(e.orderId ?? ''), clientOrderId: e.clientOrderId ?? '', symbol: e.symbol ?? '', side: e.side ?? '',
        price: e.price ?? '', quantity: e.quantity ?? '', liquidity: e.fill?.liquidity ?? '', time: new Date(e.time).toISOString(),
      })),
      ...(r.next ? { nextCursor: r.next } : {}),
    };
  }

  async cancel(caller: Caller, orderId: number): Promise<{ canceled: string[] }> {
    let canceled: number[];
    try {
      canceled = await this.host.cancelOrder(caller.accountNo, orderId);
    } catch (e) {
      // another account's order is reported exactly like a missing one
      if (e instanceof AppError && e.code === 'UNKNOWN_ORDER') throw notFound();
      throw e;
    }
    if (canceled.length === 0) throw notFound();
    return { canceled: canceled.map(String) };
  }

  async cancelAll(caller: Caller, symbol?: string): Promise<{ canceled: string[] }> {
    if (symbol) this.spec(symbol);
    return { canceled: (await this.host.cancelAll(caller.accountNo, symbol)).map(String) };
  }

  /** Dead-man switch: every open order of the caller is canceled `timeoutSeconds` from now unless re-armed first; 0 disarms. */
  async cancelAfter(caller: Caller, timeoutSeconds: number): Promise<{ armed: boolean; deadline: string | null }> {
    const deadline = await this.host.cancelAllAfter(caller.accountNo, timeoutSeconds * 1000);
    return { armed: deadline !== 0, deadline: deadline === 0 ? null : new Date(deadline).toISOString() };
  }

  /** A new price and quantity for an open order of the caller's (it loses its time priority). */
  async replace(caller: Caller, orderId: number, price: string, quantity: string): Promise<OrderView> {
    const o = await this.host.getOrder(caller.accountNo, orderId);
    if (!o) throw notFound();
    const spec = this.spec(o.symbol);
    checkQuantity(spec, quantity);
    checkPrice(spec, price, (await this.market.ticker(o.symbol))?.last ?? null);
    try {
      await this.host.replaceOrder(caller.accountNo, orderId, price, quantity);
    } catch (e) {
      if (e instanceof AppError && e.code === 'UNKNOWN_ORDER') throw notFound();
      throw e;
    }
    const now = await this.host.getOrder(caller.accountNo, orderId);
    // filled or canceled by the replace (a lower quantity than already filled …): no longer open
    return now ? this.open(now) : { ...this.open(o), status: 'CLOSED', leaves: fromUnits(0, spec.qtyDecimals) };
  }

  private spec(symbol: string): SymbolSpec {
    const s = this.specs.get(symbol);
    if (!s) throw badRequest('UNKNOWN_SYMBOL', `unknown symbol ${symbol}; known: ${[...this.specs.keys()].join(', ')}`);
    return s;
  }

  private reply(r: HostOrderReply): OrderView {
    return {
      orderId: String(r.orderId), clientOrderId: r.clientOrderId, symbol: r.symbol, side: r.side, status: r.status, price: r.price, quantity: r.quantity,
      filled: r.filled, leaves: r.leaves, fills: r.fills.map((f) => ({ price: f.price, quantity: f.quantity, liquidity: f.liquidity, tradeSequence: f.sequence })),
      ...(r.reason && r.reason !== 'NONE' ? { reason: r.reason } : {}), sequence: r.seq,
    };
  }

  private open(o: HostOpenOrder): OrderView {
    return {
      orderId: String(o.orderId), clientOrderId: o.clientOrderId, symbol: o.symbol, side: o.side, status: /[1-9]/.test(o.filled) ? 'PARTIALLY_FILLED' : 'OPEN',
      price: o.price, quantity: o.quantity, filled: o.filled, leaves: o.leaves, timeInForce: o.timeInForce, time: new Date(o.time).toISOString(),
    };
  }
}
