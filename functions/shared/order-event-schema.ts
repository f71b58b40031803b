/**
 * A private order event as the matching host publishes it to the order-event queue; its consumers
 * (history and audit, settlement) validate with this.
 */
import { z } from 'zod';
import { ORDER_REQUESTS } from '../../matching-host/server/core/types';

const decimal = z.string().max(40);
export const OrderEvent = z.object({
  seq: z.number().int().min(1),
  idx: z.number().int().min(0),
  time: z.number().int().min(0),
  account: z.number().int().min(1),
  type: z.enum(['accepted', 'fill', 'canceled', 'expired', 'rejected', 'replaced', 'deposit', 'withdrawal']),
  orderId: z.number().int().optional(),
  clientOrderId: z.string().max(64).optional(),
  symbol: z.string().max(32).optional(),
  side: z.string().max(8).optional(),
  price: decimal.optional(),
  quantity: decimal.optional(),
  filled: decimal.optional(),
  leaves: decimal.optional(),
  reason: z.string().max(64).optional(),
  /** rejected: which request was refused (absent in events from hosts before it was published) */
  request: z.enum(ORDER_REQUESTS).optional().meta({
    description:
      'on a rejected event: the request refused. Only a refused place ends an order; a refused cancel or replace leaves the order as it was',
  }),
  fill: z.object({ tradeId: z.string(), liquidity: z.enum(['maker', 'taker']), counterOrderId: z.number() }).optional(),
  transfer: z.object({ transferId: z.string(), asset: z.string(), amount: z.string(), ok: z.boolean() }).optional(),
});
