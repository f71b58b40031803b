/**
 * Who may call what on the matching host. Every client presents a certificate from the exchange's
 * host CA whose common name is its role; each method serves only the roles that need it, so a
 * leaked trading certificate cannot fence a host, and a leaked DR certificate cannot move money.
 */
import type { UnaryMethod } from './host-client';

export const HOST_ROLES = ['trading', 'accounts', 'ops', 'settlement', 'dr', 'host'] as const;
export type HostRole = (typeof HOST_ROLES)[number];

/** Every method of the contract: a new rpc fails the build until it names its roles. */
export const METHOD_ROLES: Record<UnaryMethod | 'Replicate', readonly HostRole[]> = {
  // the trading functions (REST and WebSocket order routes)
  PlaceOrder: ['trading'],
  CancelOrder: ['trading'],
  ReplaceOrder: ['trading'],
  CancelAll: ['trading'],
  CancelAllAfter: ['trading'],
  GetOrder: ['trading'],
  ListOpenOrders: ['trading'],
  GetBook: ['trading'],
  // money moves only through the account functions; balances are read by those, trading and reconciliation
  Deposit: ['accounts'],
  Withdraw: ['accounts'],
  GetBalances: ['trading', 'accounts', 'settlement'],
  HaltSymbol: ['ops'],
  ResumeSymbol: ['ops'],
  // role, epoch and sequence: what every caller may know to route and to watch
  Health: ['trading', 'accounts', 'ops', 'settlement', 'dr', 'host'],
  Promote: ['dr'],
  Fence: ['dr'],
  // the journal leaves only for the peer host
  Replicate: ['host'],
};

export function isHostRole(value: string): value is HostRole {
  return (HOST_ROLES as readonly string[]).includes(value);
}
