/**
 * The types that several parts of the host share: commands as journaled, what executing one
 * returns, and what is published about it. They live in a file of their own so that host-core,
 * order-replies, publication, the journal and the publishers can all name them without importing
 * one another: when they were declared in host-core.ts and publication.ts, those modules imported
 * each other in circles. (What the host shares with its clients lives in proto/.)
 */
import type { ReasonName, SideName, StpName, TimeInForceName } from '../../engine/types';
import type { MarketDataEvent, OrderEvent } from '../../proto/messages';

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
    | { type: 'cancel'; account: number; orderId: number; requestId?: string }
    | { type: 'replace'; account: number; orderId: number; price: number; quantity: number; requestId?: string }
    | { type: 'cancelAll'; account: number; symbol?: string; requestId?: string }
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
  /** the command's journaled time (ms): the id is remembered for a window from it; absent in snapshots written before */
  time?: number;
}

/** What a cancel, replace or cancel-all with a request id answered: a retry with the same id gets it again. */
export interface RequestReply {
  requestId: string;
  account: number;
  canceled: number[];
  rejectReason?: string;
  seq: number;
  /** the command's journaled time (ms) */
  time?: number;
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

/** What the host publishes about one command: its market data and order events (their shapes: proto/messages.ts). */
export interface Publication {
  seq: number;
  time: number;
  market: MarketDataEvent[];
  orders: OrderEvent[];
}
