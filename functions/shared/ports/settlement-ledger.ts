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
  /**
   * What the side says, in one canonical line (its command's seq, account, orders, side, amounts):
   * a side posted before under the same reference is a redelivery only if this is the same.
   */
  content: string;
}

/**
 * A trade side whose reference was settled before with other content: a trade id reused for a
 * different trade. Never retried, never skipped: the batch is parked and an alarm raised.
 */
export class ConflictingTradeSide extends Error {
  override readonly name = 'ConflictingTradeSide';
  constructor(readonly conflicts: { reference: string; settled: string; arriving: string }[]) {
    super(
      `trade ids settled before with other content: ${conflicts
        .slice(0, 3)
        .map((c) => `${c.reference} was {${c.settled}}, now {${c.arriving}}`)
        .join('; ')}`,
    );
  }
}

/** A deposit or withdrawal the host may have made that the ledger had not posted (signed: a withdrawal negative). */
export interface UnpostedTransfer {
  id: string;
  asset: string;
  amount: bigint;
}

/** One trader's settled balances as of one read, and what the host may have moved that they do not show yet. */
export interface LedgerAccountRead {
  balances: Map<string, bigint>;
  /** transfers not posted as of that read (requested, or in review) */
  unposted: UnpostedTransfer[];
  /** transfers posted or refused as of that read, claimed recently: not to be counted again */
  recentlyFinished: string[];
  at: Date;
}

export interface SettlementLedger {
  /**
   * Post every side not posted before, all in one transaction; a side posted before with the same
   * content is skipped, one with other content throws ConflictingTradeSide (nothing is posted).
   */
  post(sides: TradeSide[]): Promise<{ posted: number; skipped: number }>;
  /** Every trader's user id and host account, with or without ledger accounts (what reconciliation walks). */
  traders(): Promise<{ userId: string; accountNo: number }[]>;
  /** One trader's balances and unposted transfers, read in one snapshot. */
  readAccount(userId: string): Promise<LedgerAccountRead>;
  /**
   * Transfers that may have moved money on the host after `read` and are not in its balances:
   * those unposted then, and those claimed since, less those refused (nothing moved).
   */
  unpostedSince(userId: string, read: LedgerAccountRead): Promise<UnpostedTransfer[]>;
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
