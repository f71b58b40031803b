/**
 * What the order routes answer, as zod: the services' return types are inferred from these, and the
 * OpenAPI document is generated from them (functions/api), so the code and the contract are one.
 */
import { z } from 'zod';
import { TRADE_ID_DESCRIPTION } from '../../matching-host/proto/messages';

const decimal = z.string().regex(/^\d+(\.\d+)?$/, 'a decimal string');
const time = z.iso.datetime();
const orderId = z.string().regex(/^[1-9]\d*$/, 'an order id');
const side = z.enum(['buy', 'sell']);
const liquidity = z.enum(['maker', 'taker']);
/** the engine's reason code (IOC_REMAINDER, POST_ONLY_WOULD_TAKE, INSUFFICIENT_FUNDS …); absent when there is none */
const reason = z.string().min(1);

export const ORDER_STATUSES = ['OPEN', 'PARTIALLY_FILLED', 'FILLED', 'CANCELED', 'EXPIRED', 'REJECTED'] as const;
export const CLOSED_STATUSES = ['FILLED', 'CANCELED', 'EXPIRED', 'REJECTED'] as const;
export const OrderStatus = z.enum(ORDER_STATUSES);

/** One fill of an order, as the order history holds it. */
export const OrderFill = z
  .object({ tradeId: z.string().min(1).meta({ description: TRADE_ID_DESCRIPTION }), price: decimal, quantity: decimal, liquidity, time })
  .strict();

/**
 * An order in any state: open ones as the matching host holds them, closed ones as the order
 * history tells them, with every fill the history holds. A rejected order's price and quantity
 * are not in its refusal, so they are absent for it (and only for it). An open order whose
 * history cannot be read at the moment is answered from the host without `fills` (absent, not
 * empty: an empty list would claim there are none).
 */
export const Order = z
  .object({
    orderId,
    clientOrderId: z.string(),
    symbol: z.string(),
    side,
    status: OrderStatus,
    price: decimal.optional(),
    quantity: decimal.optional(),
    filled: decimal,
    leaves: decimal,
    /** open orders (the host keeps it; the history does not) */
    timeInForce: z.enum(['GTC', 'IOC', 'FOK', 'GTD']).optional(),
    reason: reason.optional(),
    /** when it entered the book */
    time: time.optional(),
    /** closed orders: when it left the book */
    closedAt: time.optional(),
    fills: z.array(OrderFill).optional().meta({
      description:
        'every fill so far, oldest first. Always present for a closed order; absent (not empty) for an open one when the order history could not be read just now: `filled` is still exact, ask again for the fills',
    }),
  })
  .strict()
  .meta({
    allOf: [
      {
        if: { properties: { status: { enum: [...CLOSED_STATUSES] } } },
        then: { required: ['closedAt', 'fills'] },
        else: { not: { required: ['closedAt'] } },
      },
      { if: { properties: { status: { not: { const: 'REJECTED' } } } }, then: { required: ['price', 'quantity'] } },
    ],
  });
export type Order = z.infer<typeof Order>;

/** what names an order, and its amounts so far, in every answer about an open or placed order */
const orderHead = { orderId, clientOrderId: z.string(), symbol: z.string(), side };
const orderAmounts = { price: decimal, quantity: decimal, filled: decimal, leaves: decimal };

/** POST /v1/orders: the order after the host ran it, with the fills of that run. */
export const PlacedOrder = z
  .object({
    ...orderHead,
    status: OrderStatus,
    ...orderAmounts,
    fills: z.array(z.object({ price: decimal, quantity: decimal, liquidity, tradeSequence: z.number().int().min(0) }).strict()),
    reason: reason.optional(),
    /** the host's command sequence that produced this state */
    sequence: z.number().int().min(0),
  })
  .strict();
export type PlacedOrder = z.infer<typeof PlacedOrder>;

/** An open order in a list (GET /v1/orders?status=open). */
export const OpenOrder = z
  .object({
    ...orderHead,
    status: z.enum(['OPEN', 'PARTIALLY_FILLED']),
    ...orderAmounts,
    timeInForce: z.string(),
    time,
  })
  .strict();
export type OpenOrder = z.infer<typeof OpenOrder>;

/** A closed order in a list (GET /v1/orders?status=closed), as its closing event tells it. */
export const ClosedOrder = z
  .object({
    orderId,
    clientOrderId: z.string(),
    symbol: z.string(),
    side: z.string(),
    status: z.enum(CLOSED_STATUSES),
    reason: reason.optional(),
    closedAt: time,
    /** the host's command sequence that closed it */
    sequence: z.number().int().min(0),
    /** the closing event: the last fill (price, quantity), or what a cancel or expiry removed */
    last: z
      .object({ type: z.enum(['fill', 'canceled', 'expired', 'rejected']), price: decimal.optional(), quantity: decimal.optional() })
      .strict(),
  })
  .strict();
export type ClosedOrder = z.infer<typeof ClosedOrder>;

const nextCursor = z.string().optional();

/** GET /v1/orders: open orders, or a page of closed ones. */
export const OrderList = z.union([
  z.object({ orders: z.array(OpenOrder) }).strict(),
  z.object({ orders: z.array(ClosedOrder), nextCursor }).strict(),
]);

export const Fill = z
  .object({
    tradeId: z.string().meta({ description: TRADE_ID_DESCRIPTION }),
    orderId,
    clientOrderId: z.string(),
    symbol: z.string(),
    side,
    price: decimal,
    quantity: decimal,
    liquidity,
    time,
  })
  .strict();
export type Fill = z.infer<typeof Fill>;

/** GET /v1/fills */
export const FillPage = z.object({ fills: z.array(Fill), nextCursor }).strict();

/** DELETE /v1/orders/{orderId} and DELETE /v1/orders: the ids canceled */
export const Canceled = z.object({ canceled: z.array(orderId) }).strict();

/** POST /v1/orders/cancel-after */
export const CancelAfterState = z.object({ armed: z.boolean(), deadline: time.nullable() }).strict();

/** POST /v1/ops/symbols/{symbol}/halt|resume */
export const SymbolState = z
  .object({ symbol: z.string(), status: z.enum(['halted', 'trading']), sequence: z.number().int().min(0) })
  .strict();
