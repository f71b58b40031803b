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
  journalHealthy: boolean;
  /** primary: highest seq a standby holds; standby: highest seq its primary said it acknowledged */
  replicatedSeq: number;
  /** primary: standbys in sync; standby: 1 while it follows its primary */
  replicas: number;
  /** primary: commands acknowledged while no standby held them */
  unreplicatedAcks: number;
  /** standby: own commands dropped on rejoining a primary whose history diverged */
  discarded: number;
  /** the host's id in its group */
  hostId: string;
  /** a follower: acknowledged commands it does not hold, and how long ago the oldest was reported (the RPO of promoting it now) */
  lagCommands: number;
  lagMs: number;
  /** a primary that may acknowledge under its lease */
  leaseValid: boolean;
  /** the build the host runs (its release version; `source` from the sources) */
  version: string;
}

/** What the DR runbooks do to a host (besides reading its health). */
export interface HostAdminPort {
  health(): Promise<HostHealth>;
  /** become standby at `epoch`, following `replicateFrom` when given (resync: from its snapshot, whatever this host holds) */
  fence(epoch: number, replicateFrom?: string, resync?: boolean): Promise<HostHealth>;
  promote(epoch: number): Promise<HostHealth>;
  /** where this port's host is now (a region of several hosts: the one its lease names) */
  currentAddress?(): Promise<string>;
}

export type Side = 'buy' | 'sell';
export type OrderType = 'limit' | 'market';
export type TimeInForce = 'GTC' | 'IOC' | 'FOK' | 'GTD';
export type Stp = 'cancel_newest' | 'cancel_oldest' | 'cancel_both';

/** An order as the host takes it: prices and quantities as decimal strings of the symbol's scale. */
export interface HostOrderRequest {
  clientOrderId: string;
  symbol: string;
  side: Side;
  type: OrderType;
  timeInForce?: TimeInForce;
  price?: string;
  quantity: string;
  postOnly?: boolean;
  stp?: Stp;
  /** epoch ms, GTD only */
  expireTime?: number;
}

export interface HostFill {
  price: string;
  quantity: string;
  counterOrderId: number;
  sequence: number;
  liquidity: 'maker' | 'taker';
}

export interface HostOrderReply {
  orderId: number;
  clientOrderId: string;
  symbol: string;
  side: Side;
  /** OPEN | PARTIALLY_FILLED | FILLED | CANCELED | EXPIRED | REJECTED */
  status: string;
  price: string;
  quantity: string;
  filled: string;
  leaves: string;
  fills: HostFill[];
  /** NONE, or why it was rejected or canceled */
  reason: string;
  seq: number;
  /** answered from the idempotency record of its clientOrderId */
  duplicate: boolean;
}

export interface HostOpenOrder {
  orderId: number;
  clientOrderId: string;
  symbol: string;
  side: Side;
  price: string;
  quantity: string;
  filled: string;
  leaves: string;
  timeInForce: string;
  /** epoch ms it entered the book */
  time: number;
}

export interface MatchingHostPort {
  deposit(account: number, asset: string, amount: string, transferId: string): Promise<TransferResult>;
  withdraw(account: number, asset: string, amount: string, transferId: string): Promise<TransferResult>;
  balances(account: number): Promise<HostBalance[]>;
  health(): Promise<HostHealth>;
  placeOrder(account: number, order: HostOrderRequest): Promise<HostOrderReply>;
  /** ids canceled (empty: no such open order of this account) */
  cancelOrder(account: number, orderId: number): Promise<number[]>;
  /** a new price and quantity for an open order (cancel-replace semantics on the host) */
  replaceOrder(account: number, orderId: number, price: string, quantity: string): Promise<number[]>;
  cancelAll(account: number, symbol?: string): Promise<number[]>;
  /** dead-man switch: cancel all of the account's orders `timeoutMs` from now unless called again; 0 disarms. The deadline (epoch ms, 0 when disarmed) */
  cancelAllAfter(account: number, timeoutMs: number): Promise<number>;
  /** the account's open order, or null (another account's is null too) */
  getOrder(account: number, orderId: number): Promise<HostOpenOrder | null>;
  openOrders(account: number, symbol?: string): Promise<HostOpenOrder[]>;
  halt(symbol: string): Promise<number>;
  resume(symbol: string): Promise<number>;
}
