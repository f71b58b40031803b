/**
 * Accounts end to end through their handlers against real components: PostgreSQL (a throwaway
 * database), Redis, the matching host in a child process and DynamoDB (dynalite) for the audit
 * trail. No mocks.
 */
import { Pool } from 'pg';
import { DEFAULT_MARKET } from '../../matching-host/proto/market-config';
import { DynamoAuditLog } from '../shared/adapters/dynamo-audit-log';
import { GrpcMatchingHost } from '../shared/adapters/grpc-matching-host';
import { PgAccountStore } from './adapters/pg-account-store';
import { userStore } from '../shared/users';
import type { Caller } from '../shared/caller';
import { invoke } from '../../test/support/api-event';
import { startFunctionsEnv, type FunctionsEnv } from '../../test/support/functions-env';
import { dynamo } from '../shared/aws';
import { pool } from '../shared/db/pool';
import { AccountService } from './account-service';
import { balances, deposit, getTransfer, ledger, withdraw } from './accounts-handlers';
import { accountService } from './wiring';
import { testTlsOf } from '../../test/support/host-tls';
import { matchingHost } from '../shared/matching-host';
import { TRANSFER_ID_WINDOW_MS, TRANSFER_RETRY_LIMIT_MS } from '../../matching-host/proto/transfer-window';

let env: FunctionsEnv;
let alice: Caller;
let bob: Caller;

beforeAll(async () => {
  env = await startFunctionsEnv({ host: true });
  const users = userStore();
  const suffix = Date.now();
  const a = await users.create(`alice.${suffix}@example.com`, 'x');
  const b = await users.create(`bob.${suffix}@example.com`, 'x');
  alice = { userId: a.id, roles: ['trader'], accountNo: a.accountNo };
  bob = { userId: b.id, roles: ['trader'], accountNo: b.accountNo };
}, 60_000);

afterAll(() => env.stop());

let k = 0;
const key = (): string => `key-${Date.now()}-${++k}`;
type Balance = { asset: string; available: string; held: string; settled: string };
const usd = async (who: Caller): Promise<Balance | undefined> =>
  (await invoke<{ balances: Balance[] }>(balances, { caller: who })).body.balances.find((b) => b.asset === 'USD');

describe('deposits', () => {
  it('credits the host and the ledger once per idempotency key', async () => {
    const idem = key();
    const first = await invoke(deposit, { caller: alice, body: { asset: 'USD', amount: '1000.00', idempotencyKey: idem } });
    expect(first).toMatchObject({ status: 201, body: { kind: 'deposit', asset: 'USD', amount: '1000.000000', status: 'completed' } });
    const again = await invoke(deposit, { caller: alice, body: { asset: 'USD', amount: '1000.00', idempotencyKey: idem } });
    expect(again.status).toBe(200);
    expect(again.headers['Idempotent-Replayed']).toBe('true');
    expect(again.body.transferId).toBe(first.body.transferId);
    expect(await usd(alice)).toEqual({ asset: 'USD', available: '1000.000000', held: '0.000000', settled: '1000.000000' });
  });

  it('lets five concurrent retries of one key move the money once', async () => {
    const idem = key();
    const before = await usd(alice);
    const rs = await Promise.all(
      Array.from({ length: 5 }, () => invoke(deposit, { caller: alice, body: { asset: 'USD', amount: '10', idempotencyKey: idem } })),
    );
    expect(new Set(rs.map((r) => r.body.transferId)).size).toBe(1);
    for (const r of rs) expect([200, 201]).toContain(r.status);
    const after = await usd(alice);
    expect(Number(after?.available) - Number(before?.available)).toBeCloseTo(10, 6);
    expect(Number(after?.settled) - Number(before?.settled)).toBeCloseTo(10, 6);
  });

  it('refuses a key reused for a different transfer', async () => {
    const idem = key();
    await invoke(deposit, { caller: alice, body: { asset: 'USD', amount: '1', idempotencyKey: idem } });
    expect(await invoke(deposit, { caller: alice, body: { asset: 'USD', amount: '2', idempotencyKey: idem } })).toMatchObject({
      status: 409,
      body: { code: 'IDEMPOTENCY_KEY_REUSED' },
    });
    expect(await invoke(withdraw, { caller: alice, body: { asset: 'USD', amount: '1', idempotencyKey: idem } })).toMatchObject({
      status: 409,
    });
  });

  it.each([
    [{ asset: 'USD', amount: '0', idempotencyKey: 'k-00000001' }, 'INVALID_AMOUNT'],
    [{ asset: 'USD', amount: '-5', idempotencyKey: 'k-00000002' }, 'VALIDATION_ERROR'],
    [{ asset: 'USD', amount: '1.1234567', idempotencyKey: 'k-00000003' }, 'INVALID_AMOUNT'],
    [{ asset: 'USD', amount: 100, idempotencyKey: 'k-00000004' }, 'VALIDATION_ERROR'],
    [{ asset: 'USD', amount: '1e5', idempotencyKey: 'k-00000005' }, 'VALIDATION_ERROR'],
    [{ asset: 'USD', amount: '99999999999999999999', idempotencyKey: 'k-00000006' }, 'INVALID_AMOUNT'],
    [{ asset: 'DOGE', amount: '1', idempotencyKey: 'k-00000007' }, 'UNKNOWN_ASSET'],
    [{ asset: 'USD', amount: '1' }, 'VALIDATION_ERROR'],
    [{ asset: 'USD', amount: '1', idempotencyKey: 'k-00000008', userId: '00000000-0000-0000-0000-000000000000' }, 'VALIDATION_ERROR'],
  ])('refuses %j with 400 and moves nothing', async (body, code) => {
    const before = await usd(bob);
    const r = await invoke(deposit, { caller: bob, body });
    expect(r).toMatchObject({ status: 400, body: { code, requestId: expect.any(String) as string } });
    expect(JSON.stringify(r.body)).not.toMatch(/\bat .*\.ts:\d+/);
    expect(await usd(bob)).toEqual(before);
  });

  it('needs an authenticated caller', async () => {
    expect(await invoke(deposit, { body: { asset: 'USD', amount: '1', idempotencyKey: key() } })).toMatchObject({ status: 401 });
  });
});

