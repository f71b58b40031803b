/** A recovered history keeps the specs it began with, and the host says where its configuration differs. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MatchingHost, type Submission } from '../host';
import type { MarketConfig } from '../../proto/market-config';
import { DEFAULT_MARKET } from '../../proto/market-config';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'spec-drift-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const unlisted: MarketConfig = { ...DEFAULT_MARKET, symbols: DEFAULT_MARKET.symbols.map(({ referencePrice: _, ...s }) => s) };
const bid = (cid: string, price: number): Submission => ({
  type: 'place',
  account: 1,
  clientOrderId: cid,
  symbol: 'BTC-USD',
  side: 'buy',
  orderType: 'limit',
  timeInForce: 'GTC',
  price,
  quantity: 1,
  postOnly: false,
  stp: 'cancel_newest',
  expireTime: 0,
});

it('reports nothing for a history that began with the configured markets', async () => {
  const host = MatchingHost.open({ dataDir: dir, market: DEFAULT_MARKET });
  expect(host.recovery.specDrift).toEqual([]);
  await host.close({ snapshot: true });
  const again = MatchingHost.open({ dataDir: dir, market: DEFAULT_MARKET });
  expect(again.recovery.specDrift).toEqual([]);
  await again.close();
});

it('keeps the specs of a snapshot taken before a reference price was configured, and names the difference', async () => {
  const before = MatchingHost.open({ dataDir: dir, market: unlisted });
  await before.submit({ type: 'deposit', account: 1, asset: 'USD', amount: '1000000000', transferId: 'd' });
  expect((await before.submit(bid('far', 1_000))).order).toMatchObject({ status: 'OPEN' });
  await before.close({ snapshot: true });

  const after = MatchingHost.open({ dataDir: dir, market: DEFAULT_MARKET });
  expect(after.recovery.specDrift).toEqual([
    'BTC-USD: referencePrice configured 4200000, history none',
    'ETH-USD: referencePrice configured 300000, history none',
  ]);
  // replaying this history under the new listing would refuse what was accepted: it runs as it began
  expect((await after.submit(bid('far-again', 1_000))).order).toMatchObject({ status: 'OPEN' });
  await after.close();
});
