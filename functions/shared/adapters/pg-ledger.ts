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
  /** the other side of each settled trade side: nets to zero once both sides of every trade are posted */
  clearing: (asset: string): LedgerAccountRef => ({ userId: null, purpose: 'clearing:trades', asset }),
};

async function accountId(client: PoolClient, ref: LedgerAccountRef): Promise<number> {
  const find =
    ref.userId === null
      ? await client.query<{ id: string }>('SELECT id FROM ledger_accounts WHERE user_id IS NULL AND purpose = $1 AND asset = $2', [
          ref.purpose,
          ref.asset,
        ])
      : await client.query<{ id: string }>('SELECT id FROM ledger_accounts WHERE user_id = $1 AND purpose = $2 AND asset = $3', [
          ref.userId,
          ref.purpose,
          ref.asset,
        ]);
  if (find.rows[0]) return Number(find.rows[0].id);
  // a concurrent first use of the same account: the unique index lets one insert win, the other reads it
  const ins = await client.query<{ id: string }>(
    'INSERT INTO ledger_accounts (user_id, purpose, asset) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING id',
    [ref.userId, ref.purpose, ref.asset],
  );
  return ins.rows[0] ? Number(ins.rows[0].id) : accountId(client, ref);
}

function assertBalanced(kind: string, reference: string, postings: Posting[]): void {
  const sums = new Map<string, bigint>();
  for (const p of postings) {
    if (p.amount === 0n) throw new Error('a posting of zero');
    sums.set(p.account.asset, (sums.get(p.account.asset) ?? 0n) + p.amount);
  }
  for (const [asset, s] of sums) if (s !== 0n) throw new Error(`entry ${kind}/${reference} does not balance in ${asset}`);
}

const refKey = (r: LedgerAccountRef): string => `${r.userId ?? ''}|${r.purpose}|${r.asset}`;

/**
 * Post many balanced entries of one kind in a few statements, each at most once: an entry whose
 * reference is already in the ledger (a retry, a redelivery) is skipped. Accounts are locked in id
 * order. Must run inside a transaction; returns the entries it posted (with their ids).
 * `accountIds` remembers account ids across calls on one database (an account never changes id).
 */
export async function postEntries(
  client: PoolClient,
  kind: string,
  entries: { reference: string; postings: Posting[] }[],
  accountIds: Map<string, number> = new Map(),
): Promise<{ posted: { reference: string; id: number }[]; skipped: string[] }> {
  for (const e of entries) assertBalanced(kind, e.reference, e.postings);
  // claims and first-time account creations in one order for everyone: concurrent batches that
  // overlap wait for each other instead of deadlocking
  const byRef = new Map(
    [...entries].sort((a, b) => (a.reference < b.reference ? -1 : a.reference > b.reference ? 1 : 0)).map((e) => [e.reference, e]),
  );
  const claimed = await client.query<{ id: string; reference: string }>(
    'INSERT INTO ledger_entries (kind, reference) SELECT $1, r FROM unnest($2::text[]) AS r ON CONFLICT (kind, reference) DO NOTHING RETURNING id, reference',
    [kind, [...byRef.keys()]],
  );
  const posted = claimed.rows
    .map((r) => ({ id: Number(r.id), entry: byRef.get(r.reference) as { reference: string; postings: Posting[] } }))
    .sort((a, b) => a.id - b.id);
  const claimedRefs = new Set(claimed.rows.map((r) => r.reference));
  const skipped = [...byRef.keys()].filter((r) => !claimedRefs.has(r));
  if (posted.length === 0) return { posted: [], skipped };

  const unknown = new Map<string, LedgerAccountRef>();
  for (const { entry } of posted)
    for (const p of entry.postings) if (!accountIds.has(refKey(p.account))) unknown.set(refKey(p.account), p.account);
  for (const k of [...unknown.keys()].sort()) accountIds.set(k, await accountId(client, unknown.get(k) as LedgerAccountRef));
  const ids = [...new Set(posted.flatMap(({ entry }) => entry.postings.map((p) => accountIds.get(refKey(p.account)) as number)))].sort(
    (a, b) => a - b,
  );
  const locked = await client.query<{ id: string; balance: string; postings: string }>(
    'SELECT id, balance, postings FROM ledger_accounts WHERE id = ANY($1) ORDER BY id FOR UPDATE',
    [ids],
  );
  const state = new Map(locked.rows.map((r) => [Number(r.id), { balance: BigInt(r.balance), postings: BigInt(r.postings) }]));
  const rows = { entry: [] as number[], account: [] as number[], amount: [] as string[], after: [] as string[], seq: [] as string[] };
  for (const { id, entry } of posted)
    for (const p of entry.postings) {
      const account = accountIds.get(refKey(p.account)) as number;
      const a = state.get(account) as { balance: bigint; postings: bigint };
      a.balance += p.amount;
      a.postings += 1n;
      rows.entry.push(id);
      rows.account.push(account);
      rows.amount.push(p.amount.toString());
      rows.after.push(a.balance.toString());
      rows.seq.push(a.postings.toString());
    }
  await client.query(
    'UPDATE ledger_accounts a SET balance = d.balance, postings = d.postings FROM unnest($1::bigint[], $2::numeric[], $3::bigint[]) AS d(id, balance, postings) WHERE a.id = d.id',
    [[...state.keys()], [...state.values()].map((v) => v.balance.toString()), [...state.values()].map((v) => v.postings.toString())],
  );
  await client.query(
    'INSERT INTO ledger_postings (entry_id, account_id, amount, balance_after, seq) SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::numeric[], $4::numeric[], $5::bigint[])',
    [rows.entry, rows.account, rows.amount, rows.after, rows.seq],
  );
  return { posted: posted.map(({ id, entry }) => ({ reference: entry.reference, id })), skipped };
}

/** Post one balanced entry; returns its id. Must run inside a transaction; an entry of that kind and reference must not exist yet. */
export async function postEntry(client: PoolClient, kind: string, reference: string, postings: Posting[]): Promise<number> {
  const r = await postEntries(client, kind, [{ reference, postings }]);
  if (r.posted.length === 0) throw new Error(`ledger entry ${kind}/${reference} exists already`);
  return r.posted[0].id;
}
