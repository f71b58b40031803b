import { z } from 'zod';

export const CHANNELS = ['heartbeat', 'ticker', 'level2', 'trades', 'user'] as const;
export type Channel = (typeof CHANNELS)[number];
/** channels that carry one symbol's data: they need `symbols` */
export const SYMBOL_CHANNELS: ReadonlySet<Channel> = new Set(['ticker', 'level2', 'trades']);

/** `{"action":"subscribe"|"unsubscribe","channels":["trades","level2"],"symbols":["BTC-USD"]}` */
export const SubscriptionFrame = z
  .object({
    action: z.enum(['subscribe', 'unsubscribe']),
    channels: z.array(z.enum(CHANNELS)).min(1).max(CHANNELS.length),
    symbols: z
      .array(z.string().regex(/^[A-Z0-9]{2,10}-[A-Z0-9]{2,10}$/, 'a symbol such as BTC-USD'))
      .max(20)
      .optional(),
    /** echoed in the answer, so a client can match it to its request */
    id: z.string().max(64).optional(),
  })
  .strict();
export type SubscriptionFrame = z.infer<typeof SubscriptionFrame>;

/** `{"action":"placeOrder", id?, ...order}`: the order itself is checked with the REST schema. */
export const PlaceOrderFrame = z.object({ action: z.literal('placeOrder'), id: z.string().max(64).optional() }).loose();

/** `{"action":"cancelOrder","orderId":"42", id?}` */
export const CancelOrderFrame = z
  .object({
    action: z.literal('cancelOrder'),
    orderId: z
      .string()
      .regex(/^[1-9]\d{0,15}$/, 'an order id')
      .transform(Number),
    id: z.string().max(64).optional(),
  })
  .strict();
