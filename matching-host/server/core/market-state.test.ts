/**
 * What the public views are rebuilt from after a restart (HostCore.marketState): the same whether
 * the host ran the commands live, replayed them from its journal or loaded them from a snapshot,
 * and the same trades, sequences and times the publications carried.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MatchingHost, type Submission } from '../host';
import { DEFAULT_MARKET } from '../../proto/market-config';
import { replayPublications } from '../publishers/publication-replay';
import { RECENT_TRADES } from './recent-trades';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'market-state-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

let clock = 1_700_000_000_000;
const open = (): MatchingHost => MatchingHost.open({ dataDir: dir, market: DEFAULT_MARKET, now: () => (clock += 7) });
const place = (account: number, cid: string, symbol: string, side: 'buy' | 'sell', price: number, quantity: number): Submission => ({
  type: 'place',
  account,
  clientOrderId: cid,
  symbol,
  side,
  orderType: 'limit',
  timeInForce: 'GTC',
  price,
  quantity,
  postOnly: false,
  stp: 'cancel_newest',
  expireTime: 0,
});

/** More trades than the views keep, resting orders left on both sides, and a halted symbol. */
async function trade(host: MatchingHost): Promise<void> {
  for (const a of [1, 2])
    for (const asset of ['USD', 'BTC', 'ETH'])
      await host.submit({ type: 'deposit', account: a, asset, amount: '100000000000000', transferId: `${a}${asset}` });
  for (let i = 0; i < RECENT_TRADES + 30; i++) {
    const price = 4_200_000 + (i % 13) * 100;
    await host.submit(place(1, `s${i}`, 'BTC-USD', 'sell', price, 3));
    await host.submit(place(2, `b${i}`, 'BTC-USD', 'buy', price, 2 + (i % 3)));
  }
  await host.submit(place(2, 'bid', 'BTC-USD', 'buy', 4_100_000, 5));
  await host.submit(place(1, 'e1', 'ETH-USD', 'sell', 301_000, 5));
  await host.submit(place(2, 'e2', 'ETH-USD', 'buy', 301_000, 2));
  await host.submit({ type: 'halt', symbol: 'ETH-USD' });
}

const states = (host: MatchingHost): unknown => DEFAULT_MARKET.symbols.map((s) => host.core.marketState(s.symbol));

it('is the same live, replayed from the journal and loaded from a snapshot', async () => {
  const live = open();
  await trade(live);
  const expected = states(live);
  const btc = live.core.marketState('BTC-USD');
  expect(btc.trades).toHaveLength(RECENT_TRADES);
  expect(btc.lastPrice).toBe(btc.trades[0].price);
  expect(live.core.marketState('ETH-USD')).toMatchObject({
    halted: true,
    lastPrice: 301_000,
    trades: [{ price: 301_000, quantity: 2, side: 'buy' }],
  });
  await live.close();

  const replayed = open();
  expect(replayed.recovery).toMatchObject({ snapshotSeq: 0, replayed: live.lastSeq });
  expect(states(replayed)).toEqual(expected);
  await replayed.close({ snapshot: true });

  const restored = open();
  expect(restored.recovery).toMatchObject({ snapshotSeq: live.lastSeq, replayed: 0 });
  expect(states(restored)).toEqual(expected);
  await restored.close();
});

it('holds the trades the publications carried, with their sequences and times', async () => {
  const host = open();
  await trade(host);
  const published: { sequence: number; time: number; price: string; quantity: string; side: string }[] = [];
  let sequence = 0;
  let time = 0;
  for await (const c of replayPublications(dir, DEFAULT_MARKET, 1, host.lastSeq))
    for (const p of c.publications)
      for (const e of p.market.filter((m) => m.symbol === 'BTC-USD')) {
        ({ sequence, time } = e);
        if (e.type === 'trade')
          published.push({ sequence: e.sequence, time: e.time, price: e.data.price, quantity: e.data.quantity, side: e.data.side });
      }
  const s = host.core.marketState('BTC-USD');
  expect({ sequence: s.sequence, time: s.time }).toEqual({ sequence, time });
  const units = s.trades.map((t) => ({
    sequence: t.sequence,
    time: t.time,
    price: (t.price / 100).toFixed(2),
    quantity: (t.quantity / 1e4).toFixed(4),
    side: t.side,
  }));
  expect(units).toEqual(published.slice(-RECENT_TRADES).reverse());
  await host.close();
});
