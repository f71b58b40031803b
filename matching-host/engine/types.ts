/**
 * Vocabulary of the matching engine. Numeric codes are what the hot path uses; the string
 * names are what commands and decoded events carry across the engine's boundary.
 */

export const Side = { BUY: 0, SELL: 1 } as const;
export type SideCode = (typeof Side)[keyof typeof Side];
export type SideName = 'buy' | 'sell';
export const SIDE_NAMES: readonly SideName[] = ['buy', 'sell'];

export const OrderType = { LIMIT: 0, MARKET: 1 } as const;
export type OrderTypeCode = (typeof OrderType)[keyof typeof OrderType];
export type OrderTypeName = 'limit' | 'market';
export const ORDER_TYPE_NAMES: readonly OrderTypeName[] = ['limit', 'market'];

export const TimeInForce = { GTC: 0, IOC: 1, FOK: 2, GTD: 3 } as const;
export type TimeInForceCode = (typeof TimeInForce)[keyof typeof TimeInForce];
export type TimeInForceName = 'GTC' | 'IOC' | 'FOK' | 'GTD';
export const TIME_IN_FORCE_NAMES: readonly TimeInForceName[] = ['GTC', 'IOC', 'FOK', 'GTD'];

/** Self-trade prevention: which side of a would-be self trade is canceled. */
export const Stp = { CANCEL_NEWEST: 0, CANCEL_OLDEST: 1, CANCEL_BOTH: 2 } as const;
export type StpCode = (typeof Stp)[keyof typeof Stp];
export type StpName = 'cancel_newest' | 'cancel_oldest' | 'cancel_both';
export const STP_NAMES: readonly StpName[] = ['cancel_newest', 'cancel_oldest', 'cancel_both'];

export const EventType = {
  ACCEPTED: 1,
  REJECTED: 2,
  TRADE: 3,
  CANCELED: 4,
  EXPIRED: 5,
  REPLACED: 6,
  BOOK_DELTA: 7,
  STATUS: 8,
} as const;
export type EventTypeCode = (typeof EventType)[keyof typeof EventType];
export type EventTypeName = 'accepted' | 'rejected' | 'trade' | 'canceled' | 'expired' | 'replaced' | 'book_delta' | 'status';
export const EVENT_TYPE_NAMES: readonly (EventTypeName | '')[] = [
  '',
  'accepted',
  'rejected',
  'trade',
  'canceled',
  'expired',
  'replaced',
  'book_delta',
  'status',
];

/** Why an order was rejected, canceled, expired or replaced. One list so codes never collide. */
export const Reason = {
  NONE: 0,
  // rejections
  UNKNOWN_SYMBOL: 1,
  SYMBOL_HALTED: 2,
  INVALID_ORDER_ID: 3,
  DUPLICATE_ORDER_ID: 4,
  INVALID_ACCOUNT: 5,
  INVALID_PRICE: 6,
  PRICE_OFF_TICK: 7,
  PRICE_OUT_OF_RANGE: 8,
  PRICE_OUT_OF_BAND: 9,
  INVALID_QUANTITY: 10,
  QUANTITY_OFF_LOT: 11,
  QUANTITY_BELOW_MIN: 12,
  QUANTITY_ABOVE_MAX: 13,
  QUANTITY_BELOW_FILLED: 14,
  INVALID_TIME_IN_FORCE: 15,
  INVALID_EXPIRE_TIME: 16,
  POST_ONLY_WOULD_TAKE: 17,
  UNKNOWN_ORDER: 18,
  SEQUENCE_OUT_OF_ORDER: 19,
  INVALID_DEADLINE: 20,
  INVALID_ORDER: 21,
  INVALID_TIME: 22,
  // cancels and expiries
  USER_CANCELED: 32,
  IOC_REMAINDER: 33,
  FOK_UNFILLABLE: 34,
  MARKET_NO_LIQUIDITY: 35,
  MARKET_PROTECTION: 36,
  SELF_TRADE: 37,
  MASS_CANCEL: 38,
  DEAD_MAN_SWITCH: 39,
  GTD_EXPIRED: 40,
  // replace outcome
  PRIORITY_KEPT: 48,
  PRIORITY_LOST: 49,
  // status
  HALTED: 56,
  RESUMED: 57,
  DEAD_MAN_ARMED: 58,
  DEAD_MAN_DISARMED: 59,
} as const;
export type ReasonCode = (typeof Reason)[keyof typeof Reason];
export type ReasonName = keyof typeof Reason;

