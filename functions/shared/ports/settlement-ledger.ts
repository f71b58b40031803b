/** Settlement's stores: trade sides posted to the PostgreSQL ledger, and its announcements. */

/** One side of one trade, in integer units of each asset. */
export interface TradeSide {
  /** `<tradeId>:<maker|taker>`: a side is posted at most once */
  reference: string;
  userId: string;
  side: 'buy' | 'sell';
  base: string;
  quote: string;
  baseAmount: bigint;
  quoteAmount: bigint;
}

export interface SettlementLedger {
  /** Post every side not posted before, all in one transaction; the rest are skipped. */
  post(sides: TradeSide[]): Promise<{ posted: number; skipped: number }>;
  /** Settled trading balances per user and asset (units). */
  tradingBalances(): Promise<{ userId: string; accountNo: number; asset: string; balance: bigint }[]>;
  /** The clearing accounts' balances per asset: zero once both sides of every trade are posted. */
  clearingBalances(): Promise<Map<string, bigint>>;
}

/** Where settlement tells others a batch settled, and parks a batch that cannot. */
export interface SettlementNotices {
  settled(summary: { batchId: string; sides: number; posted: number; skipped: number }): Promise<void>;
  parked(batch: unknown, reason: string): Promise<void>;
}

/** How the order-event consumer hands a batch of fills to settlement (starts an execution). */
export interface SettlementTrigger {
  start(batch: { batchId: string; fills: unknown[] }): Promise<void>;
}
