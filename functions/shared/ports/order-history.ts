import type { OrderEvent } from '../../../matching-host/proto/messages';

/** Every order event of a trader (DynamoDB, kept for the retention period), as the host published it. */
export type OrderEventRecord = OrderEvent;

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
