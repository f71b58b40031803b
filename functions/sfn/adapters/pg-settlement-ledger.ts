import type { Pool } from 'pg';
import { inTransaction } from '../../shared/db/transaction';
import type { SettlementLedger, TradeSide } from '../../shared/ports/settlement-ledger';
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

export class PgSettlementLedger implements SettlementLedger {
  /** account ids of this database, remembered (an account never changes id) */
  private readonly accountIds = new Map<string, number>();

  constructor(private readonly pool: Pool) {}

  async post(sides: TradeSide[]): Promise<{ posted: number; skipped: number }> {
    if (sides.length === 0) return { posted: 0, skipped: 0 };
    // an account created by a transaction that rolls back does not exist: remember ids only after commit
    const ids = new Map(this.accountIds);
    const r = await inTransaction(this.pool, (client) =>
      postEntries(
        client,
        'trade',
        sides.map((s) => ({ reference: s.reference, postings: sidePostings(s) })),
        ids,
      ),
    );
    for (const [k, v] of ids) this.accountIds.set(k, v);
    return { posted: r.posted.length, skipped: r.skipped.length };
  }

  async tradingBalances(): Promise<{ userId: string; accountNo: number; asset: string; balance: bigint }[]> {
    const r = await this.pool.query<{ user_id: string; account_no: string; asset: string; balance: string }>(
      "SELECT a.user_id, u.account_no, a.asset, a.balance FROM ledger_accounts a JOIN users u ON u.id = a.user_id WHERE a.purpose = 'trading' ORDER BY u.account_no, a.asset",
    );
    return r.rows.map((x) => ({ userId: x.user_id, accountNo: Number(x.account_no), asset: x.asset, balance: BigInt(x.balance) }));
  }

  async clearingBalances(): Promise<Map<string, bigint>> {
    const r = await this.pool.query<{ asset: string; balance: string }>(
      "SELECT asset, balance FROM ledger_accounts WHERE user_id IS NULL AND purpose = 'clearing:trades'",
    );
    return new Map(r.rows.map((x) => [x.asset, BigInt(x.balance)]));
  }
}
