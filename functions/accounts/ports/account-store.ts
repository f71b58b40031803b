/**
 * Where money is recorded (PostgreSQL in every environment): transfers as requested by traders
 * (idempotency record and saga state) and the double-entry ledger they post to. Amounts are integer
 * minor units of their asset.
 */
export type TransferKind = 'deposit' | 'withdrawal';
/** requested → completed | rejected; `review` when it could not finish for a day and waits for a person */
export type TransferStatus = 'requested' | 'completed' | 'rejected' | 'review';

export interface Transfer {
  id: string;
  userId: string;
  kind: TransferKind;
  asset: string;
  amount: bigint;
  idempotencyKey: string;
  status: TransferStatus;
  /** why rejected (the host's reason) */
  reason: string | null;
  entryId: number | null;
  createdAt: Date;
  completedAt: Date | null;
}

export interface TransferRequest {
  userId: string;
  kind: TransferKind;
  asset: string;
  amount: bigint;
  idempotencyKey: string;
}

/** One posting to a trader's account, as a statement shows it. */
export interface StatementLine {
  entryId: number;
  kind: string;
  reference: string;
  asset: string;
  /** signed: credits positive */
  amount: bigint;
  balanceAfter: bigint;
  time: Date;
}

/** Where a statement page ended: an entry may post to several of the user's assets. */
export interface StatementCursor {
  entryId: number;
  asset: string;
}

/** The ledger refused a posting: it would take a trader's account below zero (migration 010). */
export class LedgerOverdraftRefused extends Error {
  override readonly name = 'LedgerOverdraftRefused';
}

export interface AccountStore {
  /** the transfer this idempotency key names for the user: created now, or the one it already named */
  claimTransfer(req: TransferRequest): Promise<{ transfer: Transfer; created: boolean }>;
  findTransfer(id: string): Promise<Transfer | null>;
  /**
   * set a still-requested withdrawal's amount aside in the ledger before the host is asked: under
   * the account's lock, only if the settled balance less the withdrawals already set aside covers
   * it (true; also when it already was). Other withdrawals cannot count the same money twice.
   */
  reserveWithdrawal(id: string): Promise<boolean>;
  /**
   * post the transfer's ledger entry and mark it completed, once however often it is called;
   * throws LedgerOverdraftRefused when the ledger will not take it
   */
  completeTransfer(id: string): Promise<Transfer>;
  /** mark a still-requested transfer rejected (nothing moved) */
  rejectTransfer(id: string, reason: string): Promise<Transfer>;
  /** transfers still `requested`, created before `olderThan` and due for another attempt, with the owner's host account */
  staleTransfers(olderThan: Date, limit: number): Promise<(Transfer & { accountNo: number; attempts: number })[]>;
  /** an attempt failed: try again after a backoff that grows with the attempts (1, 2, 4, … 60 min) */
  deferTransfer(id: string): Promise<void>;
  /** stop retrying a still-requested transfer; a person looks at it */
  markForReview(id: string, reason: string): Promise<void>;
  /** settled balance per asset of the user's trading accounts */
  settledBalances(userId: string): Promise<Map<string, bigint>>;
  /** the user's postings, newest first (entry id, then asset, descending), after `before` when paging */
  statement(userId: string, opts: { asset?: string; before?: StatementCursor; limit: number }): Promise<StatementLine[]>;
}
