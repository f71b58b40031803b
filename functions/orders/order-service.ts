/**
 * Placing and managing the caller's orders. What a symbol's rules refuse is refused here before
 * the matching host is asked (the price band as the host last published it: without one, the host
 * decides); the host decides the rest (funds, post-only, self-trade …) and answers with the
 * order's state and fills. A clientOrderId names one order: a retry gets the
 * same order back. A trader reaches only their own orders (the host is asked with their account).
 * An order is answered in any state: open from the host, closed from the order history.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { SymbolSpec } from '../../matching-host/proto/market-config';
import type { Caller } from '../shared/caller';
import { AppError, badRequest, unavailable } from '../shared/errors';
import { logger } from '../shared/observability';
import type { MarketDataPort } from '../shared/ports/market-data';
import type { OrderEventRecord, OrderHistoryStore } from '../shared/ports/order-history';
import type { HostOpenOrder, HostOrderReply, MatchingHostPort } from '../shared/ports/matching-host';
import { closedOrderState, openOrderState, refusedRequest } from './order-state';
import type { RecentOrders } from './recent-orders';
import type { ClosedOrder, Fill, OpenOrder, Order, PlacedOrder } from './responses';
import type { PlaceOrder } from './schemas';
import { checkPrice, checkQuantity } from './symbol-rules';

/** the same answer for another account's order and for none at all, so ids cannot be probed */
const notFound = (): AppError => new AppError(404, 'NOT_FOUND', 'no such order');

/** The event that took an order out of the book: a fill with nothing left, a cancel, an expiry, a placement's rejection. */
function isClosing(e: OrderEventRecord): boolean {
  if (e.type === 'rejected') return !refusedRequest(e);
  return e.type !== 'fill' || !/[1-9]/.test(e.leaves ?? '0');
}

const CLOSED_STATUS = { fill: 'FILLED', canceled: 'CANCELED', expired: 'EXPIRED', rejected: 'REJECTED' } as const;
type ClosingType = keyof typeof CLOSED_STATUS;

function closedView(e: OrderEventRecord & { type: ClosingType }): ClosedOrder {
  return {
    orderId: String(e.orderId ?? ''),
    clientOrderId: e.clientOrderId ?? '',
    symbol: e.symbol ?? '',
    side: e.side ?? '',
    status: CLOSED_STATUS[e.type],
    ...(e.reason && e.reason !== 'NONE' ? { reason: e.reason } : {}),
    closedAt: new Date(e.time).toISOString(),
    sequence: e.seq,
    last: { type: e.type, ...(e.price ? { price: e.price } : {}), ...(e.quantity ? { quantity: e.quantity } : {}) },
  };
}

export interface HistoryWait {
  /** how long a lookup waits for the history to catch up with an order that left the book (ms) */
  maxMs: number;
  /** how often it looks again (ms) */
  everyMs: number;
}

export class OrderService {
  private readonly specs: Map<string, SymbolSpec>;

  constructor(
    private readonly host: MatchingHostPort,
    private readonly market: MarketDataPort,
    private readonly history: OrderHistoryStore,
    private readonly recent: RecentOrders,
    symbols: readonly SymbolSpec[],
    private readonly now: () => number = Date.now,
    private readonly historyWait: HistoryWait = { maxMs: 3_000, everyMs: 100 },
  ) {
    this.specs = new Map(symbols.map((s) => [s.symbol, s]));
  }

