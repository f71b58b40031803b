/**
 * Trade ids across a failover. A new primary numbers its trades on from where its history ended,
 * so after a failover that discarded the old primary's last commands, its market data sequences
 * repeat ones the old primary already published (and settlement may already have posted). The id
 * carries the epoch the trade happened in; live, replayed and rebuilt views all agree on it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MatchingHost, type Submission } from '../host';
import { DEFAULT_MARKET } from '../../proto/market-config';
import { tradeIdOf } from '../../proto/messages';
import { replayPublications } from '../publishers/publication-replay';
import type { Publication } from './types';

const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'trade-ids-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

let clock = 1_700_000_000_000;
const open = (dataDir: string, role: 'primary' | 'standby'): MatchingHost =>
  MatchingHost.open({ dataDir, market: DEFAULT_MARKET, role, now: () => (clock += 3), publish: true });

const limit = (account: number, cid: string, side: 'buy' | 'sell', price: number, quantity: number): Submission => ({
  type: 'place',
  account,
  clientOrderId: cid,
  symbol: 'BTC-USD',
  side,
  orderType: 'limit',
  timeInForce: 'GTC',
  price,
  quantity,
  postOnly: false,
  stp: 'cancel_newest',
  expireTime: 0,
});

/** A resting sell and the buy that takes it: one trade. Returns its market data event. */
async function trade(host: MatchingHost, cid: string, price: number, quantity: number): Promise<{ tradeId: string; sequence: number }> {
  await host.submit(limit(2, `${cid}-s`, 'sell', price, quantity));
  const taken = await host.submit(limit(1, `${cid}-b`, 'buy', price, quantity));
  const t = taken.publication?.market.find((m) => m.type === 'trade');
  if (t?.type !== 'trade') throw new Error('no trade');
  // both sides' fill events name the same trade
  const fills = taken.publication?.orders.filter((e) => e.type === 'fill').map((e) => e.fill?.tradeId);
  expect(fills).toEqual([t.data.tradeId, t.data.tradeId]);
  return { tradeId: t.data.tradeId, sequence: t.sequence };
}

const tradeIds = (pubs: Publication[]): string[] =>
  pubs.flatMap((p) => p.market.flatMap((m) => (m.type === 'trade' ? [m.data.tradeId] : [])));

async function replayed(dir: string, host: MatchingHost): Promise<string[]> {
  const out: Publication[] = [];
  for await (const c of replayPublications(dir, DEFAULT_MARKET, 1, host.lastSeq, host.epochs)) out.push(...c.publications);
  return tradeIds(out);
}

it('a trade id is never reused after a failover that discarded commands: the new primary names its trades by its own epoch', async () => {
  const [eastDir, westDir] = [tempDir(), tempDir()];
  const east = open(eastDir, 'primary');
  let west = open(westDir, 'standby');
  // west follows east's journal until east's link to it breaks
  let shipping = true;
  const shipped: Promise<void>[] = [];
  east.onJournalWrite = (records, first, last) => {
    if (shipping) shipped.push(west.applyReplicated(first, last, Buffer.from(records)));
  };
  await east.submit({ type: 'deposit', account: 1, asset: 'USD', amount: '10000000000', transferId: 'fund-usd' });
  await east.submit({ type: 'deposit', account: 2, asset: 'BTC', amount: '10000000000', transferId: 'fund-btc' });
  const both = await trade(east, 'a', 4_200_000, 10);
  await Promise.all(shipped);
  shipping = false;
  // acknowledged unreplicated (the sync timeout), published, perhaps settled: then east is lost
  const lost = await trade(east, 'b', 4_200_100, 20);
  await east.close();

  west.promote(2);
  const after = await trade(west, 'c', 4_199_900, 30);
  // the market data sequence repeats: only the epoch tells the two different trades apart
  expect(after.sequence).toBe(lost.sequence);
  expect(after.tradeId).not.toBe(lost.tradeId);
  expect([both.tradeId, lost.tradeId, after.tradeId]).toEqual([
    tradeIdOf('BTC-USD', 1, both.sequence),
    tradeIdOf('BTC-USD', 1, lost.sequence),
    tradeIdOf('BTC-USD', 2, after.sequence),
  ]);

  // what a publisher regenerates from the journal (after a restart, or the promotion itself)
  // carries the ids the trades had live, the one west applied as a standby included
  expect(await replayed(westDir, west)).toEqual([both.tradeId, after.tradeId]);
  // and so do the recent trades the Redis view is rebuilt from
  const views = (h: MatchingHost): string[] => h.core.marketState('BTC-USD').trades.map((t) => tradeIdOf('BTC-USD', t.epoch, t.sequence));
  expect(views(west)).toEqual([after.tradeId, both.tradeId]);
  // a restart (journal, then from a snapshot) knows its epochs from its data directory
  await west.close();
  west = open(westDir, 'standby');
  expect(await replayed(westDir, west)).toEqual([both.tradeId, after.tradeId]);
  expect(views(west)).toEqual([after.tradeId, both.tradeId]);
  await west.snapshot();
  await west.close();
  west = open(westDir, 'standby');
  expect(west.recovery.snapshotSeq).toBe(west.lastSeq);
  expect(views(west)).toEqual([after.tradeId, both.tradeId]);
  await west.close();
});