describe('simulated funding', () => {
  it('is refused where the stage turns it off', async () => {
    const prod = new AccountService(
      new PgAccountStore(pool()),
      new GrpcMatchingHost('127.0.0.1:1', testTlsOf('accounts')),
      new DynamoAuditLog(dynamo(), 'exchange-local-audit'),
      DEFAULT_MARKET.assets,
      false,
    );
    await expect(
      prod.transfer(bob, 'deposit', { asset: 'USD', amount: '1', idempotencyKey: key() }, { requestId: 'r', ip: 'i' }),
    ).rejects.toMatchObject({ status: 403, code: 'FUNDING_UNAVAILABLE' });
  });
});

describe('withdrawals', () => {
  it('takes the funds off the host first, then posts the ledger', async () => {
    const r = await invoke(withdraw, { caller: alice, body: { asset: 'USD', amount: '400', idempotencyKey: key() } });
    expect(r).toMatchObject({ status: 201, body: { kind: 'withdrawal', amount: '400.000000', status: 'completed' } });
    expect(await usd(alice)).toMatchObject({ available: '611.000000', settled: '611.000000' });
  });

  it('refuses more than is available, for good: the same key stays refused', async () => {
    const idem = key();
    const r = await invoke(withdraw, { caller: alice, body: { asset: 'USD', amount: '5000', idempotencyKey: idem } });
    expect(r).toMatchObject({ status: 422, body: { code: 'INSUFFICIENT_FUNDS' } });
    await invoke(deposit, { caller: alice, body: { asset: 'USD', amount: '5000', idempotencyKey: key() } });
    expect(await invoke(withdraw, { caller: alice, body: { asset: 'USD', amount: '5000', idempotencyKey: idem } })).toMatchObject({
      status: 422,
    });
    expect(await usd(alice)).toMatchObject({ available: '5611.000000', settled: '5611.000000' });
  });

  it('resumes a transfer the host did not answer when the same key is retried', async () => {
    const offline = new AccountService(
      new PgAccountStore(pool()),
      new GrpcMatchingHost('127.0.0.1:1', testTlsOf('accounts'), { deadlineMs: 200, retries: 0 }),
      new DynamoAuditLog(dynamo(), 'exchange-local-audit'),
      DEFAULT_MARKET.assets,
      true,
    );
    const idem = key();
    await expect(
      offline.transfer(bob, 'deposit', { asset: 'USD', amount: '7', idempotencyKey: idem }, { requestId: 'r', ip: 'i' }),
    ).rejects.toMatchObject({ status: 503 });
    expect(await usd(bob)).toMatchObject({ available: '0.000000', settled: '0.000000' });
    const retry = await invoke(deposit, { caller: bob, body: { asset: 'USD', amount: '7', idempotencyKey: idem } });
    expect(retry.status).toBe(200);
    expect(retry.body.status).toBe('completed');
    expect(await usd(bob)).toMatchObject({ available: '7.000000', settled: '7.000000' });
  });
});

