/**
 * Deposits, withdrawals, balances and statements of the caller's own account. A transfer is a saga
 * recorded before it starts: claim the idempotency key (PostgreSQL) → move the funds on the matching
 * host (idempotent by transfer id) → post the ledger entry and mark it completed (one transaction).
 * A failure anywhere leaves the transfer `requested`, and a retry with the same key resumes it; the
 * host's refusal marks it `rejected` and nothing moves. A withdrawal is first set aside in the
 * ledger (its settled balance must cover it, whatever the host believes), then taken off the host,
 * so an open order can never spend what is being withdrawn. Nothing retries a transfer past
 * TRANSFER_RETRY_LIMIT_MS: the host remembers its id only so long.
 */
import { DecimalError, fromUnits, toBigUnits } from '../../matching-host/proto/decimal';
import { TRANSFER_RETRY_LIMIT_MS } from '../../matching-host/proto/transfer-window';
import type { Caller } from '../shared/caller';
import { AppError, badRequest, conflict } from '../shared/errors';
import { count, logger } from '../shared/observability';
import { LedgerOverdraftRefused, type AccountStore, type StatementCursor, type Transfer, type TransferKind } from './ports/account-store';
import type { AuditLog, AuditRecord, RequestContext } from '../shared/ports/audit-log';
import type { MatchingHostPort } from '../shared/ports/matching-host';
import type { TransferBody } from './schemas';

export interface TransferView {
  transferId: string;
  kind: TransferKind;
  asset: string;
  amount: string;
  status: Transfer['status'];
  reason?: string;
  createdAt: string;
  completedAt?: string;
}

export interface BalanceView {
  asset: string;
  /** spendable now (matching host) */
  available: string;
  /** reserved by open orders (matching host) */
  held: string;
  /** the book of record's balance (PostgreSQL ledger): deposits, withdrawals and settled trades */
  settled: string;
}

export interface StatementView {
  items: { entryId: number; kind: string; reference: string; asset: string; amount: string; balanceAfter: string; time: string }[];
  nextCursor?: string;
}

export interface SweepResult {
  completed: number;
  rejected: number;
  /** failed again: retried after a backoff */
  failed: number;
  /** gave up (past TRANSFER_RETRY_LIMIT_MS): status `review` */
  review: number;
}

const SWEEPER = 'system:transfer-sweeper';

/** The host takes amounts it can hold as safe integers of minor units. */
const MAX_UNITS = BigInt(Number.MAX_SAFE_INTEGER);

const unprocessable = (code: string, message: string): AppError => new AppError(422, code, message);
const inReview = (): AppError => conflict('TRANSFER_IN_REVIEW', 'this transfer could not finish and is being looked at by operations');

export class AccountService {
  constructor(
    private readonly store: AccountStore,
    private readonly host: MatchingHostPort,
    private readonly audit: AuditLog,
    private readonly assets: Readonly<Record<string, { decimals: number }>>,
    /** deposits from the simulated funding source are allowed (dev stages only) */
    private readonly simulatedFunding: boolean,
  ) {}

  /** A deposit or withdrawal; `replayed` when the key named a transfer already completed. */
  async transfer(
    caller: Caller,
    kind: TransferKind,
    req: TransferBody,
    ctx: RequestContext,
  ): Promise<{ transfer: TransferView; replayed: boolean }> {
    if (kind === 'deposit' && !this.simulatedFunding)
      throw new AppError(403, 'FUNDING_UNAVAILABLE', 'deposits from the simulated funding source are off in this stage');
    const decimals = this.decimalsOf(req.asset);
    const amount = this.parseAmount(req.amount, decimals);
    const { transfer, created } = await this.store.claimTransfer({
      userId: caller.userId,
      kind,
      asset: req.asset,
      amount,
      idempotencyKey: req.idempotencyKey,
    });
    if (!created && (transfer.kind !== kind || transfer.asset !== req.asset || transfer.amount !== amount))
      throw conflict('IDEMPOTENCY_KEY_REUSED', 'this idempotencyKey already names a different transfer');
    if (transfer.status === 'completed') return { transfer: this.view(transfer), replayed: true };
    if (transfer.status === 'rejected') throw this.refusal(transfer);
    if (transfer.status === 'review') throw inReview();
    if (this.pastRetryLimit(transfer, new Date())) {
      await this.giveUp(transfer, 'RETRY_LIMIT', caller.userId, ctx);
      throw inReview();
    }

    const done = await this.carryOut(transfer, caller.accountNo, caller.userId, ctx);
    if (done.status === 'rejected') throw this.refusal(done);
    return { transfer: this.view(done), replayed: !created };
  }

