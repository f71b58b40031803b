/**
 * The REST API's routes as documented: each names the zod schemas its handler validates with (the
 * same objects) and those of what it answers, with every status it can answer, so the OpenAPI
 * document is generated from what the code checks and sends. Tests keep this list, serverless.yml's
 * http events and functions/api/openapi.json in agreement, and the e2e suites check every answer
 * they receive against the document.
 */
import type { z } from 'zod';
import { LedgerQuery, TransferBody, TransferPath } from '../accounts/schemas';
import { Credentials, MfaCode, MfaDisable, MfaEnrol, MfaLogin, RefreshBody, RolesBody, UserListQuery, UserPath } from '../auth/schemas';
import { BookQuery, MarketPath, TradesQuery } from '../markets/schemas';
import { DrApprovalBody, DrExecutionPath, DrStartBody } from '../ops/schemas';
import { Canceled, CancelAfterState, FillPage, Order, OrderList, PlacedOrder, SymbolState } from '../orders/responses';
import {
  CancelAfter,
  CancelAllQuery,
  FillsQuery,
  ListOrdersQuery,
  OrderPath,
  PlaceOrder,
  ReplaceOrder,
  SymbolPath,
} from '../orders/schemas';
import { Balances, Statement, Transfer } from './responses/accounts';
import {
  LoginAnswer,
  MfaDisabled,
  MfaEnabled,
  MfaEnrolment,
  MfaReset,
  Profile,
  Registered,
  RolesChanged,
  SteppedUp,
  Tokens,
  User,
  UserPage,
} from './responses/auth';
import { Book, Markets, Ticker, Trades } from './responses/markets';
import { DrAnswered, DrExecution, DrStarted, HostStatus, Ping } from './responses/ops';

/** One documented answer: what it means, and its JSON body (none: no body is sent). */
export interface Answer {
  description: string;
  body?: z.ZodType;
  /** response headers it always carries */
  headers?: Record<string, string>;
}

export interface Route {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  summary: string;
  /** 'public', a valid token, or a token with a role */
  access: 'public' | 'token' | 'ops' | 'admin';
  body?: z.ZodType;
  query?: z.ZodType;
  params?: z.ZodType;
  /** its successful answers by status */
  success: Record<number, Answer>;
  /**
   * Refusals of its own by status (404, 409, 422 …), besides those its kind of route always may
   * answer: 400 with input, 413 and 415 with a body, 401 behind a token, 403 behind a role, 429, 503.
   */
  refusals?: Partial<Record<number, string>>;
  /** answered without the handler stack (no input, limits or stores): only its success, or API Gateway's throttling */
  bare?: true;
}

const REPLAYED = { 'Idempotent-Replayed': 'true: the same key named this one before; nothing was done again' };
const ok = (body: z.ZodType, description = 'success'): Record<number, Answer> => ({ 200: { description, body } });
const transfer = (kind: string): Pick<Route, 'success' | 'refusals'> => ({
  success: {
    201: { description: `the ${kind}, completed`, body: Transfer },
    200: { description: `a retry of its idempotencyKey: the same ${kind}`, body: Transfer, headers: REPLAYED },
  },
  refusals: {
    400: 'invalid input, an unknown asset or an amount off its decimals',
    409: 'IDEMPOTENCY_KEY_REUSED (the key names a different transfer) or TRANSFER_IN_REVIEW',
    422: `the matching host refused the ${kind} (INSUFFICIENT_FUNDS …)`,
    ...(kind === 'deposit' ? { 403: 'FUNDING_UNAVAILABLE: deposits from the simulated funding source are off in this stage' } : {}),
  },
});
/** the routes that need an MFA'd session with a recent code (shared/access.ts requireStepUp) */
const STEP_UP =
  'MFA_REQUIRED (the session never proved a code) or STEP_UP_REQUIRED (its code is older than 5 minutes: /v1/auth/mfa/step-up)';

const notFound = (what: string): Partial<Record<number, string>> => ({
  404: `no such ${what} of the caller's (another's is answered alike)`,
});