  /** The order after the host ran it; `replayed` when its clientOrderId named an order already placed. */
  async place(caller: Caller, o: PlaceOrder): Promise<{ order: PlacedOrder; replayed: boolean }> {
    const spec = this.spec(o.symbol);
    checkQuantity(spec, o.quantity);
    if (o.price !== undefined) checkPrice(spec, o.price, (await this.market.ticker(o.symbol))?.priceBand ?? null);
    let expireTime: number | undefined;
    if (o.expireTime !== undefined) {
      expireTime = Date.parse(o.expireTime);
      if (!(expireTime > this.now())) throw badRequest('INVALID_EXPIRE_TIME', 'expireTime must be in the future');
    }
    const r = await this.host.placeOrder(caller.accountNo, {
      clientOrderId: o.clientOrderId,
      symbol: o.symbol,
      side: o.side,
      type: o.type,
      timeInForce: o.timeInForce,
      price: o.price,
      quantity: o.quantity,
      postOnly: o.postOnly,
      stp: o.stp,
      expireTime,
    });
    await this.noteRecent(caller, r.orderId);
    if (r.status === 'REJECTED') throw new AppError(422, r.reason, `the order was rejected: ${r.reason}`);
    return { order: this.reply(r), replayed: r.duplicate };
  }

  /** One of the caller's orders in any state: open from the host, closed from the order history, with its fills. */
  async get(caller: Caller, orderId: number): Promise<Order> {
    const [open, history] = await Promise.allSettled([
      this.host.getOrder(caller.accountNo, orderId),
      this.history.ofOrder(caller.accountNo, orderId),
    ]);
    if (open.status === 'rejected') throw open.reason;
    // an open order is the host's to tell: a history that cannot be read costs only its fills
    if (open.value) return openOrderState(open.value, this.readable(history, orderId));
    if (history.status === 'rejected') throw history.reason;
    const events = history.value;
    const closed = closedOrderState(events, this.specs);
    if (closed) return closed;
    // no longer open, and how it ended has not reached the history yet: if it is the caller's
    // (the history has its earlier events, or it was placed moments ago) wait for it
    const theirs = events.some((e) => !refusedRequest(e)) || (await this.recent.placedRecently(caller.userId, orderId));
    if (!theirs) throw notFound();
    return this.awaitClosed(caller.accountNo, orderId);
  }

  /** The caller's order once its closing event is in the history; 503 (retry) if that takes longer than the wait. */
  private async awaitClosed(account: number, orderId: number): Promise<Order> {
    const until = this.now() + this.historyWait.maxMs;
    while (this.now() < until) {
      await sleep(this.historyWait.everyMs);
      const closed = closedOrderState(await this.history.ofOrder(account, orderId), this.specs);
      if (closed) return closed;
    }
    throw unavailable(1, 'the order has left the book and its history is catching up: retry shortly');
  }

  /** An open order's events, or null (logged) when the history could not be read. */
  private readable(history: PromiseSettledResult<OrderEventRecord[]>, orderId: number): OrderEventRecord[] | null {
    if (history.status === 'fulfilled') return history.value;
    logger.warn('order history unreadable: answering the open order without its fills', { error: history.reason as Error, orderId });
    return null;
  }

  /** Best effort: the order is placed whatever happens here; without the note a lookup in the next moments may 404. */
  private async noteRecent(caller: Caller, orderId: number): Promise<void> {
    try {
      await this.recent.remember(caller.userId, orderId);
    } catch (e) {
      logger.warn('could not note a recent order', { error: e as Error, orderId });
    }
  }

  async listOpen(caller: Caller, symbol?: string): Promise<OpenOrder[]> {
    if (symbol) this.spec(symbol);
    return (await this.host.openOrders(caller.accountNo, symbol)).map((o) => this.open(o));
  }

  /** Orders that left the book (filled, canceled, expired, rejected), newest first, from the order history. */
  async listClosed(
    caller: Caller,
    q: { symbol?: string; limit: number; cursor?: string },
  ): Promise<{ orders: ClosedOrder[]; nextCursor?: string }> {
    if (q.symbol) this.spec(q.symbol);
    const r = await this.history.list(caller.accountNo, {
      limit: q.limit,
      before: q.cursor,
      types: ['fill', 'canceled', 'expired', 'rejected'],
      where: (e) => isClosing(e) && (!q.symbol || e.symbol === q.symbol),
    });
    return {
      orders: r.items.map((e) => closedView(e as OrderEventRecord & { type: ClosingType })),
      ...(r.next ? { nextCursor: r.next } : {}),
    };
  }