  /**
   * Finish transfers a request left `requested` (the host or the database failed mid-way and the
   * client never retried): each goes on exactly as a retry with its key would, so the matching host
   * and the ledger agree again. Run on a schedule; answers how each ended.
   */
  async resumeStale(olderThan: Date, limit: number, now = new Date()): Promise<SweepResult> {
    const out: SweepResult = { completed: 0, rejected: 0, failed: 0, review: 0 };
    for (const t of await this.store.staleTransfers(olderThan, limit)) {
      const ctx = { requestId: `sweep-${t.id}-${t.attempts}`, ip: 'internal' };
      if (this.pastRetryLimit(t, now)) {
        await this.giveUp(t, 'RETRY_LIMIT', SWEEPER, ctx, { attempts: t.attempts });
        out.review++;
        continue;
      }
      try {
        const done = await this.carryOut(t, t.accountNo, SWEEPER, ctx);
        if (done.status === 'completed') out.completed++;
        else out.rejected++;
      } catch (e) {
        if (e instanceof AppError && e.code === 'TRANSFER_IN_REVIEW') {
          out.review++;
          continue;
        }
        await this.store.deferTransfer(t.id);
        out.failed++;
        logger.warn('stale transfer still cannot finish', { transferId: t.id, attempts: t.attempts + 1, error: e as Error });
      }
    }
    return out;
  }

  /**
   * A retry (the sweeper's, or the client's with the same key) may come later than the host
   * remembers the transfer id, and would then move the money again: past the limit it is not made.
   */
  private pastRetryLimit(t: Transfer, now: Date): boolean {
    return now.getTime() - t.createdAt.getTime() > TRANSFER_RETRY_LIMIT_MS;
  }

  /** Stop carrying a transfer out and hand it to a person: status `review`, the alarm's metric, an error in the log, the trail. */
  private async giveUp(
    t: Transfer,
    reason: string,
    actorId: string,
    ctx: RequestContext,
    details: AuditRecord['details'] = {},
  ): Promise<void> {
    await this.store.markForReview(t.id, reason);
    count('TransferNeedsReview');
    logger.error('transfer handed to operations for review', { transferId: t.id, kind: t.kind, asset: t.asset, reason });
    await this.writeAudit({
      userId: t.userId,
      action: t.kind,
      outcome: 'failed',
      actorId,
      ...ctx,
      details: { transferId: t.id, status: 'review', reason, ...details },
    });
  }

  /**
   * Set a withdrawal aside in the ledger, move the funds on the host (idempotent by transfer id),
   * then post the ledger; audited either way.
   */
  private async carryOut(transfer: Transfer, accountNo: number, actorId: string, ctx: RequestContext): Promise<Transfer> {
    const decimals = this.decimalsOf(transfer.asset);
    const units = fromUnits(transfer.amount, decimals);
    const audit = (outcome: AuditRecord['outcome'], details: AuditRecord['details'] = {}): Promise<void> =>
      this.writeAudit({
        userId: transfer.userId,
        action: transfer.kind,
        outcome,
        actorId,
        ...ctx,
        details: { transferId: transfer.id, asset: transfer.asset, amount: units, idempotencyKey: transfer.idempotencyKey, ...details },
      });
    const metric = transfer.kind === 'deposit' ? 'Deposit' : 'Withdrawal';
    // the book of record must cover a withdrawal before the host is asked: a host that shows funds
    // the ledger does not have (a bug, a forged deposit) pays out nothing
    if (transfer.kind === 'withdrawal' && !(await this.store.reserveWithdrawal(transfer.id))) {
      const rejected = await this.store.rejectTransfer(transfer.id, 'INSUFFICIENT_FUNDS');
      count(`${metric}Rejected`);
      await audit('rejected', { reason: 'INSUFFICIENT_FUNDS', refusedBy: 'ledger' });
      return rejected;
    }
    let moved;
    try {
      moved =
        transfer.kind === 'deposit'
          ? await this.host.deposit(accountNo, transfer.asset, units, transfer.id)
          : await this.host.withdraw(accountNo, transfer.asset, units, transfer.id);
    } catch (e) {
      // the host refused the request itself (unknown asset, bad amount …): no retry will change that
      if (e instanceof AppError && e.status === 400) moved = { ok: false, reason: e.code };
      else {
        // still `requested`: the same key (or the sweeper) resumes it
        await audit('pending', { error: e instanceof AppError ? e.code : 'INTERNAL' });
        throw e;
      }
    }
    if (!moved.ok) {
      const rejected = await this.store.rejectTransfer(transfer.id, moved.reason);
      count(`${metric}Rejected`);
      await audit('rejected', { reason: moved.reason });
      return rejected;
    }
    let done;
    try {
      done = await this.store.completeTransfer(transfer.id);
    } catch (e) {
      // the host paid out what the ledger will not post (they disagree, past the reservation): money
      // is wrong somewhere, and a person must decide, not a retry
      if (!(e instanceof LedgerOverdraftRefused)) throw e;
      await this.giveUp(transfer, 'LEDGER_REFUSED_OVERDRAFT', actorId, ctx);
      throw inReview();
    }
    count(`${metric}Completed`);
    await audit('succeeded', { entryId: done.entryId });
    return done;
  }

