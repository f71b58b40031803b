/**
 * The REST API's routes as documented: each names the zod schemas its handler validates with (the
 * same objects), so the OpenAPI document is generated from what the code checks. A test keeps this
 * list, serverless.yml's http events and functions/api/openapi.json in agreement.
 */
import type { z } from 'zod';
import { LedgerQuery, TransferBody, TransferPath } from '../accounts/schemas';
import { Credentials, MfaCode, MfaLogin, RefreshBody, RolesBody, UserListQuery, UserPath } from '../auth/schemas';
import { BookQuery, MarketPath, TradesQuery } from '../markets/schemas';
import { DrApprovalBody, DrExecutionPath, DrStartBody } from '../ops/schemas';
import { CancelAfter, CancelAllQuery, FillsQuery, ListOrdersQuery, OrderPath, PlaceOrder, ReplaceOrder, SymbolPath } from '../orders/schemas';

export interface Route {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  summary: string;
  /** 'public', a valid token, or a token with a role */
  access: 'public' | 'token' | 'ops' | 'admin';
  body?: z.ZodType;
  query?: z.ZodType;
  params?: z.ZodType;
  /** the success status */
  status?: number;
}

export const ROUTES: Route[] = [
  { method: 'post', path: '/v1/auth/register', summary: 'Register with email and password', access: 'public', body: Credentials, status: 201 },
  { method: 'post', path: '/v1/auth/login', summary: 'Log in: tokens, or an MFA challenge', access: 'public', body: Credentials },
  { method: 'post', path: '/v1/auth/login/mfa', summary: 'Complete a login with a TOTP code', access: 'public', body: MfaLogin },
  { method: 'post', path: '/v1/auth/refresh', summary: 'Rotate the refresh token', access: 'public', body: RefreshBody },
  { method: 'post', path: '/v1/auth/logout', summary: 'End the session', access: 'public', body: RefreshBody, status: 204 },
  { method: 'post', path: '/v1/auth/mfa/enroll', summary: 'Start MFA enrolment (secret and otpauth URI)', access: 'token' },
  { method: 'post', path: '/v1/auth/mfa/verify', summary: 'Turn MFA on with a first code', access: 'token', body: MfaCode },
  { method: 'get', path: '/v1/auth/me', summary: "The caller's profile", access: 'token' },
  { method: 'post', path: '/v1/accounts/deposits', summary: 'Deposit (simulated funding source; idempotent by key)', access: 'token', body: TransferBody, status: 201 },
  { method: 'post', path: '/v1/accounts/withdrawals', summary: 'Withdraw (held off the matching host first; idempotent by key)', access: 'token', body: TransferBody, status: 201 },
  { method: 'get', path: '/v1/accounts/transfers/{transferId}', summary: 'One of the caller’s transfers', access: 'token', params: TransferPath },
  { method: 'get', path: '/v1/accounts/balances', summary: 'Available and held (host), settled (ledger) per asset', access: 'token' },
  { method: 'get', path: '/v1/accounts/ledger', summary: 'The caller’s ledger postings, newest first', access: 'token', query: LedgerQuery },
  { method: 'post', path: '/v1/orders', summary: 'Place an order (idempotent by clientOrderId)', access: 'token', body: PlaceOrder, status: 201 },
  { method: 'get', path: '/v1/orders', summary: 'Open orders (host) or closed orders (history)', access: 'token', query: ListOrdersQuery },
  { method: 'delete', path: '/v1/orders', summary: 'Cancel all open orders (in a symbol)', access: 'token', query: CancelAllQuery },
  { method: 'get', path: '/v1/orders/{orderId}', summary: 'One open order', access: 'token', params: OrderPath },
  { method: 'patch', path: '/v1/orders/{orderId}', summary: 'Replace price and total quantity', access: 'token', params: OrderPath, body: ReplaceOrder },
  { method: 'delete', path: '/v1/orders/{orderId}', summary: 'Cancel an order', access: 'token', params: OrderPath },
  { method: 'post', path: '/v1/orders/cancel-after', summary: 'Dead-man switch (0 disarms)', access: 'token', body: CancelAfter },
  { method: 'get', path: '/v1/fills', summary: 'The caller’s fills, newest first', access: 'token', query: FillsQuery },
  { method: 'get', path: '/v1/ping', summary: 'Liveness: answers at once', access: 'public' },
  { method: 'get', path: '/v1/markets', summary: 'Symbols and their rules', access: 'public' },
  { method: 'get', path: '/v1/markets/{symbol}/book', summary: 'Order book levels with the market data sequence', access: 'public', params: MarketPath, query: BookQuery },
  { method: 'get', path: '/v1/markets/{symbol}/ticker', summary: 'Last trade, best bid and ask, status', access: 'public', params: MarketPath },
  { method: 'get', path: '/v1/markets/{symbol}/trades', summary: 'Recent trades, newest first', access: 'public', params: MarketPath, query: TradesQuery },
  { method: 'post', path: '/v1/ops/symbols/{symbol}/halt', summary: 'Halt order entry in a symbol', access: 'ops', params: SymbolPath },
  { method: 'post', path: '/v1/ops/symbols/{symbol}/resume', summary: 'Resume order entry in a symbol', access: 'ops', params: SymbolPath },
  { method: 'get', path: '/v1/ops/matching-host', summary: 'The active region and its matching host’s role, epoch, sequence, checksum, replication', access: 'ops' },
  { method: 'post', path: '/v1/ops/dr/failover', summary: 'Start the DR failover runbook (to the standby region)', access: 'ops', body: DrStartBody, status: 202 },
  { method: 'post', path: '/v1/ops/dr/failback', summary: 'Start the DR failback runbook (back to the original region)', access: 'ops', body: DrStartBody, status: 202 },
  { method: 'post', path: '/v1/ops/dr/approvals/{execution}', summary: 'Approve or reject a waiting runbook (a second operator)', access: 'ops', params: DrExecutionPath, body: DrApprovalBody },
  { method: 'get', path: '/v1/ops/dr/executions/{execution}', summary: 'A runbook’s status, states so far and result (RTO, RPO)', access: 'ops', params: DrExecutionPath },
  { method: 'get', path: '/v1/admin/users', summary: 'Users, paged', access: 'admin', query: UserListQuery },
  { method: 'get', path: '/v1/admin/users/{userId}', summary: 'One user', access: 'admin', params: UserPath },
  { method: 'put', path: '/v1/admin/users/{userId}/roles', summary: 'Set a user’s roles (ends their sessions)', access: 'admin', params: UserPath, body: RolesBody },
];
