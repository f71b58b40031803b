/**
 * Reconciliation of the ledger and the matching host against real components (PostgreSQL, the
 * host in a child process, the account functions' handlers): an alarm must mean money is wrong,
 * never a transfer caught between the host and the ledger.
 */
import { randomUUID } from 'node:crypto';
import { invoke } from '../../test/support/api-event';
import { startFunctionsEnv, type FunctionsEnv } from '../../test/support/functions-env';
import { deposit, withdraw } from '../accounts/accounts-handlers';
import { PgAccountStore } from '../accounts/adapters/pg-account-store';
import { postEntry, SYSTEM, tradingAccount } from '../shared/adapters/pg-ledger';
import type { Caller } from '../shared/caller';
import { pool } from '../shared/db/pool';
import { inTransaction } from '../shared/db/transaction';
import { matchingHost } from '../shared/matching-host';
import { userStore } from '../shared/users';
import type { Reconciliation } from './settlement-service';
import { settlementService } from './wiring';

let env: FunctionsEnv;
beforeAll(async () => {
  env = await startFunctionsEnv({ host: true });
}, 60_000);
afterAll(() => env.stop());

let n = 0;
const trader = async (name: string): Promise<Caller> => {
  const u = await userStore().create(`${name}.${Date.now()}.${++n}@example.com`, 'x');
  return { userId: u.id, roles: ['trader'], accountNo: u.accountNo };
};
const key = (): string => `rk-${randomUUID()}`;
const of = (r: Reconciliation, who: Caller): { differences: unknown[]; inFlight: unknown[] } => ({
  differences: r.differences.filter((d) => d.accountNo === who.accountNo),
  inFlight: r.inFlight.filter((d) => d.accountNo === who.accountNo),
});

describe('reconciliation', () => {
  it('does not raise a false alarm for a transfer the host has made and the ledger not yet posted', async () => {
    const ann = await trader('ann');
    await invoke(deposit, { caller: ann, body: { asset: 'USD', amount: '100', idempotencyKey: key() } });
    const store = new PgAccountStore(pool());
    // mid-saga, exactly: claimed, moved on the host, not yet posted (the 65.54 USD of the report)
    const dep = await store.claimTransfer({
      userId: ann.userId,
      kind: 'deposit',
      asset: 'USD',
      amount: 65_540_000n,
      idempotencyKey: key(),
    });
    expect(await matchingHost('accounts').deposit(ann.accountNo, 'USD', '65.54', dep.transfer.id)).toMatchObject({ ok: true });
    const wd = await store.claimTransfer({
      userId: ann.userId,
      kind: 'withdrawal',
      asset: 'USD',
      amount: 30_000_000n,
      idempotencyKey: key(),
    });
    expect(await store.reserveWithdrawal(wd.transfer.id)).toBe(true);
    expect(await matchingHost('accounts').withdraw(ann.accountNo, 'USD', '30', wd.transfer.id)).toMatchObject({ ok: true });
    expect(of(await settlementService().reconcile(), ann)).toEqual({
      differences: [],
      inFlight: [{ accountNo: ann.accountNo, asset: 'USD', ledger: '100000000', host: '135540000', transfers: 2 }],
    });
    await store.completeTransfer(dep.transfer.id);
    expect(of(await settlementService().reconcile(), ann).differences).toEqual([]);
    await store.completeTransfer(wd.transfer.id);
    expect(of(await settlementService().reconcile(), ann)).toEqual({ differences: [], inFlight: [] });
  });

  it('reports no difference while deposits and withdrawals run concurrently and without pause', async () => {
    const traders = await Promise.all(['bo', 'cy', 'di', 'ed'].map(trader));
    let running = true;
    const churn = async (who: Caller, seed: number): Promise<number> => {
      let done = 0;
      for (let i = 0; running; i++) {
        const amount = (((seed * 7 + i * 13) % 90) + 10).toFixed(2);
        await invoke(deposit, { caller: who, body: { asset: 'USD', amount, idempotencyKey: key() } });
        await invoke(withdraw, { caller: who, body: { asset: 'USD', amount, idempotencyKey: key() } });
        done += 2;
      }
      return done;
    };
    const load = traders.map((t, i) => churn(t, i));
    const runs: Reconciliation[] = [];
    const until = Date.now() + 6_000;
    try {
      while (Date.now() < until) runs.push(await settlementService().reconcile());
    } finally {
      running = false;
    }
    const transfers = (await Promise.all(load)).reduce((a, b) => a + b, 0);
    expect(transfers).toBeGreaterThan(50);
    expect(runs.length).toBeGreaterThan(3);
    for (const r of runs) for (const t of traders) expect(of(r, t).differences).toEqual([]);
    // once quiet, nothing is in flight either
    const quiet = await settlementService().reconcile();
    for (const t of traders) expect(of(quiet, t)).toEqual({ differences: [], inFlight: [] });
  }, 30_000);

  it('still reports money that is wrong: a host deposit behind the ledger, a ledger entry behind the host', async () => {
    const fox = await trader('fox');
    const gil = await trader('gil');
    // the host credits fox without any transfer the functions asked for
    expect(await matchingHost('accounts').deposit(fox.accountNo, 'USD', '12.34', `forged-${randomUUID()}`)).toMatchObject({ ok: true });
    // the ledger credits gil, with a superuser's hand, without the host
    await inTransaction(pool(), (c) =>
      postEntry(c, 'deposit', `by-hand-${randomUUID()}`, [
        { account: tradingAccount(gil.userId, 'USD'), amount: 5_000_000n },
        { account: SYSTEM.funding('USD'), amount: -5_000_000n },
      ]),
    );
    // a transfer genuinely in flight on fox's account does not hide the forged one
    const store = new PgAccountStore(pool());
    const dep = await store.claimTransfer({ userId: fox.userId, kind: 'deposit', asset: 'USD', amount: 1_000_000n, idempotencyKey: key() });
    expect(await matchingHost('accounts').deposit(fox.accountNo, 'USD', '1', dep.transfer.id)).toMatchObject({ ok: true });
    const r = await settlementService().reconcile();
    expect(of(r, fox).differences).toEqual([{ accountNo: fox.accountNo, asset: 'USD', ledger: '0', host: '13340000' }]);
    expect(of(r, gil).differences).toEqual([{ accountNo: gil.accountNo, asset: 'USD', ledger: '5000000', host: '0' }]);
  });
});
