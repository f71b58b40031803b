/**
 * The types (and the constants that define them) that several parts of the host share: the market
 * configuration, commands as journaled, what executing one returns, and what is published about it.
 * They live in a file of their own so that host-core, order-replies, publication, settlement-factors,
 * the journal and the publishers can all name them without importing one another: when they were
 * declared in host-core.ts and publication.ts, those modules imported each other in circles.
 */
import type { ReasonName, SideName, StpName, SymbolSpec, TimeInForceName } from '../../engine/types';

export interface AssetSpec {
  /** decimal places of the asset's balance unit */
  decimals: number;
}

export interface MarketConfig {
  symbols: SymbolSpec[];
  assets: Record<string, AssetSpec>;
  /** client ids remembered for idempotent retries (per kind, most recent; open orders always) */
  idempotencyWindow?: number;
}

interface Stamp {
  seq: number;
  time: number;
}

/** Commands as journaled: amounts already in integer units, order ids assigned by execution. */
export type HostCommand = Stamp &
  (
    | {
        type: 'place';
        account: number;
        clientOrderId: string;
        symbol: string;
        side: SideName;
        orderType: 'limit' | 'market';
        timeInForce: TimeInForceName;
        price: number;
        quantity: number;
        postOnly: boolean;
        stp: StpName;
        expireTime: number;
      }
    | { type: 'cancel'; account: number; orderId: number }
    | { type: 'replace'; account: number; orderId: number; price: number; quantity: number }
    | { type: 'cancelAll'; account: number; symbol?: string }
    | { type: 'cancelAllAfter'; account: number; deadline: number }
    | { type: 'deposit' | 'withdraw'; account: number; asset: string; amount: string; transferId: string }
    | { type: 'halt' | 'resume'; symbol: string }
    | { type: 'tick' }
  );

export type OrderStatus = 'OPEN' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED' | 'EXPIRED' | 'REJECTED';

export interface Fill {
  price: number;
  quantity: number;
  /** the other side's order id */
  counterOrderId: number;
  /** per-symbol sequence of the trade event */
  sequence: number;
  liquidity: 'maker' | 'taker';
}

export interface OrderReply {
  orderId: number;
  clientOrderId: string;
  account: number;
  symbol: string;
  side: SideName;
  status: OrderStatus;
  price: number;
  quantity: number;
  filled: number;
  leaves: number;
  fills: Fill[];
  /** why it was rejected or canceled ('NONE' otherwise) */
  reason: ReasonName | 'INSUFFICIENT_FUNDS' | 'UNKNOWN_ASSET';
  seq: number;
}

export interface TransferReply {
  transferId: string;
  account: number;
  asset: string;
  amount: string;
  ok: boolean;
  reason: 'NONE' | 'INSUFFICIENT_FUNDS' | 'UNKNOWN_ASSET' | 'INVALID_AMOUNT';
  seq: number;
}

export interface CommandResult {
  order?: OrderReply;
  transfer?: TransferReply;
  /** orders canceled by cancel/cancelAll/replace */
  canceled?: number[];
  rejectReason?: string;
  /** what to publish about it (absent when executed with `publish: false`, as in recovery) */
  publication?: Publication;
}

export interface TradeData {
  tradeId: string;
  price: string;
  quantity: string;
  /** the taker's side */
  side: SideName;
}

export interface LevelData {
  side: SideName;
  price: string;
  /** total open quantity at the level after the change ("0" removes the level) */
  quantity: string;
  orders: number;
}

export type MarketDataEvent = {
  symbol: string;
  /** contiguous per symbol over all market data, starting at 1 */
  sequence: number;
  /** journal sequence of the command that caused it */
  seq: number;
  time: number;
} & ({ type: 'trade'; data: TradeData } | { type: 'level2'; data: LevelData } | { type: 'status'; data: { status: 'halted' | 'trading' } });

export type OrderEventType = 'accepted' | 'fill' | 'canceled' | 'expired' | 'rejected' | 'replaced' | 'deposit' | 'withdrawal';

/** The requests an account makes about orders: what a `rejected` event says was refused. */
export const ORDER_REQUESTS = ['place', 'cancel', 'replace', 'cancelAll', 'cancelAllAfter'] as const;
export type OrderRequest = (typeof ORDER_REQUESTS)[number];

export interface OrderEvent {
  seq: number;
  idx: number;
  time: number;
  account: number;
  type: OrderEventType;
  orderId?: number;
  clientOrderId?: string;
  symbol?: string;
  side?: SideName;
  price?: string;
  /** accepted/replaced: order quantity; fill: fill quantity; canceled/expired: quantity removed */
  quantity?: string;
  /** open quantity after the event */
  leaves?: string;
  reason?: string;
  /**
   * rejected: the request refused. Only a placement's refusal ends an order (it never entered the
   * book); a refused cancel or replace leaves the order as it was, though it names its symbol.
   */
  request?: OrderRequest;
  fill?: { tradeId: string; liquidity: 'maker' | 'taker'; counterOrderId: number };
  transfer?: { transferId: string; asset: string; amount: string; ok: boolean };
}

export interface Publication {
  seq: number;
  time: number;
  market: MarketDataEvent[];
  orders: OrderEvent[];
}