  /** One of the caller's transfers; another user's is "not found" (its existence is not disclosed). */
  async getTransfer(caller: Caller, transferId: string): Promise<TransferView> {
    const t = await this.store.findTransfer(transferId);
    if (!t || t.userId !== caller.userId) throw new AppError(404, 'NOT_FOUND', 'no such transfer');
    return this.view(t);
  }

  async balances(caller: Caller): Promise<BalanceView[]> {
    const [live, settled] = await Promise.all([this.host.balances(caller.accountNo), this.store.settledBalances(caller.userId)]);
    const byAsset = new Map(live.map((b) => [b.asset, b]));
    const names = new Set([...Object.keys(this.assets), ...byAsset.keys(), ...settled.keys()]);
    return [...names].sort().map((asset) => {
      const d = this.assets[asset]?.decimals ?? 0;
      const h = byAsset.get(asset);
      return {
        asset,
        available: h?.available ?? fromUnits(0, d),
        held: h?.held ?? fromUnits(0, d),
        settled: fromUnits(settled.get(asset) ?? 0n, d),
      };
    });
  }

  async statement(caller: Caller, q: { asset?: string; limit: number; cursor?: string }): Promise<StatementView> {
    if (q.asset) this.decimalsOf(q.asset);
    const lines = await this.store.statement(caller.userId, {
      asset: q.asset,
      before: q.cursor ? decodeCursor(q.cursor) : undefined,
      limit: q.limit + 1,
    });
    const page = lines.slice(0, q.limit);
    const last = page[page.length - 1];
    return {
      items: page.map((l) => {
        const d = this.assets[l.asset]?.decimals ?? 0;
        return {
          entryId: l.entryId,
          kind: l.kind,
          reference: l.reference,
          asset: l.asset,
          amount: fromUnits(l.amount, d),
          balanceAfter: fromUnits(l.balanceAfter, d),
          time: l.time.toISOString(),
        };
      }),
      ...(lines.length > q.limit && last ? { nextCursor: encodeCursor({ entryId: last.entryId, asset: last.asset }) } : {}),
    };
  }

  private decimalsOf(asset: string): number {
    const a = this.assets[asset];
    if (!a) throw badRequest('UNKNOWN_ASSET', `unknown asset ${asset}; known: ${Object.keys(this.assets).join(', ')}`);
    return a.decimals;
  }

  private parseAmount(value: string, decimals: number): bigint {
    let units: bigint;
    try {
      units = toBigUnits(value, decimals);
    } catch (e) {
      if (e instanceof DecimalError) throw badRequest('INVALID_AMOUNT', e.message);
      throw e;
    }
    if (units <= 0n) throw badRequest('INVALID_AMOUNT', 'amount must be positive');
    if (units > MAX_UNITS) throw badRequest('INVALID_AMOUNT', `amount must be at most ${fromUnits(MAX_UNITS, decimals)}`);
    return units;
  }

  private refusal(t: Transfer): AppError {
    return t.reason === 'INSUFFICIENT_FUNDS'
      ? unprocessable('INSUFFICIENT_FUNDS', `not enough available ${t.asset} (open orders hold the rest)`)
      : unprocessable(t.reason ?? 'REJECTED', `the ${t.kind} was refused (${t.reason ?? 'no reason given'})`);
  }

  private view(t: Transfer): TransferView {
    return {
      transferId: t.id,
      kind: t.kind,
      asset: t.asset,
      amount: fromUnits(t.amount, this.assets[t.asset]?.decimals ?? 0),
      status: t.status,
      ...(t.reason ? { reason: t.reason } : {}),
      createdAt: t.createdAt.toISOString(),
      ...(t.completedAt ? { completedAt: t.completedAt.toISOString() } : {}),
    };
  }

  /**
   * The trail must not undo a transfer that happened: a failed write is logged loudly (and counted by
   * the log metric filter) instead of failing the request.
   */
  private async writeAudit(r: AuditRecord): Promise<void> {
    try {
      await this.audit.record(r);
    } catch (e) {
      logger.error('audit write failed', { error: e as Error, audit: r });
      count('AuditWriteFailed');
    }
  }
}

function encodeCursor(c: StatementCursor): string {
  return Buffer.from(`${c.entryId}:${c.asset}`).toString('base64url');
}

function decodeCursor(s: string): StatementCursor {
  const m = /^(\d{1,18}):([A-Z0-9]{2,10})$/.exec(Buffer.from(s, 'base64url').toString());
  if (!m) throw badRequest('INVALID_CURSOR', 'cursor is not one this API returned');
  return { entryId: Number(m[1]), asset: m[2] };
}
