import type { Pool } from 'pg';
import { inTransaction } from '../../shared/db/transaction';
import {
  ConflictingTradeSide,
  type LedgerAccountRead,
  type SettlementLedger,
  type TradeSide,
  type UnpostedTransfer,
} from '../../shared/ports/settlement-ledger';
import { postEntries, SYSTEM, tradingAccount, type Posting } from '../../shared/adapters/pg-ledger';

/**
 * A side settles against the exchange's clearing accounts: the buyer pays quote into clearing and
 * takes base out of it, the seller the reverse, so clearing nets to zero per trade once both
 * sides are posted, whichever comes first.
 */
export function sidePostings(s: TradeSide): Posting[] {
  const sign = s.side === 'buy' ? 1n : -1n;
  return [
    { account: tradingAccount(s.userId, s.quote), amount: -sign * s.quoteAmount },
    { account: SYSTEM.clearing(s.quote), amount: sign * s.quoteAmount },
    { account: tradingAccount(s.userId, s.base), amount: sign * s.baseAmount },
    { account: SYSTEM.clearing(s.base), amount: -sign * s.baseAmount },
  ];
}

/**
 * A transfer's row carries the time its claim began; one that commits after a snapshot may carry
 * a time a little before it. Claims this recent are looked at again (a claim is one INSERT: ms).
 */
const CLAIM_MARGIN = "interval '1 minute'";

interface TransferRow {
  id: string;
  kind: 'deposit' | 'withdrawal';
  asset: string;
  amount: string;
}
const signed = (t: TransferRow): UnpostedTransfer => ({
  id: t.id,
  asset: t.asset,
  amount: t.kind === 'deposit' ? BigInt(t.amount) : -BigInt(t.amount),
});

export class PgSettlementLedger implements SettlementLedger {
  /** account ids of this database, remembered (an account never changes id) */
  private readonly accountIds = new Map<string, number>();

  constructor(private readonly pool: Pool) {}

  async post(sides: TradeSide[]): Promise<{ posted: number; skipped: number }> {
    if (sides.length === 0) return { posted: 0, skipped: 0 };
    // an account created by a transaction that rolls back does not exist: remember ids only after commit
    const ids = new Map(this.accountIds);
    const r = await inTransaction(this.pool, async (client) => {
      const posted = await postEntries(
        client,
        'trade',
        sides.map((s) => ({ reference: s.reference, postings: sidePostings(s) })),
        ids,
      );
      const byRef = new Map(sides.map((s) => [s.reference, s]));
      const claimed = posted.posted.map((p) => byRef.get(p.reference) as TradeSide);
      await client.query('INSERT INTO trade_side_contents (reference, content) SELECT * FROM unnest($1::text[], $2::text[])', [
        claimed.map((s) => s.reference),
        claimed.map((s) => s.content),
      ]);
      // skipped: settled before (by now committed, or this claim would have waited for it). The
      // same content is a redelivery; other content rolls the whole batch back. Sides settled
      // before contents were kept have none to compare (and ids of that time never recur).
      const before = await client.query<{ reference: string; content: string }>(
        'SELECT reference, content FROM trade_side_contents WHERE reference = ANY($1::text[])',
        [posted.skipped],
      );
      const conflicts = before.rows
        .map((row) => ({ reference: row.reference, settled: row.content, arriving: (byRef.get(row.reference) as TradeSide).content }))
        .filter((c) => c.settled !== c.arriving);
      if (conflicts.length > 0) throw new ConflictingTradeSide(conflicts);
      return posted;
    });
    for (const [k, v] of ids) this.accountIds.set(k, v);
    return { posted: r.posted.length, skipped: r.skipped.length };
  }

  async traders(): Promise<{ userId: string; accountNo: number }[]> {
    const r = await this.pool.query<{ id: string; account_no: string }>('SELECT id, account_no FROM users ORDER BY account_no');
    return r.rows.map((x) => ({ userId: x.id, accountNo: Number(x.account_no) }));
  }

  readAccount(userId: string): Promise<LedgerAccountRead> {
    return inTransaction(this.pool, async (client) => {
      // one snapshot: the balances and the transfers' states as of the same instant
      await client.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      const at = await client.query<{ at: Date }>('SELECT now() AS at');
      const balances = await client.query<{ asset: string; balance: string }>(
        "SELECT asset, balance FROM ledger_accounts WHERE user_id = $1 AND purpose = 'trading'",
        [userId],
      );
      const transfers = await client.query<TransferRow & { status: string; recent: boolean }>(
        `SELECT id, kind, asset, amount, status, created_at > now() - ${CLAIM_MARGIN} AS recent FROM transfers
          WHERE user_id = $1 AND (status IN ('requested', 'review') OR created_at > now() - ${CLAIM_MARGIN})`,
        [userId],
      );
      return {
        at: at.rows[0].at,
        balances: new Map(balances.rows.map((r) => [r.asset, BigInt(r.balance)])),
        unposted: transfers.rows.filter((t) => t.status === 'requested' || t.status === 'review').map(signed),
        recentlyFinished: transfers.rows.filter((t) => t.status === 'completed' || t.status === 'rejected').map((t) => t.id),
      };
    });
  }

  async unpostedSince(userId: string, read: LedgerAccountRead): Promise<UnpostedTransfer[]> {
    const r = await this.pool.query<TransferRow>(
      `SELECT id, kind, asset, amount FROM transfers
        WHERE user_id = $1 AND status <> 'rejected'
          AND (id = ANY($2::uuid[]) OR (created_at > $3::timestamptz - ${CLAIM_MARGIN} AND NOT id = ANY($4::uuid[])))`,
      [userId, read.unposted.map((t) => t.id), read.at, read.recentlyFinished],
    );
    return r.rows.map(signed);
  }

  async clearingBalances(): Promise<Map<string, bigint>> {
    const r = await this.pool.query<{ asset: string; balance: string }>(
      "SELECT asset, balance FROM ledger_accounts WHERE user_id IS NULL AND purpose = 'clearing:trades'",
    );
    return new Map(r.rows.map((x) => [x.asset, BigInt(x.balance)]));
  }
}
