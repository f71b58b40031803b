/**
 * A trader for the functions' handler tests: a user in the test database and funds on the matching
 * host (straight to the host, not through the ledger: for tests of order entry, not of settlement).
 */
import type { Caller } from '../../functions/shared/caller';
import { matchingHost } from '../../functions/shared/matching-host';
import { userStore } from '../../functions/shared/users';

export async function fundedTrader(name: string, asset: string, amount: string): Promise<Caller> {
  const stamp = `${Date.now()}.${Math.floor(Math.random() * 1e6)}`;
  const u = await userStore().create(`${name}.${stamp}@example.com`, 'x');
  await matchingHost('accounts').deposit(u.accountNo, asset, amount, `fund-${name}-${stamp}`);
  return { userId: u.id, roles: ['trader'], accountNo: u.accountNo };
}
