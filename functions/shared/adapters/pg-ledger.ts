/**
 * Posting to the double-entry ledger inside a caller's transaction: accounts are created on first
 * use and locked in id order (two entries touching the same accounts cannot deadlock), balances
 * move with their postings, and the database refuses an entry that does not sum to zero per asset.
 */
import type { PoolClient } from 'pg';

export interface LedgerAccountRef {
  /** null for the exchange's own accounts */
  userId: string | null;
  purpose: string;
  asset: string;
}

export interface Posting {
  account: LedgerAccountRef;
  amount: bigint;
}

/** The trader's account that holds their funds of one asset. */
export const tradingAccount = (userId: string, asset: string): LedgerAccountRef => ({ userId, purpose: 'trading', asset });
/** The exchange's accounts on the other side of deposits and withdrawals. */
export const SYSTEM = {
  /** where simulated deposits come from in dev (a bank or chain in production): goes negative */
  funding: (asset: string): LedgerAccountRef => ({ userId: null, purpose: 'funding:simulated', asset }),
  /** what the exchange owes out for completed withdrawals until paid */
  withdrawalsPayable: (asset: string): LedgerAccountRef => ({ userId: null, purpose: 'withdrawals:payable', asset }),
};

async function accountId(client: PoolClient, ref: LedgerAccountRef): Promise<number> {
  const find = ref.userId === null
    ? await client.query<{ id: string }>('SELECT id FROM ledger_accounts WHERE user_id IS NULL AND purpose = $1 AND asset = $2', [ref.purpose, ref.asset])
    : await client.query<{ id: string }>('SELECT id FROM ledger_accounts WHERE user_id = $1 AND purpose = $2 AND asset = $3', [ref.userId, ref.purpose, ref.asset]);
  if (find.rows[0]) return Number(find.rows[0].id);
  // a concurrent first use of the same account: the unique index lets one insert win, the other reads it
  const ins = await client.query<{ id: string }>(
    'INSERT INTO ledger_accounts (user_id, purpose, asset) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING id',
    [ref.userId, ref.purpose, ref.asset],
  );
  return ins.rows[0] ? Number(ins.rows[0].id) : accountId(client, ref);
}

/** Post one balanced entry; returns its id. Must run inside a transaction. */
export async function postEntry(client: PoolClient, kind: string, reference: string, postings: Posting[]): Promise<number> {
  const sums = new Map<string, bigint>();
  for (const p of postings) {
    if (p.amount === 0n) throw new Error('a posting of zero');
    sums.set(p.account.asset, (sums.get(p.account.asset) ?? 0n) + p.amount);
  }
  for (const [asset, s] of sums) if (s !== 0n) throw new Error(`entry ${kind}/${reference} does not balance in ${asset}`);
  const resolved = await Promise.all(postings.map(async (p) => ({ id: await accountId(client, p.account), amount: p.amount })));
  resolved.sort((a, b) => a.id - b.id);
  const entry = await client.query<{ id: string }>('INSERT INTO ledger_entries (kind, reference) VALUES ($1, $2) RETURNING id', [kind, reference]);
  const entryId = Number(entry.rows[0].id);
  for (const p of resolved) {
    const b = await client.query<{ balance: string; postings: string }>(
      'UPDATE ledger_accounts SET balance = balance + $2, postings = postings + 1 WHERE id = $1 RETURNING balance, postings',
      [p.id, p.amount.toString()],
    );
    await client.query('INSERT INTO ledger_postings (entry_id, account_id, amount, balance_after, seq) VALUES ($1, $2, $3, $4, $5)', [
      entryId, p.id, p.amount.toString(), b.rows[0].balance, b.rows[0].postings,
    ]);
  }
  return entryId;
}
