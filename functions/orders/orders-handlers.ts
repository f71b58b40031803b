/** /v1/orders: parse → OrderService → response. Every route acts on the caller's own orders. */
import { requireRole, requireStepUp } from '../shared/access';
import { callerOf } from '../shared/caller';
import { httpHandler, type ApiHandler, type HttpOutput } from '../shared/http-handler';
import { perUser } from '../shared/limits';
import { matchingHost } from '../shared/matching-host';
import { BUDGETS } from '../shared/rate-limit';
import { CancelAfter, CancelAllQuery, FillsQuery, ListOrdersQuery, OrderPath, PlaceOrder, ReplaceOrder, SymbolPath } from './schemas';
import { auditLog, orderService } from './wiring';

const entry = perUser(BUDGETS.orders);
const reads = perUser(BUDGETS.reads);
/** what the edge refuses of an action is audited; what reaches the host is audited from its events */
const audited = (action: string): { action: string; log: typeof auditLog } => ({ action, log: auditLog });

/** POST /v1/orders: 201 with the order's state and fills; a retry of its clientOrderId → 200, the same order. */
export const place = httpHandler(
  { body: PlaceOrder, limits: entry, audit: audited('order.place') },
  async ({ body, event }): Promise<HttpOutput> => {
    const r = await orderService().place(callerOf(event), body);
    return { status: r.replayed ? 200 : 201, body: r.order, headers: r.replayed ? { 'Idempotent-Replayed': 'true' } : undefined };
  },
);

/** GET /v1/orders/{orderId}: one of the caller's orders in any state, with its fills (404 alike for none and for another's). */
export const get = httpHandler({ path: OrderPath, limits: reads }, async ({ params, event }) => ({
  body: await orderService().get(callerOf(event), params.orderId),
}));

/** GET /v1/orders?status=open|closed&symbol=&limit=&cursor= : open from the host, closed from the order history. */
export const list = httpHandler({ query: ListOrdersQuery, limits: reads }, async ({ query, event }) => ({
  body:
    query.status === 'open'
      ? { orders: await orderService().listOpen(callerOf(event), query.symbol) }
      : await orderService().listClosed(callerOf(event), query),
}));

/** GET /v1/fills?symbol=&limit=&cursor= */
export const fills = httpHandler({ query: FillsQuery, limits: reads }, async ({ query, event }) => ({
  body: await orderService().fills(callerOf(event), query),
}));

/** DELETE /v1/orders/{orderId} */
export const cancel = httpHandler({ path: OrderPath, limits: entry, audit: audited('order.cancel') }, async ({ params, event }) => ({
  body: await orderService().cancel(callerOf(event), params.orderId),
}));

/** DELETE /v1/orders?symbol= : every open order of the caller (in one symbol). */
export const cancelAll = httpHandler(
  { query: CancelAllQuery, limits: entry, audit: audited('order.cancel-all') },
  async ({ query, event }) => ({
    body: await orderService().cancelAll(callerOf(event), query.symbol),
  }),
);

/** POST /v1/orders/cancel-after `{timeoutSeconds}`: the dead-man switch (0 disarms). */
export const cancelAfter = httpHandler(
  { body: CancelAfter, limits: entry, audit: audited('order.cancel-after') },
  async ({ body, event }) => ({
    body: await orderService().cancelAfter(callerOf(event), body.timeoutSeconds),
  }),
);

/** PATCH /v1/orders/{orderId} `{price, quantity}` */
export const replace = httpHandler(
  { path: OrderPath, body: ReplaceOrder, limits: entry, audit: audited('order.replace') },
  async ({ params, body, event }) => ({
    body: await orderService().replace(callerOf(event), params.orderId, body.price, body.quantity),
  }),
);

/** An ops switch of a symbol's trading (role ops), audited whether it succeeds or is refused. */
function symbolSwitch(action: 'halt' | 'resume', status: 'halted' | 'trading'): ApiHandler {
  return httpHandler({ path: SymbolPath, limits: reads, audit: audited(`symbol.${action}`) }, async ({ params, event, requestId, ip }) => {
    const caller = callerOf(event);
    requireRole(caller, 'ops');
    requireStepUp(caller);
    const sequence = await (action === 'halt' ? matchingHost('ops').halt(params.symbol) : matchingHost('ops').resume(params.symbol));
    await auditLog().record({
      userId: caller.userId,
      action: `symbol.${action}`,
      outcome: 'succeeded',
      actorId: caller.userId,
      requestId,
      ip,
      details: { symbol: params.symbol, sequence },
    });
    return { body: { symbol: params.symbol, status, sequence } };
  });
}

/** POST /v1/ops/symbols/{symbol}/halt (role ops): no order enters the book until resumed. */
export const halt = symbolSwitch('halt', 'halted');

/** POST /v1/ops/symbols/{symbol}/resume (role ops) */
export const resume = symbolSwitch('resume', 'trading');