const reasonNames: string[] = [];
for (const [name, code] of Object.entries(Reason)) reasonNames[code] = name;
export function reasonName(code: number): ReasonName {
  return (reasonNames[code] ?? 'NONE') as ReasonName;
}

/**
 * A tradable symbol. Every amount is an integer in the symbol's smallest units:
 * price units are 10^-priceDecimals of the quote asset, quantity units 10^-qtyDecimals of the base.
 */
export interface SymbolSpec {
  symbol: string;
  base: string;
  quote: string;
  priceDecimals: number;
  qtyDecimals: number;
  /** price must be a multiple of this (price units) */
  tickSize: number;
  /** quantity must be a multiple of this (quantity units) */
  lotSize: number;
  minPrice: number;
  maxPrice: number;
  minQty: number;
  maxQty: number;
  /** Limit prices must lie within ±bandBps/10 000 of the last trade; market orders never sweep past it. 0 disables. */
  bandBps: number;
  /** Band reference until the first trade; without it the band applies from the first trade on. */
  referencePrice?: number;
}

interface CommandBase {
  /** Global command sequence number assigned by the host; strictly increasing. */
  seq: number;
  /** Command time in epoch milliseconds (a non-negative integer), stamped by the host; drives GTD expiry and the dead-man switch. */
  time: number;
}

export interface PlaceOrderCommand extends CommandBase {
  type: 'place';
  symbol: string;
  orderId: number;
  account: number;
  side: SideName;
  orderType: OrderTypeName;
  timeInForce?: TimeInForceName;
  /** limit price in price units; ignored for market orders */
  price?: number;
  quantity: number;
  postOnly?: boolean;
  /** GTD only: epoch ms at which the order expires */
  expireTime?: number;
  stp?: StpName;
}

export interface CancelOrderCommand extends CommandBase {
  type: 'cancel';
  orderId: number;
  account: number;
}

export interface ReplaceOrderCommand extends CommandBase {
  type: 'replace';
  orderId: number;
  account: number;
  price: number;
  /** the new total quantity of the order (already-filled quantity included) */
  quantity: number;
}

export interface CancelAllCommand extends CommandBase {
  type: 'cancelAll';
  account: number;
  symbol?: string;
}

export interface CancelAllAfterCommand extends CommandBase {
  type: 'cancelAllAfter';
  account: number;
  /** epoch ms after which all the account's orders are canceled; 0 disarms */
  deadline: number;
}

export interface TickCommand extends CommandBase {
  type: 'tick';
}

export interface HaltCommand extends CommandBase {
  type: 'halt' | 'resume';
  symbol: string;
}

export type Command =
  PlaceOrderCommand | CancelOrderCommand | ReplaceOrderCommand | CancelAllCommand | CancelAllAfterCommand | TickCommand | HaltCommand;

/** A decoded engine event. Fields that do not apply to a type are 0. */
export interface EngineEvent {
  type: EventTypeName;
  symbol: string;
  /** per-symbol sequence number (0 for events not tied to a symbol) */
  sequence: number;
  time: number;
  /** the order the event is about (the taker for a trade) */
  orderId: number;
  account: number;
  side: SideName;
  price: number;
  /** accepted: order quantity; trade: fill quantity; canceled/expired: quantity removed; book_delta: level total */
  quantity: number;
  /** remaining open quantity of orderId after the event (book_delta: orders at the level) */
  leaves: number;
  makerOrderId: number;
  makerAccount: number;
  makerLeaves: number;
  reason: ReasonName;
}

export interface Level {
  price: number;
  quantity: number;
  orders: number;
}

export interface L1 {
  bid: Level | null;
  ask: Level | null;
}

export interface L2 {
  symbol: string;
  sequence: number;
  bids: Level[];
  asks: Level[];
}

export interface RestingOrder {
  orderId: number;
  account: number;
  symbol: string;
  side: SideName;
  price: number;
  quantity: number;
  filled: number;
  leaves: number;
  timeInForce: TimeInForceName;
  postOnly: boolean;
  stp: StpName;
  time: number;
  expireTime: number;
}

export interface L3 {
  symbol: string;
  sequence: number;
  bids: RestingOrder[];
  asks: RestingOrder[];
}
