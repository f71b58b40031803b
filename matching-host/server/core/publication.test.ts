/**
 * What the order events of a command tell each account: a refusal to act on an order that is not
 * the requester's says no more than a refusal for an order that does not exist.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MatchingHost, type Submission } from '../host';
import { DEFAULT_MARKET } from '../../proto/market-config';

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
  type: 'place',
  account: 1,
  clientOrderId: 'owner-secret-cid',
  symbol: 'BTC-USD',
  side: 'sell',
  orderType: 'limit',
  timeInForce: 'GTC',
  price: 4_200_000,
  quantity: 10,
  postOnly: false,
  stp: 'cancel_newest',
  expireTime: 0,
};

it("tells a stranger canceling or replacing another account's order nothing of it (no clientOrderId, same as an unknown id)", async () => {
  const placed = await host.submit(sell);
  const orderId = placed.order?.orderId as number;
  const strangerCancel = await host.submit({ type: 'cancel', account: 2, orderId });
  const strangerReplace = await host.submit({ type: 'replace', account: 2, orderId, price: 4_210_000, quantity: 10 });
  const unknownCancel = await host.submit({ type: 'cancel', account: 2, orderId: orderId + 1000 });
  const unknownReplace = await host.submit({ type: 'replace', account: 2, orderId: orderId + 1000, price: 4_210_000, quantity: 10 });
  for (const [r, unknown] of [
    [strangerCancel, unknownCancel],
    [strangerReplace, unknownReplace],
  ]) {
    const events = r.publication?.orders ?? [];
    expect(events.map((e) => ({ ...e, orderId: 0, seq: 0, time: 0 }))).toEqual(
      (unknown.publication?.orders ?? []).map((e) => ({ ...e, orderId: 0, seq: 0, time: 0 })),
    );
    expect(JSON.stringify(events)).not.toContain('owner-secret-cid');
  }
  expect(strangerReplace.publication?.orders).toEqual([
    expect.objectContaining({ type: 'rejected', reason: 'UNKNOWN_ORDER', request: 'replace' }),
  ]);
  // the owner's own refusal still names the order
  const ownReplace = await host.submit({ type: 'replace', account: 1, orderId, price: 4_200_000, quantity: 0 });
  expect(ownReplace.publication?.orders).toEqual([
    expect.objectContaining({ account: 1, type: 'rejected', clientOrderId: 'owner-secret-cid' }),
  ]);
});

it('names on each rejection the request refused, a refused replace of one’s own order (which carries its symbol) included', async () => {
  const placed = await host.submit(sell);
  const orderId = placed.order?.orderId as number;
  const refusals = await Promise.all([
    host.submit({ type: 'replace', account: 1, orderId, price: 4_200_000, quantity: 0 }),
    // beyond the ±10 % band around the reference price (42 000.00)
    host.submit({ type: 'replace', account: 1, orderId, price: 5_000_000, quantity: 10 }),
    host.submit({ ...sell, clientOrderId: 'far', price: 5_000_000 }),
    host.submit({ ...sell, clientOrderId: 'too-big', quantity: 1e9 }),
    host.submit({ type: 'cancel', account: 1, orderId: orderId + 1000 }),
  ]);
  expect(refusals.map((r) => r.publication?.orders.map((e) => `${e.type} ${e.reason} ${e.request} ${e.symbol}`))).toEqual([
    ['rejected INVALID_QUANTITY replace BTC-USD'],
    ['rejected PRICE_OUT_OF_BAND replace BTC-USD'],
    ['rejected PRICE_OUT_OF_BAND place BTC-USD'],
    ['rejected INSUFFICIENT_FUNDS place BTC-USD'],
    ['rejected UNKNOWN_ORDER cancel undefined'],
  ]);
});
