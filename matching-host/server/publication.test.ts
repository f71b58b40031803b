/**
 * What the order events of a command tell each account: a refusal to act on an order that is not
 * the requester's says no more than a refusal for an order that does not exist.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MatchingHost, type Submission } from './host';
import { DEFAULT_MARKET } from './market-config';

let dir: string;
let host: MatchingHost;
let clock = 1_700_000_000_000;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'publication-'));
  host = MatchingHost.open({ dataDir: dir, market: DEFAULT_MARKET, now: () => (clock += 7), publish: true });
  await host.submit({ type: 'deposit', account: 1, asset: 'BTC', amount: '100000000', transferId: 'fund-1' });
});
afterEach(async () => {
  await host.close();
  rmSync(dir, { recursive: true, force: true });
});

const sell: Submission = {
  type: 'place', account: 1, clientOrderId: 'owner-secret-cid', symbol: 'BTC-USD', side: 'sell', orderType: 'limit', timeInForce: 'GTC',
  price: 4_200_000, quantity: 10, postOnly: false, stp: 'cancel_newest', expireTime: 0,
};

it("tells a stranger canceling or replacing another account's order nothing of it (no clientOrderId, same as an unknown id)", async () => {
  const placed = await host.submit(sell);
  const orderId = placed.order?.orderId as number;
  const strangerCancel = await host.submit({ type: 'cancel', account: 2, orderId });
  const strangerReplace = await host.submit({ type: 'replace', account: 2, orderId, price: 4_210_000, quantity: 10 });
  const unknownCancel = await host.submit({ type: 'cancel', account: 2, orderId: orderId + 1000 });
  for (const r of [strangerCancel, strangerReplace]) {
    const events = r.publication?.orders ?? [];
    expect(events.map((e) => ({ ...e, orderId: 0, seq: 0, time: 0 }))).toEqual((unknownCancel.publication?.orders ?? []).map((e) => ({ ...e, orderId: 0, seq: 0, time: 0 })));
    expect(JSON.stringify(events)).not.toContain('owner-secret-cid');
  }
  // the owner's own refusal still names the order
  const ownReplace = await host.submit({ type: 'replace', account: 1, orderId, price: 4_200_000, quantity: 0 });
  expect(ownReplace.publication?.orders).toEqual([expect.objectContaining({ account: 1, type: 'rejected', clientOrderId: 'owner-secret-cid' })]);
});
