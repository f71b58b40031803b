import type { Pool } from 'pg';
import {
  LedgerOverdraftRefused,
  type AccountStore,
  type StatementCursor,
  type StatementLine,
  type Transfer,
  type TransferRequest,
} from '../ports/account-store';
import { inTransaction } from '../../shared/db/transaction';
import { postEntry, SYSTEM, tradingAccount, type Posting } from '../../shared/adapters/pg-ledger';

interface TransferRow {
  id: string;
  user_id: string;
  kind: Transfer['kind'];
  asset: string;
  amount: string;
  idempotency_key: string;
  status: Transfer['status'];
  reason: string | null;
  entry_id: string | null;
  created_at: Date;
  completed_at: Date | null;
}

const toTransfer = (r: TransferRow): Transfer => ({
  id: r.id,
  userId: r.user_id,
  kind: r.kind,
  asset: r.asset,
  amount: BigInt(r.amount),
  idempotencyKey: r.idempotency_key,
  status: r.status,
  reason: r.reason,
  entryId: r.entry_id === null ? null : Number(r.entry_id),
  createdAt: r.created_at,
  completedAt: r.completed_at,
});

/** The ledger entry a transfer posts: the trader's account against the exchange's. */
function postingsOf(t: Transfer): Posting[] {
  const mine = tradingAccount(t.userId, t.asset);
  return t.kind === 'deposit'
    ? [
        { account: mine, amount: t.amount },
        { account: SYSTEM.funding(t.asset), amount: -t.amount },
      ]
    : [
        { account: mine, amount: -t.amount },
        { account: SYSTEM.withdrawalsPayable(t.asset), amount: t.amount },
      ];
}

export class PgAccountStore implements AccountStore {
  constructor(private readonly pool: Pool) {}

  async claimTransfer(req: TransferRequest): Promise<{ transfer: Transfer; created: boolean }> {
    const ins = await this.pool.query<TransferRow>(
      `INSERT INTO transfers (user_id, kind, asset, amount, idempotency_key) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (user_id, idempotency_key) DO NOTHING RETURNING *`,
      [req.userId, req.kind, req.asset, req.amount.toString(), req.idempotencyKey],
    );
    if (ins.rows[0]) return { transfer: toTransfer(ins.rows[0]), created: true };
    const old = await this.pool.query<TransferRow>('SELECT * FROM transfers WHERE user_id = $1 AND idempotency_key = $2', [
      req.userId,
      req.idempotencyKey,
    ]);
    return { transfer: toTransfer(old.rows[0]), created: false };
  }

  async findTransfer(id: string): Promise<Transfer | null> {
    const r = await this.pool.query<TransferRow>('SELECT * FROM transfers WHERE id = $1', [id]);
    return r.rows[0] ? toTransfer(r.rows[0]) : null;
  }

  reserveWithdrawal(id: string): Promise<boolean> {
    return inTransaction(this.pool, async (client) => {
      const t = await client.query<TransferRow & { ledger_reserved: boolean }>('SELECT * FROM transfers WHERE id = $1 FOR UPDATE', [id]);
      const w = t.rows[0];
      if (w.kind !== 'withdrawal' || w.status !== 'requested') throw new Error(`transfer ${id} is not a withdrawal to carry out`);
      if (w.ledger_reserved) return true;
      // the account's lock makes concurrent reservations of one account take turns
      const account = await client.query<{ balance: string }>(
        "SELECT balance FROM ledger_accounts WHERE user_id = $1 AND purpose = 'trading' AND asset = $2 FOR UPDATE",
        [w.user_id, w.asset],
      );
      // a withdrawal in review may have left the host: its amount stays set aside until a person decides
      const aside = await client.query<{ sum: string }>(
        `SELECT coalesce(sum(amount), 0) AS sum FROM transfers
          WHERE user_id = $1 AND asset = $2 AND kind = 'withdrawal' AND ledger_reserved AND status IN ('requested', 'review')`,
        [w.user_id, w.asset],
      );
      const free = BigInt(account.rows[0]?.balance ?? '0') - BigInt(aside.rows[0].sum);
      if (free < BigInt(w.amount)) return false;
      await client.query('UPDATE transfers SET ledger_reserved = true WHERE id = $1', [id]);
      return true;
    });
  }