describe('the transfer sweeper', () => {
  const unreachable = (): AccountService =>
    new AccountService(
      new PgAccountStore(pool()),
      new GrpcMatchingHost('127.0.0.1:1', testTlsOf('accounts'), { deadlineMs: 200, retries: 0 }),
      new DynamoAuditLog(dynamo(), 'exchange-local-audit'),
      DEFAULT_MARKET.assets,
      true,
    );
  const later = (): Date => new Date(Date.now() + 1000);
  const none = { completed: 0, rejected: 0, failed: 0, review: 0 };

  it('finishes a transfer whose request stopped mid-way and was never retried, once', async () => {
    const before = await usd(bob);
    await expect(
      unreachable().transfer(bob, 'deposit', { asset: 'USD', amount: '3', idempotencyKey: key() }, { requestId: 'r', ip: 'i' }),
    ).rejects.toMatchObject({ status: 503 });
    // not stale yet: left alone
    expect(await accountService().resumeStale(new Date(Date.now() - 60_000), 10)).toEqual(none);
    expect(await accountService().resumeStale(later(), 10)).toEqual({ ...none, completed: 1 });
    expect(Number((await usd(bob))?.available) - Number(before?.available)).toBeCloseTo(3, 6);
    expect(Number((await usd(bob))?.settled) - Number(before?.settled)).toBeCloseTo(3, 6);
    expect(await accountService().resumeStale(later(), 10)).toEqual(none);
  });

  it('backs off after a failed attempt, and hands a transfer to a person after a day', async () => {
    const idem = key();
    await expect(
      unreachable().transfer(bob, 'deposit', { asset: 'USD', amount: '4', idempotencyKey: idem }, { requestId: 'r', ip: 'i' }),
    ).rejects.toMatchObject({ status: 503 });
    expect(await unreachable().resumeStale(later(), 10)).toEqual({ ...none, failed: 1 });
    // not due again yet
    expect(await accountService().resumeStale(later(), 10)).toEqual(none);
    const admin = new Pool({ connectionString: env.databaseUrl, max: 1 });
    try {
      const r = await admin.query<{ attempts: number; wait_s: number }>(
        'SELECT attempts, extract(epoch FROM next_attempt_at - now())::float AS wait_s FROM transfers WHERE idempotency_key = $1',
        [idem],
      );
      expect(r.rows[0].attempts).toBe(1);
      expect(r.rows[0].wait_s).toBeGreaterThan(50);
      await admin.query('UPDATE transfers SET next_attempt_at = now() WHERE idempotency_key = $1', [idem]);
    } finally {
      await admin.end();
    }
    // a day later it is no longer retried blindly
    expect(await accountService().resumeStale(later(), 10, new Date(Date.now() + 25 * 3600_000))).toEqual({ ...none, review: 1 });
    expect(await invoke(deposit, { caller: bob, body: { asset: 'USD', amount: '4', idempotencyKey: idem } })).toMatchObject({
      status: 409,
      body: { code: 'TRANSFER_IN_REVIEW' },
    });
  });
});