export const ROUTES: Route[] = [
  {
    method: 'post',
    path: '/v1/auth/register',
    summary: 'Register with email and password',
    access: 'public',
    body: Credentials,
    success: { 201: { description: 'registered (role trader)', body: Registered } },
    refusals: { 409: 'EMAIL_TAKEN' },
  },
  {
    method: 'post',
    path: '/v1/auth/login',
    summary: 'Log in: tokens, or an MFA challenge',
    access: 'public',
    body: Credentials,
    success: ok(LoginAnswer, 'tokens, or with MFA on {mfaRequired, challengeId} to complete at /v1/auth/login/mfa'),
    refusals: { 401: 'INVALID_CREDENTIALS' },
  },
  {
    method: 'post',
    path: '/v1/auth/login/mfa',
    summary: 'Complete a login with a TOTP code',
    access: 'public',
    body: MfaLogin,
    success: ok(Tokens),
    refusals: { 401: 'INVALID_CHALLENGE or INVALID_MFA_CODE' },
  },
  {
    method: 'post',
    path: '/v1/auth/refresh',
    summary: 'Rotate the refresh token',
    access: 'public',
    body: RefreshBody,
    success: ok(Tokens),
    refusals: { 401: 'INVALID_REFRESH_TOKEN, SESSION_REVOKED or REFRESH_TOKEN_REUSED (the session ends)' },
  },
  {
    method: 'post',
    path: '/v1/auth/logout',
    summary: 'End the session',
    access: 'public',
    body: RefreshBody,
    success: { 204: { description: 'the session ended (or was not there)' } },
  },
  {
    method: 'post',
    path: '/v1/auth/mfa/enroll',
    summary: 'Start MFA enrolment (secret and otpauth URI); the password again',
    access: 'token',
    body: MfaEnrol,
    success: ok(MfaEnrolment),
    refusals: { 401: 'INVALID_CREDENTIALS (the password)', 409: 'MFA_ALREADY_ENABLED' },
  },
  {
    method: 'post',
    path: '/v1/auth/mfa/verify',
    summary: 'Turn MFA on with a first code (ends the user’s other sessions)',
    access: 'token',
    body: MfaCode,
    success: ok(MfaEnabled),
    refusals: { 401: 'INVALID_MFA_CODE', 409: 'NO_MFA_ENROLMENT', 429: 'MFA_LOCKED' },
  },
  {
    method: 'post',
    path: '/v1/auth/mfa/step-up',
    summary: 'Prove a current code for this session: an access token that counts as MFA’d for 5 minutes',
    access: 'token',
    body: MfaCode,
    success: ok(SteppedUp, 'an access token of the same session, with amr pwd+otp (the refresh token is unchanged)'),
    refusals: { 401: 'INVALID_MFA_CODE or SESSION_REVOKED', 409: 'MFA_NOT_ENABLED', 429: 'MFA_LOCKED' },
  },
  {
    method: 'post',
    path: '/v1/auth/mfa/disable',
    summary: 'Turn MFA off with the password and a current code (ends the user’s other sessions)',
    access: 'token',
    body: MfaDisable,
    success: ok(MfaDisabled),
    refusals: { 401: 'INVALID_CREDENTIALS or INVALID_MFA_CODE', 409: 'MFA_NOT_ENABLED', 429: 'MFA_LOCKED' },
  },
  { method: 'get', path: '/v1/auth/me', summary: "The caller's profile", access: 'token', success: ok(Profile) },
  {
    method: 'post',
    path: '/v1/accounts/deposits',
    summary: 'Deposit (simulated funding source; idempotent by key)',
    access: 'token',
    body: TransferBody,
    ...transfer('deposit'),
  },
  {
    method: 'post',
    path: '/v1/accounts/withdrawals',
    summary: 'Withdraw (held off the matching host first; idempotent by key)',
    access: 'token',
    body: TransferBody,
    ...transfer('withdrawal'),
    refusals: { ...transfer('withdrawal').refusals, 403: STEP_UP },
  },
  {
    method: 'get',
    path: '/v1/accounts/transfers/{transferId}',
    summary: 'One of the caller’s transfers',
    access: 'token',
    params: TransferPath,
    success: ok(Transfer),
    refusals: notFound('transfer'),
  },
  {
    method: 'get',
    path: '/v1/accounts/balances',
    summary: 'Available and held (host), settled (ledger) per asset',
    access: 'token',
    success: ok(Balances),
  },
  {
    method: 'get',
    path: '/v1/accounts/ledger',
    summary: 'The caller’s ledger postings, newest first',
    access: 'token',
    query: LedgerQuery,
    success: ok(Statement),
  },
  {
    method: 'post',
    path: '/v1/orders',
    summary: 'Place an order (idempotent by clientOrderId)',
    access: 'token',
    body: PlaceOrder,
    success: {
      201: { description: 'the order after the matching host ran it, with its fills', body: PlacedOrder },
      200: { description: 'a retry of its clientOrderId: the same order', body: PlacedOrder, headers: REPLAYED },
    },
    refusals: {
      400: 'invalid input, or what the symbol’s rules refuse (PRICE_OFF_TICK, UNKNOWN_SYMBOL …; PRICE_OUT_OF_BAND beyond the priceBand the ticker shows)',
      422: 'the matching host rejected the order (INSUFFICIENT_FUNDS, POST_ONLY_WOULD_TAKE, SYMBOL_HALTED …; PRICE_OUT_OF_BAND when no band was published yet or it has just moved)',
    },
  },
  {
    method: 'get',
    path: '/v1/orders',
    summary: 'Open orders (host) or closed orders (history)',
    access: 'token',
    query: ListOrdersQuery,
    success: ok(OrderList),
  },
  {
    method: 'delete',
    path: '/v1/orders',
    summary: 'Cancel all open orders (in a symbol)',
    access: 'token',
    query: CancelAllQuery,
    success: ok(Canceled),
  },
  {
    method: 'get',
    path: '/v1/orders/{orderId}',
    summary: 'One order in any state, with its fills',
    access: 'token',
    params: OrderPath,
    success: ok(Order, 'the order: open from the matching host, closed (FILLED, CANCELED, EXPIRED, REJECTED) from the order history'),
    refusals: {
      ...notFound('order'),
      503: 'the order just left the book and the history has not caught up yet (Retry-After), or the host is unavailable',
    },
  },
  {
    method: 'patch',
    path: '/v1/orders/{orderId}',
    summary: 'Replace price and total quantity',
    access: 'token',
    params: OrderPath,
    body: ReplaceOrder,
    success: ok(Order, 'the order after the replace, in whatever state it left it'),
    refusals: {
      ...notFound('open order'),
      422: 'the matching host refused the replace (QUANTITY_BELOW_FILLED, INSUFFICIENT_FUNDS, PRICE_OUT_OF_BAND …)',
    },
  },
  {
    method: 'delete',
    path: '/v1/orders/{orderId}',
    summary: 'Cancel an order',
    access: 'token',
    params: OrderPath,
    success: ok(Canceled),
    refusals: notFound('open order'),
  },
  {
    method: 'post',
    path: '/v1/orders/cancel-after',
    summary: 'Dead-man switch (0 disarms)',
    access: 'token',
    body: CancelAfter,
    success: ok(CancelAfterState),
  },
  {
    method: 'get',
    path: '/v1/fills',
    summary: 'The caller’s fills, newest first',
    access: 'token',
    query: FillsQuery,
    success: ok(FillPage),
  },
  { method: 'get', path: '/v1/ping', summary: 'Liveness: answers at once', access: 'public', success: ok(Ping), bare: true },
  { method: 'get', path: '/v1/markets', summary: 'Symbols, their rules and price bands', access: 'public', success: ok(Markets) },
  {
    method: 'get',
    path: '/v1/markets/{symbol}/book',
    summary: 'Order book levels with the market data sequence',
    access: 'public',
    params: MarketPath,
    query: BookQuery,
    success: ok(Book),
    refusals: { 404: 'no such market' },
  },
  {
    method: 'get',
    path: '/v1/markets/{symbol}/ticker',
    summary: 'Last trade, best bid and ask, status, price band',
    access: 'public',
    params: MarketPath,
    success: ok(Ticker),
    refusals: { 404: 'no such market' },
  },
  {
    method: 'get',
    path: '/v1/markets/{symbol}/trades',
    summary: 'Recent trades, newest first',
    access: 'public',
    params: MarketPath,
    query: TradesQuery,
    success: ok(Trades),
    refusals: { 404: 'no such market' },
  },
  {
    method: 'post',
    path: '/v1/ops/symbols/{symbol}/halt',
    summary: 'Halt order entry in a symbol',
    access: 'ops',
    params: SymbolPath,
    success: ok(SymbolState),
    refusals: { 403: STEP_UP },
  },
  {
    method: 'post',
    path: '/v1/ops/symbols/{symbol}/resume',
    summary: 'Resume order entry in a symbol',
    access: 'ops',
    params: SymbolPath,
    success: ok(SymbolState),
    refusals: { 403: STEP_UP },
  },
  {
    method: 'get',
    path: '/v1/ops/matching-host',
    summary: 'The active region and its matching host’s role, epoch, sequence, checksum, replication',
    access: 'ops',
    success: ok(HostStatus),
  },
  {
    method: 'post',
    path: '/v1/ops/dr/failover',
    summary: 'Start the DR failover runbook (to the standby region)',
    access: 'ops',
    body: DrStartBody,
    success: { 202: { description: 'started: follow it at /v1/ops/dr/executions/{execution}', body: DrStarted } },
    refusals: { 403: `the ops role held for an hour, MFA on, autoApprove where the stage forbids it, ${STEP_UP}` },
  },
  {
    method: 'post',
    path: '/v1/ops/dr/failback',
    summary: 'Start the DR failback runbook (back to the original region)',
    access: 'ops',
    body: DrStartBody,
    success: { 202: { description: 'started: follow it at /v1/ops/dr/executions/{execution}', body: DrStarted } },
    refusals: { 403: `the ops role held for an hour, MFA on, autoApprove where the stage forbids it, ${STEP_UP}` },
  },
  {
    method: 'post',
    path: '/v1/ops/dr/approvals/{execution}',
    summary: 'Approve or reject a waiting runbook (a second operator)',
    access: 'ops',
    params: DrExecutionPath,
    body: DrApprovalBody,
    success: ok(DrAnswered),
    refusals: {
      403: `the ops role held for an hour (ROLE_TOO_RECENT), MFA on, never the operator who started the runbook, ${STEP_UP}`,
      404: 'no approval is pending for this execution',
    },
  },
  {
    method: 'get',
    path: '/v1/ops/dr/executions/{execution}',
    summary: 'A runbook’s status, states so far and result (RTO, RPO)',
    access: 'ops',
    params: DrExecutionPath,
    success: ok(DrExecution),
    refusals: { 404: 'no such execution' },
  },
  { method: 'get', path: '/v1/admin/users', summary: 'Users, paged', access: 'admin', query: UserListQuery, success: ok(UserPage) },
  {
    method: 'get',
    path: '/v1/admin/users/{userId}',
    summary: 'One user',
    access: 'admin',
    params: UserPath,
    success: ok(User),
    refusals: { 404: 'no such user' },
  },
  {
    method: 'put',
    path: '/v1/admin/users/{userId}/roles',
    summary: 'Set a user’s roles (ends their sessions)',
    access: 'admin',
    params: UserPath,
    body: RolesBody,
    success: ok(RolesChanged, 'the user with the new roles, and how many sessions ended'),
    refusals: {
      403: `SELF_GRANT (a role for oneself), ${STEP_UP}`,
      404: 'no such user',
      409: 'LAST_WAY_IN (one’s own admin role) or LAST_ADMIN',
    },
  },
  {
    method: 'post',
    path: '/v1/admin/users/{userId}/mfa/reset',
    summary: 'Reset a user’s MFA (a lost authenticator): MFA off, their sessions ended, audited',
    access: 'admin',
    params: UserPath,
    success: ok(MfaReset, 'the user with MFA off, and how many sessions ended'),
    refusals: { 403: `SELF_RESET (one’s own: turn it off with password and code), ${STEP_UP}`, 404: 'no such user' },
  },
];
