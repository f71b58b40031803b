/** WebSocket routes: $connect, $disconnect, subscribe, unsubscribe and $default (anything else). */
import { PlaceOrder } from '../orders/schemas';
import { orderService } from '../orders/wiring';
import type { Caller } from '../shared/caller';
import { AppError, badRequest, tooManyRequests } from '../shared/errors';
import { BUDGETS } from '../shared/rate-limit';
import { redis } from '../shared/redis';
import { ConnectionQuota } from './connection-quota';
import { chosenProtocol } from './handshake';
import { parseFrame, wsHandler, type WsEvent, type WsResult } from './ws-handler';
import { CancelOrderFrame, PlaceOrderFrame, SubscriptionFrame } from './schemas';
import { wsService } from './wiring';

let quota: ConnectionQuota | undefined;
const sourceIp = (event: WsEvent): string => event.requestContext.identity?.sourceIp ?? 'unknown';

const connectRoute = wsHandler({}, async ({ event, connectionId, userId, accountNo, sessionId, rolesVersion }) => {
  // an anonymous connection counts against its address (a token's connections against its user's budgets)
  quota ??= new ConnectionQuota(redis());
  if (!userId && !(await quota.claim(sourceIp(event), connectionId)))
    throw tooManyRequests(60, 'too many anonymous connections from this address: close some, or connect with a token');
  await wsService().connect({ connectionId, userId, accountNo, sessionId, rolesVersion }, new Date());
  return undefined;
});

/** $connect (behind the WebSocket authorizer): record the connection and who is behind it. */
export async function connect(event: WsEvent, context: Parameters<typeof connectRoute>[1]): Promise<WsResult> {
  const r = await connectRoute(event, context);
  const protocol = chosenProtocol(event);
  return protocol && r.statusCode === 200 ? { ...r, headers: { ...r.headers, 'Sec-WebSocket-Protocol': protocol } } : r;
}

/** $disconnect: forget the connection (its subscriptions go with it). */
export const disconnect = wsHandler({ checkSession: false }, async ({ event, connectionId, userId }) => {
  await wsService().disconnect(connectionId);
  quota ??= new ConnectionQuota(redis());
  if (!userId) await quota.release(sourceIp(event), connectionId);
  return undefined;
});

/** subscribe / unsubscribe: answers the connection's subscriptions after the change. */
export const subscriptions = wsHandler({ frame: SubscriptionFrame, limited: true }, ({ frame, connectionId }) =>
  wsService().update(connectionId, frame),
);

/** The trader behind an authenticated connection; anonymous ones may not trade. */
function trader(userId: string | null, accountNo: number | null): Caller {
  if (!userId || accountNo === null)
    throw new AppError(403, 'FORBIDDEN', 'trading over the socket needs a token at $connect (the subprotocol bearer.<token>)');
  return { userId, roles: [], accountNo };
}

/** placeOrder: the same rules as POST /v1/orders; answers `{type:"order", id?, order}`. */
export const placeOrder = wsHandler({ frame: PlaceOrderFrame, limited: BUDGETS.orders }, async ({ frame, userId, accountNo }) => {
  const id = frame.id;
  // the order is what remains without the frame's own fields
  const order = PlaceOrder.parse(Object.fromEntries(Object.entries(frame).filter(([k]) => k !== 'action' && k !== 'id')));
  const r = await orderService().place(trader(userId, accountNo), order);
  return { type: 'order', ...(id ? { id } : {}), replayed: r.replayed, order: r.order };
});

/** cancelOrder: answers `{type:"canceled", id?, canceled:[…]}`. */
export const cancelOrder = wsHandler({ frame: CancelOrderFrame, limited: BUDGETS.orders }, async ({ frame, userId, accountNo }) => {
  const r = await orderService().cancel(trader(userId, accountNo), frame.orderId);
  return { type: 'canceled', ...(frame.id ? { id: frame.id } : {}), ...r };
});

/** $default: a frame with no known action (counted and size-checked like any other before it is parsed). */
export const fallback = wsHandler({ limited: true }, ({ event }) => {
  const action = (parseFrame(event.body) as { action?: unknown } | null)?.action;
  return Promise.reject(
    badRequest(
      'UNKNOWN_ACTION',
      `unknown action ${JSON.stringify(action ?? null).slice(0, 40)}; known: subscribe, unsubscribe, placeOrder, cancelOrder`,
    ),
  );
});