describe('the retry limit', () => {
  it('stops retrying a transfer before the host forgets its id: sweeper and client alike hand it to a person', async () => {
    expect(TRANSFER_RETRY_LIMIT_MS).toBeLessThan(TRANSFER_ID_WINDOW_MS);
    const offline = new AccountService(
      new PgAccountStore(pool()),
      new GrpcMatchingHost('127.0.0.1:1', testTlsOf('accounts'), { deadlineMs: 200, retries: 0 }),
      new DynamoAuditLog(dynamo(), 'exchange-local-audit'),
      DEFAULT_MARKET.assets,
      true,
    );
    const stalled = async (idem: string): Promise<string> => {
      await expect(
        offline.transfer(bob, 'deposit', { asset: 'USD', amount: '2', idempotencyKey: idem }, { requestId: 'r', ip: 'i' }),
      ).rejects.toMatchObject({ status: 503 });
      const r = await pool().query<{ id: string }>('SELECT id FROM transfers WHERE user_id = $1 AND idempotency_key = $2', [
        bob.userId,
        idem,
      ]);
      return r.rows[0].id;
    };
    const before = await usd(bob);
    const none = { completed: 0, rejected: 0, failed: 0, review: 0 };
    const later = new Date(Date.now() + 1000);
    // just inside the limit: still carried out
    const inside = await stalled(key());
    expect(await accountService().resumeStale(later, 10, new Date(Date.now() + TRANSFER_RETRY_LIMIT_MS - 60_000))).toEqual({
      ...none,
      completed: 1,
    });
    // just past it: not retried, handed to a person, the host never asked
    const past = await stalled(key());
    expect(await accountService().resumeStale(later, 10, new Date(Date.now() + TRANSFER_RETRY_LIMIT_MS + 1))).toEqual({
      ...none,
      review: 1,
    });
    const states = await pool().query<{ id: string; status: string; reason: string | null }>(
      'SELECT id, status, reason FROM transfers WHERE id = ANY($1) ORDER BY created_at',
      [[inside, past]],
    );
    expect(states.rows).toEqual([
      { id: inside, status: 'completed', reason: null },
      { id: past, status: 'review', reason: 'RETRY_LIMIT' },
    ]);
    // a client retrying its key past the limit is refused as well, and nothing moves
    const idem = key();
    await stalled(idem);
    await pool().query(`UPDATE transfers SET created_at = now() - $2 * interval '1 millisecond' WHERE idempotency_key = $1`, [
      idem,
      TRANSFER_RETRY_LIMIT_MS + 60_000,
    ]);
    expect(await invoke(deposit, { caller: bob, body: { asset: 'USD', amount: '2', idempotencyKey: idem } })).toMatchObject({
      status: 409,
      body: { code: 'TRANSFER_IN_REVIEW' },
    });
    const after = await usd(bob);
    expect(Number(after?.available) - Number(before?.available)).toBeCloseTo(2, 6);
    expect(Number(after?.settled) - Number(before?.settled)).toBeCloseTo(2, 6);
  });
});

