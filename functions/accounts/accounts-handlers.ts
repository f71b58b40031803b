/** /v1/accounts: parse → AccountService → response. Every route acts on the caller's own account. */
import { requireStepUp } from '../shared/access';
import { callerOf } from '../shared/caller';
import { httpHandler, type HttpOutput } from '../shared/http-handler';
import { perUser } from '../shared/limits';
import { BUDGETS } from '../shared/rate-limit';
import type { TransferKind } from './ports/account-store';
import { LedgerQuery, TransferBody, TransferPath } from './schemas';
import { accountService } from './wiring';

const reads = perUser(BUDGETS.reads);
// money movements share the order-entry budget: they are writes that reach the matching host
const writes = perUser(BUDGETS.orders);

const transfer = (kind: TransferKind) =>
  httpHandler({ body: TransferBody, limits: writes }, async ({ body, event, requestId, ip }): Promise<HttpOutput> => {
    const caller = callerOf(event);
    // money leaves the exchange only from an MFA'd session with a recent code
    if (kind === 'withdrawal') requireStepUp(caller);
    const r = await accountService().transfer(caller, kind, body, { requestId, ip });
    // a retry of a completed transfer answers as the first time did, marked as a replay
    return { status: r.replayed ? 200 : 201, body: r.transfer, headers: r.replayed ? { 'Idempotent-Replayed': 'true' } : undefined };
  });

/** POST /v1/accounts/deposits `{asset, amount, idempotencyKey}` (a simulated funding source in dev). */
export const deposit = transfer('deposit');

/** POST /v1/accounts/withdrawals `{asset, amount, idempotencyKey}`: held off the matching host first. */
export const withdraw = transfer('withdrawal');

/** GET /v1/accounts/transfers/{transferId} */
export const getTransfer = httpHandler({ path: TransferPath, limits: reads }, async ({ params, event }) => ({
  body: await accountService().getTransfer(callerOf(event), params.transferId),
}));

/** GET /v1/accounts/balances: available/held (matching host) and settled (ledger) per asset. */
export const balances = httpHandler({ limits: reads }, async ({ event }) => ({
  body: { balances: await accountService().balances(callerOf(event)) },
}));

/** GET /v1/accounts/ledger?asset=&limit=&cursor= : the caller's postings, newest first. */
export const ledger = httpHandler({ query: LedgerQuery, limits: reads }, async ({ query, event }) => ({
  body: await accountService().statement(callerOf(event), query),
}));