  async completeTransfer(id: string): Promise<Transfer> {
    try {
      return await this.postTransfer(id);
    } catch (e) {
      if ((e as { constraint?: string }).constraint === 'ledger_accounts_trader_not_overdrawn')
        throw new LedgerOverdraftRefused(`the ledger refused transfer ${id}: it would overdraw the trader's account`);
      throw e;
    }
  }

  private postTransfer(id: string): Promise<Transfer> {
    return inTransaction(this.pool, async (client) => {
      // the row lock makes concurrent completions of one transfer take turns; only the first posts
      const r = await client.query<TransferRow>('SELECT * FROM transfers WHERE id = $1 FOR UPDATE', [id]);
      const t = toTransfer(r.rows[0]);
      if (t.status !== 'requested') return t;
      const entryId = await postEntry(client, t.kind, t.id, postingsOf(t));
      const done = await client.query<TransferRow>(
        "UPDATE transfers SET status = 'completed', entry_id = $2, completed_at = now() WHERE id = $1 RETURNING *",
        [id, entryId],
      );
      return toTransfer(done.rows[0]);
    });
  }

  async rejectTransfer(id: string, reason: string): Promise<Transfer> {
    await this.pool.query(
      "UPDATE transfers SET status = 'rejected', reason = $2, completed_at = now() WHERE id = $1 AND status = 'requested'",
      [id, reason],
    );
    const r = await this.pool.query<TransferRow>('SELECT * FROM transfers WHERE id = $1', [id]);
    return toTransfer(r.rows[0]);
  }

  async staleTransfers(olderThan: Date, limit: number): Promise<(Transfer & { accountNo: number; attempts: number })[]> {
    const r = await this.pool.query<TransferRow & { account_no: string; attempts: number }>(
      `SELECT t.*, u.account_no FROM transfers t JOIN users u ON u.id = t.user_id
        WHERE t.status = 'requested' AND t.created_at < $1 AND t.next_attempt_at <= now()
        ORDER BY t.next_attempt_at LIMIT $2`,
      [olderThan, limit],
    );
    return r.rows.map((x) => ({ ...toTransfer(x), accountNo: Number(x.account_no), attempts: x.attempts }));
  }

  async deferTransfer(id: string): Promise<void> {
    await this.pool.query(
      `UPDATE transfers SET attempts = attempts + 1, next_attempt_at = now() + least(power(2, attempts), 60) * interval '1 minute'
        WHERE id = $1 AND status = 'requested'`,
      [id],
    );
  }

  async markForReview(id: string, reason: string): Promise<void> {
    await this.pool.query("UPDATE transfers SET status = 'review', reason = $2 WHERE id = $1 AND status = 'requested'", [id, reason]);
  }

  async settledBalances(userId: string): Promise<Map<string, bigint>> {
    const r = await this.pool.query<{ asset: string; balance: string }>(
      "SELECT asset, balance FROM ledger_accounts WHERE user_id = $1 AND purpose = 'trading'",
      [userId],
    );
    return new Map(r.rows.map((x) => [x.asset, BigInt(x.balance)]));
  }

  async statement(userId: string, opts: { asset?: string; before?: StatementCursor; limit: number }): Promise<StatementLine[]> {
    const r = await this.pool.query<{
      entry_id: string;
      kind: string;
      reference: string;
      asset: string;
      amount: string;
      balance_after: string;
      created_at: Date;
    }>(
      `SELECT p.entry_id, e.kind, e.reference, a.asset, p.amount, p.balance_after, e.created_at
         FROM ledger_accounts a
         JOIN ledger_postings p ON p.account_id = a.id
         JOIN ledger_entries e ON e.id = p.entry_id
        WHERE a.user_id = $1 AND a.purpose = 'trading'
          AND ($2::text IS NULL OR a.asset = $2)
          AND ($3::bigint IS NULL OR (p.entry_id, a.asset) < ($3::bigint, $4::text))
        ORDER BY p.entry_id DESC, a.asset DESC
        LIMIT $5`,
      [userId, opts.asset ?? null, opts.before?.entryId ?? null, opts.before?.asset ?? '', opts.limit],
    );
    return r.rows.map((x) => ({
      entryId: Number(x.entry_id),
      kind: x.kind,
      reference: x.reference,
      asset: x.asset,
      amount: BigInt(x.amount),
      balanceAfter: BigInt(x.balance_after),
      time: x.created_at,
    }));
  }
}