describe('overdrafts', () => {
  const newTrader = async (name: string): Promise<Caller> => {
    const u = await userStore().create(`${name}.${Date.now()}.${++k}@example.com`, 'x');
    return { userId: u.id, roles: ['trader'], accountNo: u.accountNo };
  };
  const ledgerBalance = async (who: Caller, asset = 'USD'): Promise<bigint> => {
    const r = await pool().query<{ balance: string }>(
      "SELECT balance FROM ledger_accounts WHERE user_id = $1 AND purpose = 'trading' AND asset = $2",
      [who.userId, asset],
    );
    return BigInt(r.rows[0]?.balance ?? '0');
  };
  /** what the host holds for the trader, credited behind the ledger's back (a host and a ledger that disagree) */
  const hostOnlyDeposit = async (who: Caller, amount: string): Promise<void> => {
    expect(await matchingHost('accounts').deposit(who.accountNo, 'USD', amount, `behind-the-ledger-${key()}`)).toMatchObject({ ok: true });
  };

  it('refuses an overdraft written straight into the database: no statement takes a trader account below zero', async () => {
    const erin = await newTrader('erin');
    await invoke(deposit, { caller: erin, body: { asset: 'USD', amount: '5', idempotencyKey: key() } });
    const admin = new Pool({ connectionString: env.databaseUrl, max: 1 });
    const c = await admin.connect();
    try {
      const acc = await c.query<{ id: string; balance: string; postings: string }>(
        "SELECT id, balance, postings FROM ledger_accounts WHERE user_id = $1 AND purpose = 'trading' AND asset = 'USD'",
        [erin.userId],
      );
      const payable = await c.query<{ id: string; balance: string; postings: string }>(
        "INSERT INTO ledger_accounts (user_id, purpose, asset) VALUES (NULL, 'withdrawals:payable', 'USD') ON CONFLICT DO NOTHING RETURNING id, balance, postings",
      );
      const other = payable.rows[0]
        ? payable.rows[0]
        : (
            await c.query<{ id: string; balance: string; postings: string }>(
              "SELECT id, balance, postings FROM ledger_accounts WHERE user_id IS NULL AND purpose = 'withdrawals:payable' AND asset = 'USD'",
            )
          ).rows[0];
      const mine = acc.rows[0];
      const take = BigInt(mine.balance) + 1n;
      // a well-formed entry in every other respect: balanced, linked, the accounts moved with it
      await c.query('BEGIN');
      await c.query('UPDATE ledger_accounts SET postings = postings + 1 WHERE id = ANY($1)', [[mine.id, other.id]]);
      const e = await c.query<{ id: string }>("INSERT INTO ledger_entries (kind, reference) VALUES ('withdrawal', 'by-hand') RETURNING id");
      await c.query(
        'INSERT INTO ledger_postings (entry_id, account_id, amount, balance_after, seq) VALUES ($1, $2, $3, $4, $5), ($1, $6, $7, $8, $9)',
        [
          e.rows[0].id,
          mine.id,
          (-take).toString(),
          (BigInt(mine.balance) - take).toString(),
          Number(mine.postings) + 1,
          other.id,
          take.toString(),
          (BigInt(other.balance) + take).toString(),
          Number(other.postings) + 1,
        ],
      );
      await c.query('UPDATE ledger_accounts SET balance = balance + $2 WHERE id = $1', [other.id, take.toString()]);
      await expect(
        c.query('UPDATE ledger_accounts SET balance = balance - $2 WHERE id = $1', [mine.id, take.toString()]),
      ).rejects.toMatchObject({ constraint: 'ledger_accounts_trader_not_overdrawn' });
      await c.query('ROLLBACK');
      // nor by leaving the account's balance behind its postings: the chain check ties them at commit
      await c.query('BEGIN');
      const e2 = await c.query<{ id: string }>(
        "INSERT INTO ledger_entries (kind, reference) VALUES ('withdrawal', 'by-hand-2') RETURNING id",
      );
      await c.query('UPDATE ledger_accounts SET postings = postings + 1 WHERE id = ANY($1)', [[mine.id, other.id]]);
      await c.query(
        'INSERT INTO ledger_postings (entry_id, account_id, amount, balance_after, seq) VALUES ($1, $2, $3, $4, $5), ($1, $6, $7, $8, $9)',
        [
          e2.rows[0].id,
          mine.id,
          (-take).toString(),
          (BigInt(mine.balance) - take).toString(),
          Number(mine.postings) + 1,
          other.id,
          take.toString(),
          (BigInt(other.balance) + take).toString(),
          Number(other.postings) + 1,
        ],
      );
      await expect(c.query('COMMIT')).rejects.toThrow(/postings end at/);
    } finally {
      c.release();
      await admin.end();
    }
    expect(await ledgerBalance(erin)).toBe(5_000_000n);
  });

  it('refuses a withdrawal the host would pay but the ledger does not hold (host and ledger disagree), and nothing moves', async () => {
    const fay = await newTrader('fay');
    await invoke(deposit, { caller: fay, body: { asset: 'USD', amount: '100', idempotencyKey: key() } });
    await hostOnlyDeposit(fay, '500');
    expect(await usd(fay)).toMatchObject({ available: '600.000000', settled: '100.000000' });
    const r = await invoke(withdraw, { caller: fay, body: { asset: 'USD', amount: '300', idempotencyKey: key() } });
    expect(r).toMatchObject({ status: 422, body: { code: 'INSUFFICIENT_FUNDS', requestId: expect.any(String) as string } });
    expect(await usd(fay)).toMatchObject({ available: '600.000000', settled: '100.000000' });
    expect(await ledgerBalance(fay)).toBe(100_000_000n);
    // what the ledger does hold still goes out
    expect(await invoke(withdraw, { caller: fay, body: { asset: 'USD', amount: '100', idempotencyKey: key() } })).toMatchObject({
      status: 201,
    });
    expect(await usd(fay)).toMatchObject({ available: '500.000000', settled: '0.000000' });
  });

  it('lets only the concurrent withdrawals that fit succeed, under different keys: the ledger never goes below zero', async () => {
    const gus = await newTrader('gus');
    await invoke(deposit, { caller: gus, body: { asset: 'USD', amount: '100', idempotencyKey: key() } });
    // the host would pay all of them: only the ledger stands between them and an overdraft
    await hostOnlyDeposit(gus, '1000');
    const rs = await Promise.all(
      Array.from({ length: 8 }, () => invoke(withdraw, { caller: gus, body: { asset: 'USD', amount: '30', idempotencyKey: key() } })),
    );
    expect(rs.filter((r) => r.status === 201)).toHaveLength(3);
    for (const r of rs.filter((x) => x.status !== 201)) expect(r).toMatchObject({ status: 422, body: { code: 'INSUFFICIENT_FUNDS' } });
    expect(await ledgerBalance(gus)).toBe(10_000_000n);
    expect(await usd(gus)).toMatchObject({ available: '1010.000000', settled: '10.000000' });
    const states = await pool().query<{ status: string; n: string }>(
      'SELECT status, count(*) AS n FROM transfers WHERE user_id = $1 AND kind = $2 GROUP BY status ORDER BY status',
      [gus.userId, 'withdrawal'],
    );
    expect(states.rows.map((x) => [x.status, Number(x.n)])).toEqual([
      ['completed', 3],
      ['rejected', 5],
    ]);
  });

  it('hands a withdrawal the host paid but the ledger refuses to a person, instead of retrying it', async () => {
    const hal = await newTrader('hal');
    await invoke(deposit, { caller: hal, body: { asset: 'USD', amount: '10', idempotencyKey: key() } });
    await hostOnlyDeposit(hal, '90');
    const idem = key();
    // a withdrawal set aside earlier (before the ledger lost what covered it), whose host call failed
    const { transfer } = await new PgAccountStore(pool()).claimTransfer({
      userId: hal.userId,
      kind: 'withdrawal',
      asset: 'USD',
      amount: 50_000_000n,
      idempotencyKey: idem,
    });
    await pool().query('UPDATE transfers SET ledger_reserved = true WHERE id = $1', [transfer.id]);
    const r = await invoke(withdraw, { caller: hal, body: { asset: 'USD', amount: '50', idempotencyKey: idem } });
    expect(r).toMatchObject({ status: 409, body: { code: 'TRANSFER_IN_REVIEW' } });
    expect(await ledgerBalance(hal)).toBe(10_000_000n);
    const t = await pool().query<{ status: string; reason: string }>('SELECT status, reason FROM transfers WHERE id = $1', [transfer.id]);
    expect(t.rows[0]).toEqual({ status: 'review', reason: 'LEDGER_REFUSED_OVERDRAFT' });
    expect(await invoke(withdraw, { caller: hal, body: { asset: 'USD', amount: '50', idempotencyKey: idem } })).toMatchObject({
      status: 409,
    });
  });
});

