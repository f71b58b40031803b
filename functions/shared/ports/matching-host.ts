/**
 * What the functions ask of the matching host (gRPC in every environment). Amounts are decimal
 * strings; every call that changes state carries the caller's idempotency key, so retries are safe.
 */
export interface TransferResult {
  transferId: string;
  ok: boolean;
  /** why not ok: INSUFFICIENT_FUNDS, … ('NONE' when ok) */
  reason: string;
  /** the host had seen this transfer id before and answered from memory */
  duplicate: boolean;
}

export interface HostBalance {
  asset: string;
  available: string;
  held: string;
}

export interface HostHealth {
  role: string;
  epoch: number;
  lastSeq: number;
  /** the book checksum at lastSeq */
  checksum: string;
}

export interface MatchingHostPort {
  deposit(account: number, asset: string, amount: string, transferId: string): Promise<TransferResult>;
  withdraw(account: number, asset: string, amount: string, transferId: string): Promise<TransferResult>;
  balances(account: number): Promise<HostBalance[]>;
  health(): Promise<HostHealth>;
}