  /** The caller's fills, newest first. */
  async fills(caller: Caller, q: { symbol?: string; limit: number; cursor?: string }): Promise<{ fills: Fill[]; nextCursor?: string }> {
    if (q.symbol) this.spec(q.symbol);
    const r = await this.history.list(caller.accountNo, {
      limit: q.limit,
      before: q.cursor,
      types: ['fill'],
      where: (e) => !q.symbol || e.symbol === q.symbol,
    });
    return {
      fills: r.items.map((e) => ({
        tradeId: e.fill?.tradeId ?? '',
        orderId: String(e.orderId ?? ''),
        clientOrderId: e.clientOrderId ?? '',
        symbol: e.symbol ?? '',
        side: e.side as Fill['side'],
        price: e.price ?? '',
        quantity: e.quantity ?? '',
        liquidity: e.fill?.liquidity ?? 'taker',
        time: new Date(e.time).toISOString(),
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

  /** A new price and quantity for an open order of the caller's: the order after the replace, in whatever state it left it. */
  async replace(caller: Caller, orderId: number, price: string, quantity: string): Promise<Order> {
    const o = await this.host.getOrder(caller.accountNo, orderId);
    if (!o) throw notFound();
    const spec = this.spec(o.symbol);
    checkQuantity(spec, quantity);
    checkPrice(spec, price, (await this.market.ticker(o.symbol))?.priceBand ?? null);
    try {
      await this.host.replaceOrder(caller.accountNo, orderId, price, quantity);
    } catch (e) {
      if (e instanceof AppError && e.code === 'UNKNOWN_ORDER') throw notFound();
      // what the host refuses of a checked replace is a rejection, answered as a rejected order is
      if (e instanceof AppError && e.status === 400) throw new AppError(422, e.code, `the replace was rejected: ${e.code}`);
      throw e;
    }
    // a replace that loses priority may trade at once and fill the order: then it is in the history
    const now = await this.host.getOrder(caller.accountNo, orderId);
    if (!now) return this.awaitClosed(caller.accountNo, orderId);
    const [history] = await Promise.allSettled([this.history.ofOrder(caller.accountNo, orderId)]);
    return openOrderState(now, this.readable(history, orderId));
  }

  private spec(symbol: string): SymbolSpec {
    const s = this.specs.get(symbol);
    if (!s) throw badRequest('UNKNOWN_SYMBOL', `unknown symbol ${symbol}; known: ${[...this.specs.keys()].join(', ')}`);
    return s;
  }

  private reply(r: HostOrderReply): PlacedOrder {
    return {
      orderId: String(r.orderId),
      clientOrderId: r.clientOrderId,
      symbol: r.symbol,
      side: r.side,
      status: r.status as PlacedOrder['status'],
      price: r.price,
      quantity: r.quantity,
      filled: r.filled,
      leaves: r.leaves,
      fills: r.fills.map((f) => ({ price: f.price, quantity: f.quantity, liquidity: f.liquidity, tradeSequence: f.sequence })),
      ...(r.reason && r.reason !== 'NONE' ? { reason: r.reason } : {}),
      sequence: r.seq,
    };
  }

  private open(o: HostOpenOrder): OpenOrder {
    return {
      orderId: String(o.orderId),
      clientOrderId: o.clientOrderId,
      symbol: o.symbol,
      side: o.side,
      status: /[1-9]/.test(o.filled) ? 'PARTIALLY_FILLED' : 'OPEN',
      price: o.price,
      quantity: o.quantity,
      filled: o.filled,
      leaves: o.leaves,
      timeInForce: o.timeInForce,
      time: new Date(o.time).toISOString(),
    };
  }
}
