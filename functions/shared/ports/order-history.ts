import type { OrderRequest } from '../../../matching-host/server/core/types';

/** Every order event of a trader (DynamoDB, kept for the retention period). */
export interface OrderEventRecord {
  /** journal sequence and index within the command: `<seq>:<idx>` identifies the event */
  seq: number;
  idx: number;
  time: number;
  account: number;
  type: 'accepted' | 'fill' | 'canceled' | 'expired' | 'rejected' | 'replaced' | 'deposit' | 'withdrawal';
  orderId?: number;
  clientOrderId?: string;
  symbol?: string;
  side?: string;
  price?: string;
  quantity?: string;
  filled?: string;
  leaves?: string;
  reason?: string;
  /** rejected: the request refused (place, cancel, replace …); absent in events written before hosts said */
  request?: OrderRequest;
  fill?: { tradeId: string; liquidity: 'maker' | 'taker'; counterOrderId: number };
  transfer?: { transferId: string; asset: string; amount: string; ok: boolean };
}

/** what names an event's history item */
export type SettledKey = Pick<OrderEventRecord, 'account' | 'time' | 'seq' | 'idx'>;

export interface OrderHistoryStore {
  /** idempotent: the same event written twice is one item; all or nothing is not promised, a retry completes it */
  putAll(events: readonly OrderEventRecord[]): Promise<void>;
  /** note on each (already written) event that settlement posted it to the ledger at `at` (ms) */
  markSettled(events: readonly SettledKey[], at: number): Promise<void>;
  /** newest first; `before` is a cursor this store returned */
  list(
    account: number,
    opts: { limit: number; before?: string; types?: OrderEventRecord['type'][]; where?: (e: OrderEventRecord) => boolean },
  ): Promise<{ items: OrderEventRecord[]; next?: string }>;
  /** every event of one of the account's orders, oldest first (none: not the account's, or not written yet) */
  ofOrder(account: number, orderId: number): Promise<OrderEventRecord[]>;
}