describe('transfers are private', () => {
  it("answers another user's transfer as not found (OWASP API1:2023 BOLA)", async () => {
    const mine = await invoke(deposit, { caller: alice, body: { asset: 'BTC', amount: '0.5', idempotencyKey: key() } });
    const id = mine.body.transferId as string;
    expect(await invoke(getTransfer, { caller: alice, path: { transferId: id } })).toMatchObject({
      status: 200,
      body: { transferId: id, asset: 'BTC' },
    });
    const theirs = await invoke(getTransfer, { caller: bob, path: { transferId: id } });
    expect(theirs).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
    expect(await invoke(getTransfer, { caller: bob, path: { transferId: 'not-a-uuid' } })).toMatchObject({ status: 400 });
  });
});

describe('the ledger', () => {
  it('pages the caller’s postings newest first without repeats', async () => {
    const seen: number[] = [];
    let cursor: string | undefined;
    do {
      const r = await invoke<{ items: { entryId: number; asset: string; amount: string; balanceAfter: string }[]; nextCursor?: string }>(
        ledger,
        {
          caller: alice,
          query: { limit: '2', asset: 'USD', ...(cursor ? { cursor } : {}) },
        },
      );
      expect(r.status).toBe(200);
      seen.push(...r.body.items.map((i) => i.entryId));
      cursor = r.body.nextCursor;
    } while (cursor);
    // deposits of 1000, 10, 1 and 5000 and a withdrawal of 400
    expect(seen.length).toBe(5);
    expect([...seen].sort((a, b) => b - a)).toEqual(seen);
    expect(new Set(seen).size).toBe(seen.length);
    expect(await invoke(ledger, { caller: alice, query: { cursor: 'garbage' } })).toMatchObject({
      status: 400,
      body: { code: 'INVALID_CURSOR' },
    });
    expect(await invoke(ledger, { caller: alice, query: { limit: '100000' } })).toMatchObject({ status: 400 });
  });

  it('always balances: every entry sums to zero per asset, and the database refuses one that does not', async () => {
    const admin = new Pool({ connectionString: env.databaseUrl, max: 1 });
    try {
      const unbalanced = await admin.query(
        `SELECT p.entry_id, a.asset FROM ledger_postings p JOIN ledger_accounts a ON a.id = p.account_id GROUP BY p.entry_id, a.asset HAVING sum(p.amount) <> 0`,
      );
      expect(unbalanced.rows).toEqual([]);
      const total = await admin.query<{ n: string }>('SELECT count(*) AS n FROM ledger_entries');
      expect(Number(total.rows[0].n)).toBeGreaterThan(5);
      const c = await admin.connect();
      try {
        await c.query('BEGIN');
        const acc = await c.query<{ id: string }>("SELECT id FROM ledger_accounts WHERE asset = 'USD' ORDER BY id LIMIT 2");
        const e = await c.query<{ id: string }>("INSERT INTO ledger_entries (kind, reference) VALUES ('test', 'unbalanced') RETURNING id");
        await expect(
          c.query(
            'INSERT INTO ledger_postings (entry_id, account_id, amount, balance_after, seq) VALUES ($1, $2, 5, 5, 999999), ($1, $3, -3, -3, 999999)',
            [e.rows[0].id, acc.rows[0].id, acc.rows[1].id],
          ),
        ).rejects.toThrow(/does not balance/);
        await c.query('ROLLBACK');
        await expect(c.query('UPDATE ledger_postings SET amount = amount')).rejects.toThrow(/append-only/);
        await expect(c.query('TRUNCATE ledger_postings CASCADE')).rejects.toThrow(/append-only/);
        // a balance that is not the sum of its postings never commits
        await c.query('BEGIN');
        await c.query('UPDATE ledger_accounts SET balance = balance + 1 WHERE id = $1', [acc.rows[0].id]);
        await expect(c.query('COMMIT')).rejects.toThrow(/its postings end at/);
        const [x, y] = (
          await c.query<{ id: string; balance: string; postings: string }>(
            'SELECT id, balance, postings FROM ledger_accounts WHERE id = ANY($1) ORDER BY id',
            [[acc.rows[0].id, acc.rows[1].id]],
          )
        ).rows;
        const last = async (id: string): Promise<string> =>
          (
            await c.query<{ b: string }>('SELECT balance_after AS b FROM ledger_postings WHERE account_id = $1 ORDER BY seq DESC LIMIT 1', [
              id,
            ])
          ).rows[0]?.b ?? '0';
        // a posting whose balance does not follow the account's last one
        await c.query('BEGIN');
        await c.query('UPDATE ledger_accounts SET postings = postings + 1 WHERE id = ANY($1)', [[x.id, y.id]]);
        const e2 = await c.query<{ id: string }>(
          "INSERT INTO ledger_entries (kind, reference) VALUES ('test', 'broken-chain') RETURNING id",
        );
        await expect(
          c.query(
            'INSERT INTO ledger_postings (entry_id, account_id, amount, balance_after, seq) VALUES ($1, $2, 7, $3, $4), ($1, $5, -7, $6, $7)',
            [e2.rows[0].id, x.id, x.balance, Number(x.postings) + 1, y.id, y.balance, Number(y.postings) + 1],
          ),
        ).rejects.toThrow(/does not follow the one before it/);
        await c.query('ROLLBACK');
        // a well-linked posting whose account's balance and count did not move with it
        await c.query('BEGIN');
        const e3 = await c.query<{ id: string }>(
          "INSERT INTO ledger_entries (kind, reference) VALUES ('test', 'account-not-moved') RETURNING id",
        );
        await expect(
          c.query(
            'INSERT INTO ledger_postings (entry_id, account_id, amount, balance_after, seq) VALUES ($1, $2, 7, $3, $4), ($1, $5, -7, $6, $7)',
            [
              e3.rows[0].id,
              x.id,
              (BigInt(await last(x.id)) + 7n).toString(),
              Number(x.postings) + 1,
              y.id,
              (BigInt(await last(y.id)) - 7n).toString(),
              Number(y.postings) + 1,
            ],
          ),
        ).rejects.toThrow(/does not follow the one before it/);
        await c.query('ROLLBACK');
        // postings added to an entry written earlier
        await c.query('BEGIN');
        const old = await c.query<{ entry_id: string }>(
          'SELECT entry_id FROM ledger_postings GROUP BY entry_id HAVING bool_and(account_id <> ALL($1::bigint[])) ORDER BY entry_id LIMIT 1',
          [[x.id, y.id]],
        );
        await c.query('UPDATE ledger_accounts SET balance = balance + 0, postings = postings + 1 WHERE id = ANY($1)', [[x.id, y.id]]);
        await expect(
          c.query(
            'INSERT INTO ledger_postings (entry_id, account_id, amount, balance_after, seq) VALUES ($1, $2, 1, $3, $4), ($1, $5, -1, $6, $7)',
            [
              old.rows[0].entry_id,
              x.id,
              (BigInt(await last(x.id)) + 1n).toString(),
              Number(x.postings) + 1,
              y.id,
              (BigInt(await last(y.id)) - 1n).toString(),
              Number(y.postings) + 1,
            ],
          ),
        ).rejects.toThrow(/already has postings|does not follow/);
        await c.query('ROLLBACK');
        // postings of an entry that does not exist (the references are checked per statement, 009)
        await c.query('BEGIN');
        await c.query('UPDATE ledger_accounts SET postings = postings + 1 WHERE id = ANY($1)', [[x.id, y.id]]);
        await expect(
          c.query(
            'INSERT INTO ledger_postings (entry_id, account_id, amount, balance_after, seq) VALUES ($1, $2, 1, $3, $4), ($1, $5, -1, $6, $7)',
            [
              '999999999',
              x.id,
              (BigInt(await last(x.id)) + 1n).toString(),
              Number(x.postings) + 1,
              y.id,
              (BigInt(await last(y.id)) - 1n).toString(),
              Number(y.postings) + 1,
            ],
          ),
        ).rejects.toThrow(/refers to entry 999999999 .* which must both exist/);
        await c.query('ROLLBACK');
        // …or of an account that does not
        await c.query('BEGIN');
        const e4 = await c.query<{ id: string }>("INSERT INTO ledger_entries (kind, reference) VALUES ('test', 'no-account') RETURNING id");
        await expect(
          c.query(
            'INSERT INTO ledger_postings (entry_id, account_id, amount, balance_after, seq) VALUES ($1, 999999999, 1, 1, 1), ($1, 999999998, -1, -1, 1)',
            [e4.rows[0].id],
          ),
        ).rejects.toThrow(/which must both exist/);
        await c.query('ROLLBACK');
        await expect(c.query('DELETE FROM ledger_accounts WHERE id = $1', [x.id])).rejects.toThrow(/keeps its owner/);
        // money from nothing: an account that starts with a balance
        await expect(
          c.query(
            "INSERT INTO ledger_accounts (user_id, purpose, asset, balance, opening_balance) VALUES (NULL, 'forged', 'USD', 1000000, 1000000)",
          ),
        ).rejects.toThrow(/starts empty/);
        // nor does an entry with no postings
        await c.query('BEGIN');
        await c.query("INSERT INTO ledger_entries (kind, reference) VALUES ('test', 'empty')");
        await expect(c.query('COMMIT')).rejects.toThrow(/fewer than two postings/);
        await expect(
          c.query('UPDATE ledger_accounts SET opening_balance = opening_balance + 1 WHERE id = $1', [acc.rows[0].id]),
        ).rejects.toThrow(/keeps its owner/);
        await expect(c.query("UPDATE ledger_accounts SET asset = 'EUR' WHERE id = $1", [acc.rows[0].id])).rejects.toThrow(
          /keeps its owner/,
        );
      } finally {
        c.release();
      }
    } finally {
      await admin.end();
    }
  });
});

describe('the audit trail', () => {
  it('records every account action with its outcome', async () => {
    const records = await new DynamoAuditLog(dynamo(), 'exchange-local-audit').recent(alice.userId, 100);
    const summary = records.map((r) => `${r.action}:${r.outcome}`);
    expect(summary).toContain('deposit:succeeded');
    expect(summary).toContain('withdrawal:succeeded');
    expect(summary).toContain('withdrawal:rejected');
    const bobs = await new DynamoAuditLog(dynamo(), 'exchange-local-audit').recent(bob.userId, 100);
    expect(bobs.map((r) => `${r.action}:${r.outcome}`)).toEqual(expect.arrayContaining(['deposit:pending', 'deposit:succeeded']));
    for (const r of records)
      expect(r).toMatchObject({
        actorId: alice.userId,
        requestId: expect.any(String) as string,
        details: { transferId: expect.any(String) as string },
      });
  });
});
