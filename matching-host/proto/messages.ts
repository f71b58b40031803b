/**
 * The messages the matching host publishes, declared once: the host builds them (its types are
 * inferred from these schemas) and every consumer validates what it reads with the same schema —
 * order events (the order-event queue: history, audit, settlement, the user channel), market data
 * events (the Kinesis stream: the WebSocket fan-out) and the recent-trades view (Redis: the
 * markets API).
 */
import { z } from 'zod';

const decimal = z.string().max(40);
const side = z.enum(['buy', 'sell']);

/** What a trade id is, for the API documents (see tradeIdOf). */
export const TRADE_ID_DESCRIPTION =
  "the trade's id, unique across the exchange's history: `<symbol>:e<epoch>:<sequence>` (the DR epoch it happened in, and its market data sequence)";
/** A trade's id; each side's fill event names it too. */
const tradeId = z.string().min(1).max(64).meta({ description: TRADE_ID_DESCRIPTION });

/** The requests an account makes about orders: what a `rejected` event says was refused. */
export const ORDER_REQUESTS = ['place', 'cancel', 'replace', 'cancelAll', 'cancelAllAfter'] as const;
export type OrderRequest = (typeof ORDER_REQUESTS)[number];

export const ORDER_EVENT_TYPES = ['accepted', 'fill', 'canceled', 'expired', 'rejected', 'replaced', 'deposit', 'withdrawal'] as const;
export type OrderEventType = (typeof ORDER_EVENT_TYPES)[number];

/**
 * A private order event, identified by `(seq, idx)`: the journal sequence of its command and its
 * index among that command's events.
 */
export const OrderEvent = z.object({
  seq: z.number().int().min(1),
  idx: z.number().int().min(0),
  time: z.number().int().min(0),
  account: z.number().int().min(1),
  type: z.enum(ORDER_EVENT_TYPES),
  orderId: z.number().int().optional(),
  clientOrderId: z.string().max(64).optional(),
  symbol: z.string().max(32).optional(),
  side: side.optional(),
  price: decimal.optional(),
  /** accepted/replaced: order quantity; fill: fill quantity; canceled/expired: quantity removed */
  quantity: decimal.optional(),
  filled: decimal.optional(),
  /** open quantity after the event */
  leaves: decimal.optional(),
  reason: z.string().max(64).optional(),
  /**
   * rejected: the request refused. Only a placement's refusal ends an order (it never entered the
   * book); a refused cancel or replace leaves the order as it was, though it names its symbol.
   * Absent in events from hosts before it was published.
   */
  request: z.enum(ORDER_REQUESTS).optional().meta({
    description:
      'on a rejected event: the request refused. Only a refused place ends an order; a refused cancel or replace leaves the order as it was',
  }),
  fill: z.object({ tradeId, liquidity: z.enum(['maker', 'taker']), counterOrderId: z.number() }).optional(),
  transfer: z.object({ transferId: z.string(), asset: z.string(), amount: z.string(), ok: z.boolean() }).optional(),
});
export type OrderEvent = z.infer<typeof OrderEvent>;

export const TradeData = z.object({
  tradeId,
  price: decimal,
  quantity: decimal,
  /** the taker's side */
  side,
});
export type TradeData = z.infer<typeof TradeData>;

export const LevelData = z.object({
  side,
  price: decimal,
  /** total open quantity at the level after the change ("0" removes the level) */
  quantity: decimal,
  orders: z.number().int().min(0),
});
export type LevelData = z.infer<typeof LevelData>;

const marketHead = {
  symbol: z.string().min(1).max(32),
  /** contiguous per symbol over all market data, starting at 1 */
  sequence: z.number().int().min(1),
  /** journal sequence of the command that caused it */
  seq: z.number().int().min(0),
  time: z.number().int().min(0),
};

/** A public market data event, in its symbol's contiguous `sequence`. */
export const MarketDataEvent = z.discriminatedUnion('type', [
  z.object({ ...marketHead, type: z.literal('trade'), data: TradeData }),
  z.object({ ...marketHead, type: z.literal('level2'), data: LevelData }),
  z.object({ ...marketHead, type: z.literal('status'), data: z.object({ status: z.enum(['halted', 'trading']) }) }),
]);
export type MarketDataEvent = z.infer<typeof MarketDataEvent>;

/** One entry of the recent-trades view (Redis list `md:{<symbol>}:trades`, newest first). */
export const TradeView = TradeData.extend({ sequence: z.number().int().min(1), time: z.number().int().min(0) });
export type TradeView = z.infer<typeof TradeView>;

/**
 * A trade's public id: its symbol, the DR epoch it happened in and its market data sequence. The
 * sequence alone repeats after a failover that discarded commands (the new primary numbers its
 * trades on from where its history ended), so the epoch keeps a later trade from taking the id
 * of one already settled.
 */
export function tradeIdOf(symbol: string, epoch: number, sequence: number): string {
  return `${symbol}:e${epoch}:${sequence}`;
}

/**
 * The book and ticker views (Redis `md:{<symbol>}:book`, `md:{<symbol>}:ticker`), which the markets API
 * and the WebSocket snapshots pass on to clients and order entry reads the price band from: a
 * consumer does not trust what it reads from Redis any more than from a client, so a view that does
 * not parse is refused (unknown fields are dropped), never passed on.
 */
const viewDecimal = z.string().regex(/^\d{1,20}(\.\d{1,18})?$/, 'a decimal string');
const viewHead = {
  symbol: z.string().regex(/^[A-Z0-9]{2,10}-[A-Z0-9]{2,10}$/),
  sequence: z.number().int().min(0),
  time: z.number().int().min(0),
};
/** Top of the book: levels as [price, quantity, orders], best first. */
const bookLevels = z.array(z.tuple([viewDecimal, viewDecimal, z.number().int().min(0)])).max(1000);
export const BookView = z.object({ ...viewHead, bids: bookLevels, asks: bookLevels });
export type BookView = z.infer<typeof BookView>;

export const Ticker = z.object({
  ...viewHead,
  last: viewDecimal.nullable(),
  lastQuantity: viewDecimal.nullable(),
  bestBid: viewDecimal.nullable(),
  bestAsk: viewDecimal.nullable(),
  status: z.enum(['trading', 'halted']),
  /**
   * The lowest and highest limit price the host accepts now (edges included; beyond them
   * PRICE_OUT_OF_BAND), around `last` or, before the first trade, the market's reference price;
   * null when no band applies.
   */
  priceBand: z.object({ low: viewDecimal, high: viewDecimal }).nullable(),
});
export type Ticker = z.infer<typeof Ticker>;
