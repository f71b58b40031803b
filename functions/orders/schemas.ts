import { z } from 'zod';

const decimal = z.string().regex(/^\d{1,20}(\.\d{1,18})?$/, 'a positive decimal string such as "42000.50"');
const symbol = z.string().regex(/^[A-Z0-9]{2,10}-[A-Z0-9]{2,10}$/, 'a symbol such as BTC-USD');

/** DESIGN's order: decimal strings; clientOrderId makes a retry safe. */
export const PlaceOrder = z
  .object({
    clientOrderId: z.string().regex(/^[\w.:-]{1,36}$/, '1–36 characters of [A-Za-z0-9_.:-]'),
    symbol,
    side: z.enum(['buy', 'sell']),
    type: z.enum(['limit', 'market']),
    timeInForce: z.enum(['GTC', 'IOC', 'FOK', 'GTD']).optional(),
    quantity: decimal,
    price: decimal.optional(),
    postOnly: z.boolean().optional(),
    /** GTD only: when the order expires (ISO 8601) */
    expireTime: z.iso.datetime({ offset: true }).optional(),
    stp: z.enum(['cancel_newest', 'cancel_oldest', 'cancel_both']).optional(),
  })
  .strict()
  .superRefine((o, ctx) => {
    const fail = (path: string, message: string): void => void ctx.addIssue({ code: 'custom', path: [path], message });
    if (o.type === 'limit' && o.price === undefined) fail('price', 'a limit order needs a price');
    if (o.type === 'market' && o.price !== undefined) fail('price', 'a market order takes no price');
    if (o.type === 'market' && (o.timeInForce === 'GTC' || o.timeInForce === 'GTD')) fail('timeInForce', 'a market order is IOC or FOK');
    if (o.timeInForce === 'GTD' && o.expireTime === undefined) fail('expireTime', 'a GTD order needs expireTime');
    if (o.expireTime !== undefined && o.timeInForce !== 'GTD') fail('expireTime', 'only a GTD order expires at a time');
    if (o.postOnly && (o.type === 'market' || o.timeInForce === 'IOC' || o.timeInForce === 'FOK'))
      fail('postOnly', 'a post-only order must be able to rest: limit, GTC or GTD');
  })
  // the same rules as JSON Schema, for the published document (a test checks both agree on random orders)
  .meta({
    allOf: [
      { if: { properties: { type: { const: 'limit' } } }, then: { required: ['price'] } },
      {
        if: { properties: { type: { const: 'market' } } },
        then: { not: { required: ['price'] }, properties: { timeInForce: { enum: ['IOC', 'FOK'] } } },
      },
      { if: { properties: { timeInForce: { const: 'GTD' } }, required: ['timeInForce'] }, then: { required: ['expireTime'] } },
      { if: { required: ['expireTime'] }, then: { properties: { timeInForce: { const: 'GTD' } }, required: ['timeInForce'] } },
      {
        if: { properties: { postOnly: { const: true } }, required: ['postOnly'] },
        then: { properties: { type: { const: 'limit' }, timeInForce: { enum: ['GTC', 'GTD'] } } },
      },
    ],
  });
export type PlaceOrder = z.infer<typeof PlaceOrder>;

/** `{timeoutSeconds}`: 0 disarms; at most a day. */
export const CancelAfter = z.object({ timeoutSeconds: z.number().int().min(0).max(86_400) }).strict();

export const ReplaceOrder = z.object({ price: decimal, quantity: decimal }).strict();

export const OrderPath = z
  .object({
    orderId: z
      .string()
      .regex(/^[1-9]\d{0,15}$/, 'an order id')
      .transform(Number),
  })
  .strict();

export const ListOrdersQuery = z
  .object({
    status: z.enum(['open', 'closed']).default('open'),
    symbol: symbol.optional(),
    /** closed orders page through history */
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z
      .string()
      .regex(/^[\d#:]{1,40}$/, 'a cursor this API returned')
      .optional(),
  })
  .strict();

export const FillsQuery = z
  .object({
    symbol: symbol.optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z
      .string()
      .regex(/^[\d#:]{1,40}$/, 'a cursor this API returned')
      .optional(),
  })
  .strict();

export const CancelAllQuery = z.object({ symbol: symbol.optional() }).strict();

export const SymbolPath = z.object({ symbol }).strict();
