import { mkdtempSync, openSync, closeSync, readdirSync, writeFileSync, writeSync, rmSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FencedError, JournalFailedError, MatchingHost, TransferWindowFullError, type Submission } from './host';
import { HostCore, stateChunksInSlices } from './core/host-core';
import { listSegments } from './durability/journal';
import { DEFAULT_MARKET } from '../proto/market-config';
import { TRANSFER_ID_WINDOW_MS, TRANSFER_RETRY_LIMIT_MS } from '../proto/transfer-window';

const dirs: string[] = [];
function dataDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'host-test-'));
  dirs.push(d);
  return d;
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

let clock = 1_700_000_000_000;
const open = (dir: string, extra: { snapshotEvery?: number } = {}): MatchingHost =>
  MatchingHost.open({ dataDir: dir, market: DEFAULT_MARKET, now: () => clock++, ...extra });

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
const deposit = (account: number, asset: string, amount: string, transferId: string): Submission => ({
  type: 'deposit',
  account,
  asset,
  amount,
  transferId,
});

/** A seeded mix of orders, cancels and transfers over a few accounts. */
async function drive(host: MatchingHost, n: number, seed: number): Promise<void> {
  let x = seed;
  const rnd = (m: number): number => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return x % m;
  };
  for (let i = 0; i < n; i++) {
    const account = 1 + rnd(4);
    const r = rnd(100);
    if (r < 70) {
      const side = rnd(2) === 0 ? 'buy' : 'sell';
      await host.submit(limit(account, `c${seed}-${i}`, side, 4_200_000 + rnd(200) - 100, 1 + rnd(50)));
    } else if (r < 85) {
      const open = host.core.engine.openOrders(account);
      // half of them with a request id, so that recovery and snapshots carry the request-id window too
      const requestId = i % 2 === 0 ? { requestId: `x${seed}-${i}` } : {};
      if (open.length) await host.submit({ type: 'cancel', account, orderId: open[rnd(open.length)].orderId, ...requestId });
    } else if (r < 93) {
      const m = limit(account, `m${seed}-${i}`, rnd(2) === 0 ? 'buy' : 'sell', 0, 1 + rnd(80));
      await host.submit(Object.assign(m, { orderType: 'market', timeInForce: 'IOC' }));
    } else {
      await host.submit({
        type: 'withdraw',
        account,
        asset: rnd(2) ? 'USD' : 'BTC',
        amount: String(1 + rnd(1_000_000)),
        transferId: `w${seed}-${i}`,
      });
    }
  }
}

function funded(host: MatchingHost): Promise<unknown> {
  const subs = [];
  for (let a = 1; a <= 4; a++) {
    subs.push(host.submit(deposit(a, 'USD', '10000000000000', `d-usd-${a}`))); // 10M USD at 6 decimals
    subs.push(host.submit(deposit(a, 'BTC', '100000000000', `d-btc-${a}`))); // 1000 BTC at 8 decimals
  }
  return Promise.all(subs);
}

function totals(host: MatchingHost): Record<string, string> {
  return { USD: host.core.balances.total('USD').toString(), BTC: host.core.balances.total('BTC').toString() };
}

function state(host: MatchingHost): unknown {
  const b: Record<number, unknown> = {};
  for (let a = 1; a <= 4; a++)
    b[a] = Object.fromEntries([...host.core.balances.ofAccount(a)].map(([k, v]) => [k, `${v.available}/${v.held}`]));
  return { seq: host.lastSeq, checksum: host.core.engine.checksum(), balances: b };
}

describe('matching host: risk and balances', () => {
  it('conserves every asset: totals change only by deposits and withdrawals; held equals what open orders need', async () => {
    const host = open(dataDir());
    await funded(host);
    let withdrawn = { USD: 0n, BTC: 0n };
    const orig = host.submit.bind(host);
    host.submit = async (s) => {
      const r = await orig(s);
      if (s.type === 'withdraw' && r.transfer?.ok)
        withdrawn = { ...withdrawn, [s.asset]: withdrawn[s.asset as 'USD' | 'BTC'] + BigInt(s.amount) };
      return r;
    };
    await drive(host, 600, 7);
    expect(BigInt(totals(host).USD)).toBe(4n * 10_000_000_000_000n - withdrawn.USD);
    expect(BigInt(totals(host).BTC)).toBe(4n * 100_000_000_000n - withdrawn.BTC);
    // held = Σ over open orders of (buy: price × leaves × 10^0 USD units; sell: leaves × 10^4 BTC units)
    for (let a = 1; a <= 4; a++) {
      const open = host.core.engine.openOrders(a);
      const usd = open.filter((o) => o.side === 'buy').reduce((s, o) => s + BigInt(o.price) * BigInt(o.leaves), 0n);
      const btc = open.filter((o) => o.side === 'sell').reduce((s, o) => s + BigInt(o.leaves) * 10_000n, 0n);
      expect(host.core.balances.get(a, 'USD').held).toBe(usd);
      expect(host.core.balances.get(a, 'BTC').held).toBe(btc);
    }
    await host.close();
  });

  it('rejects an order that would overdraw, holding nothing', async () => {
    const host = open(dataDir());
    await host.submit(deposit(1, 'USD', '4000000', 't1')); // 4 USD
    const r = await host.submit(limit(1, 'big', 'buy', 4_000_100, 1)); // 40 001.00 × 0.0001 = 4.0001 USD
    expect(r.order).toMatchObject({ status: 'REJECTED', reason: 'INSUFFICIENT_FUNDS' });
    expect(host.core.balances.get(1, 'USD')).toEqual({ available: 4_000_000n, held: 0n });
    const ok = await host.submit(limit(1, 'small', 'buy', 4_000_000, 1)); // 40 000.00 × 0.0001 = 4 USD
    expect(ok.order).toMatchObject({ status: 'OPEN', leaves: 1 });
    expect(host.core.balances.get(1, 'USD')).toEqual({ available: 0n, held: 4_000_000n });
    await host.close();
  });

  it('settles a trade exactly, refunding a buyer who paid less than its limit', async () => {
    const host = open(dataDir());
    await host.submit(deposit(1, 'USD', '100000000', 'a')); // 100 USD
    await host.submit(deposit(2, 'BTC', '100000000', 'b')); // 1 BTC
    await host.submit(limit(2, 's', 'sell', 4_000_000, 10)); // 0.001 BTC at 40 000.00
    const r = await host.submit(limit(1, 'b', 'buy', 4_100_000, 10)); // limit 41 000.00
    expect(r.order).toMatchObject({ status: 'FILLED', filled: 10, leaves: 0 });
    expect(r.order?.fills).toEqual([expect.objectContaining({ price: 4_000_000, quantity: 10, liquidity: 'taker' })]);
    expect(host.core.balances.get(1, 'USD')).toEqual({ available: 60_000_000n, held: 0n }); // paid 40 USD
    expect(host.core.balances.get(1, 'BTC')).toEqual({ available: 100_000n, held: 0n });
    expect(host.core.balances.get(2, 'USD')).toEqual({ available: 40_000_000n, held: 0n });
    expect(host.core.balances.get(2, 'BTC')).toEqual({ available: 99_900_000n, held: 0n });
    await host.close();
  });

  it('a replace that arrives after its GTD order expired releases the whole hold once', async () => {
    const host = open(dataDir());
    await host.submit(deposit(1, 'USD', '100000000', 'a')); // 100 USD
    const expireTime = clock + 5;
    const placed = await host.submit(Object.assign(limit(1, 'gtd', 'buy', 4_000_000, 10), { timeInForce: 'GTD', expireTime })); // holds 40 USD
    expect(placed.order).toMatchObject({ status: 'OPEN' });
    clock = expireTime + 1;
    // would need 80 USD of hold: the host holds 40 more before the engine sees the command, which first expires the order
    const r = await host.submit({ type: 'replace', account: 1, orderId: placed.order?.orderId ?? 0, price: 4_000_000, quantity: 20 });
    expect(r.rejectReason).toBeDefined();
    expect(host.core.balances.get(1, 'USD')).toEqual({ available: 100_000_000n, held: 0n });
    expect(host.core.balances.total('USD')).toBe(100_000_000n);
    await host.close();
  });
});

describe('matching host: idempotency and fencing', () => {
  it('answers a repeated clientOrderId or transferId with the original result and executes nothing', async () => {
    const host = open(dataDir());
    const d1 = await host.submit(deposit(1, 'USD', '50000000', 'same'));
    const d2 = await host.submit(deposit(1, 'USD', '50000000', 'same'));
    expect(d2).toMatchObject({ duplicate: true, transfer: d1.transfer });
    expect(host.core.balances.get(1, 'USD').available).toBe(50_000_000n);
    const o1 = await host.submit(limit(1, 'cid-1', 'buy', 4_000_000, 5));
    const seq = host.lastSeq;
    const o2 = await host.submit(limit(1, 'cid-1', 'buy', 4_000_000, 5));
    expect(o2).toMatchObject({ duplicate: true, order: o1.order });
    expect(host.lastSeq).toBe(seq);
    expect(host.core.engine.openOrders(1)).toHaveLength(1);
    // the same clientOrderId on another account is a different order
    await host.submit(deposit(2, 'USD', '50000000', 'same'));
    expect((await host.submit(limit(2, 'cid-1', 'buy', 4_000_000, 5))).duplicate).toBe(false);
    await host.close();
  });

  it('a standby refuses orders; promotion to a higher epoch makes it primary; fencing stops it again', async () => {
    const host = MatchingHost.open({ dataDir: dataDir(), market: DEFAULT_MARKET, role: 'standby', epoch: 3 });
    await expect(host.submit(limit(1, 'x', 'buy', 4_000_000, 1))).rejects.toBeInstanceOf(FencedError);
    expect(() => host.promote(3)).toThrow(RangeError);
    host.promote(4);
    await host.submit(deposit(1, 'USD', '4000000', 'd'));
    expect((await host.submit(limit(1, 'x', 'buy', 4_000_000, 1))).order?.status).toBe('OPEN');
    host.fence(5);
    expect(host.role).toBe('standby');
    await expect(host.submit({ type: 'cancel', account: 1, orderId: 1 })).rejects.toBeInstanceOf(FencedError);
    await host.close();
  });
});

describe('matching host: transfer ids are remembered by time, not count', () => {
  it('answers a transfer retried after 250,000 other transfers as a duplicate, not applying it twice', () => {
    // the core as the host drives it (no journal: the window is the core's state)
    const core = new HostCore(DEFAULT_MARKET);
    let seq = 0;
    const t0 = 1_700_000_000_000;
    const run = (account: number, transferId: string, time: number) =>
      core.execute({ type: 'deposit', account, asset: 'USD', amount: '1000', transferId, seq: ++seq, time }, { publish: false });
    const first = run(1, 'retried-later', t0).transfer;
    // more than the old count window (250 k, shared by everyone) of other traders' transfers, within two hours
    for (let i = 0; i < 260_000; i++) run(2 + (i % 5_000), `other-${i}`, t0 + Math.floor(i / 40));
    expect(core.priorTransfer(1, 'retried-later')).toEqual(first);
    expect(core.balances.get(1, 'USD').available).toBe(1000n);
  });

  it('forgets a transfer id only after its window of journaled time, the same after a restart from snapshot or journal', async () => {
    const windowMs = 60_000;
    let now = 1_800_000_000_000;
    const market = { ...DEFAULT_MARKET, transferIdWindow: { ms: windowMs } };
    const dir = dataDir();
    const host = (): MatchingHost => MatchingHost.open({ dataDir: dir, market, now: () => now });
    let h = host();
    await h.submit(deposit(1, 'USD', '100', 'old'));
    // the window's last millisecond: another transfer (which is when ids are forgotten) leaves it alone
    now += windowMs;
    await h.submit(deposit(2, 'USD', '1', 'later-1'));
    expect(await h.submit(deposit(1, 'USD', '100', 'old'))).toMatchObject({ duplicate: true });
    await h.snapshot();
    await h.submit(deposit(2, 'USD', '1', 'after-snapshot'));
    await h.close({ snapshot: false });
    // snapshot + journal suffix: the window comes back as it was, with its times
    h = host();
    expect(h.core.priorTransfer(1, 'old')).toMatchObject({ transferId: 'old', ok: true });
    expect(await h.submit(deposit(1, 'USD', '100', 'old'))).toMatchObject({ duplicate: true });
    expect(h.core.balances.get(1, 'USD').available).toBe(100n);
    now += 1;
    await h.submit(deposit(2, 'USD', '1', 'later-2'));
    expect(h.core.priorTransfer(1, 'old')).toBeUndefined();
    const forgotten = h.core.stateBytes();
    await h.close({ snapshot: false });
    // journal only: replay forgets exactly what the live host forgot, at the same command
    const replay = dataDir();
    now = 1_800_000_000_000;
    let r = MatchingHost.open({ dataDir: replay, market, now: () => now });
    await r.submit(deposit(1, 'USD', '100', 'old'));
    now += windowMs;
    await r.submit(deposit(2, 'USD', '1', 'later-1'));
    await r.submit(deposit(2, 'USD', '1', 'after-snapshot'));
    now += 1;
    await r.submit(deposit(2, 'USD', '1', 'later-2'));
    await r.close({ snapshot: false });
    r = MatchingHost.open({ dataDir: replay, market, now: () => now });
    expect(r.recovery.replayed).toBe(r.lastSeq);
    expect(r.core.stateBytes().equals(forgotten)).toBe(true);
    await r.close({ snapshot: false });
  });

  it('takes no new transfer id rather than forget one early when the window is full', async () => {
    let now = 1_900_000_000_000;
    const h = MatchingHost.open({
      dataDir: dataDir(),
      market: { ...DEFAULT_MARKET, transferIdWindow: { ms: 60_000, capacity: 3 } },
      now: () => now,
    });
    for (const id of ['a', 'b', 'c']) await h.submit(deposit(1, 'USD', '1', id));
    await expect(h.submit(deposit(1, 'USD', '1', 'd'))).rejects.toBeInstanceOf(TransferWindowFullError);
    for (const id of ['a', 'b', 'c']) expect(await h.submit(deposit(1, 'USD', '1', id))).toMatchObject({ duplicate: true });
    expect(h.core.balances.get(1, 'USD').available).toBe(3n);
    now += 60_001;
    expect(await h.submit(deposit(1, 'USD', '1', 'd'))).toMatchObject({ duplicate: false, transfer: { ok: true } });
    await h.close();
  });

  it('remembers a transfer id for longer than anything retries it', () => {
    expect(TRANSFER_RETRY_LIMIT_MS).toBeGreaterThanOrEqual(12 * 3600_000);
    expect(TRANSFER_ID_WINDOW_MS - TRANSFER_RETRY_LIMIT_MS).toBeGreaterThanOrEqual(3600_000);
    expect(new HostCore(DEFAULT_MARKET).hasRoomForTransfer(0)).toBe(true);
  });
});

describe('matching host: a cancel, replace or cancel-all retried with its request id', () => {
  const cancel = (account: number, orderId: number, requestId?: string): Submission => ({
    type: 'cancel',
    account,
    orderId,
    ...(requestId === undefined ? {} : { requestId }),
  });

  it('is answered with the first reply and executes nothing, where a retry without one finds no order', async () => {
    const h = open(dataDir());
    await funded(h);
    const { order } = await h.submit(limit(1, 'rq-1', 'buy', 4_000_000, 1));
    const id = order?.orderId as number;
    const first = await h.submit(cancel(1, id, 'req-a'));
    expect(first).toMatchObject({ canceled: [id], duplicate: false });
    const seq = h.lastSeq;
    expect(await h.submit(cancel(1, id, 'req-a'))).toEqual({ canceled: [id], seq: first.seq, duplicate: true });
    expect(h.lastSeq).toBe(seq);
    // the defect this closes: the same retry without its id is a new cancel of an order that is gone
    expect(await h.submit(cancel(1, id))).toMatchObject({ canceled: [], rejectReason: 'UNKNOWN_ORDER' });
    // the id is the account's own: another account's request with the same id is its own request
    expect(await h.submit(cancel(2, id, 'req-a'))).toMatchObject({ duplicate: false, rejectReason: 'UNKNOWN_ORDER' });

    const a = (await h.submit(limit(1, 'rq-2', 'buy', 4_000_000, 1))).order?.orderId as number;
    const b = (await h.submit(limit(1, 'rq-3', 'buy', 4_000_000, 1))).order?.orderId as number;
    const all = await h.submit({ type: 'cancelAll', account: 1, requestId: 'req-b' });
    expect(all.canceled?.sort()).toEqual([a, b].sort());
    expect(await h.submit({ type: 'cancelAll', account: 1, requestId: 'req-b' })).toMatchObject({
      canceled: all.canceled,
      duplicate: true,
    });

    const c = (await h.submit(limit(1, 'rq-4', 'buy', 4_000_000, 2))).order?.orderId as number;
    const replace: Submission = { type: 'replace', account: 1, orderId: c, price: 4_000_100, quantity: 3, requestId: 'req-c' };
    expect(await h.submit(replace)).toMatchObject({ duplicate: false });
    const held = h.core.balances.get(1, 'USD').held;
    const seqAfter = h.lastSeq;
    expect(await h.submit(replace)).toMatchObject({ duplicate: true });
    expect(h.lastSeq).toBe(seqAfter);
    expect(h.core.balances.get(1, 'USD').held).toBe(held);
    // a refused one is refused again, the same way
    const refused: Submission = { type: 'replace', account: 1, orderId: c, price: 4_000_100, quantity: 0, requestId: 'req-d' };
    const r1 = await h.submit(refused);
    expect(r1.rejectReason).toBeDefined();
    expect(await h.submit(refused)).toMatchObject({ rejectReason: r1.rejectReason, duplicate: true });
    await h.close();
  });

  it('is remembered for a window of journaled time, the same after a restart from snapshot or journal', async () => {
    const windowMs = 10_000;
    let now = 1_810_000_000_000;
    const market = { ...DEFAULT_MARKET, requestIdWindow: { ms: windowMs } };
    const dir = dataDir();
    const host = (): MatchingHost => MatchingHost.open({ dataDir: dir, market, now: () => now });
    let h = host();
    await funded(h);
    const id = (await h.submit(limit(1, 'rw-1', 'buy', 4_000_000, 1))).order?.orderId as number;
    await h.submit(cancel(1, id, 'req-old'));
    await h.snapshot();
    const id2 = (await h.submit(limit(1, 'rw-2', 'buy', 4_000_000, 1))).order?.orderId as number;
    await h.submit(cancel(1, id2, 'req-after-snapshot'));
    await h.close({ snapshot: false });
    // snapshot + journal suffix
    h = host();
    expect(await h.submit(cancel(1, id, 'req-old'))).toMatchObject({ canceled: [id], duplicate: true });
    expect(await h.submit(cancel(1, id2, 'req-after-snapshot'))).toMatchObject({ canceled: [id2], duplicate: true });
    // past the window: forgotten at the next request with an id (a new cancel of an order that is gone)
    now += windowMs + 1;
    await h.submit(cancel(3, 999_999, 'req-new'));
    expect(h.core.priorRequest(1, 'req-old')).toBeUndefined();
    expect(await h.submit(cancel(1, id, 'req-old'))).toMatchObject({ duplicate: false, rejectReason: 'UNKNOWN_ORDER' });
    const live = h.core.stateBytes();
    await h.close({ snapshot: false });
    // journal only (the snapshot gone): replay forgets exactly what the live host forgot
    for (const f of readdirSync(dir)) if (f.startsWith('snapshot')) rmSync(join(dir, f));
    h = host();
    expect(h.recovery.replayed).toBe(h.lastSeq);
    expect(h.core.stateBytes().equals(live)).toBe(true);
    await h.close({ snapshot: false });
  });

  it('forgets the oldest ids first when more arrive within the window than it holds', async () => {
    const h = MatchingHost.open({
      dataDir: dataDir(),
      market: { ...DEFAULT_MARKET, requestIdWindow: { ms: 60_000, capacity: 2 } },
      now: () => clock++,
    });
    for (const r of ['a', 'b', 'c']) await h.submit(cancel(1, 1, r));
    expect(h.core.priorRequest(1, 'a')).toBeUndefined();
    expect(h.core.priorRequest(1, 'b')).toBeDefined();
    expect(h.core.priorRequest(1, 'c')).toBeDefined();
    await h.close();
  });
});

describe('matching host: durability of acknowledgements', () => {
  it('answers a retry that races its original only once the original is on disk', async () => {
    const h = open(dataDir());
    await funded(h);
    const order: string[] = [];
    const original = h.submit(limit(1, 'race', 'buy', 4_000_000, 1)).then(() => order.push('original'));
    const retry = h.submit(limit(1, 'race', 'buy', 4_000_000, 1)).then((r) => {
      order.push('retry');
      return r;
    });
    expect((await retry).duplicate).toBe(true);
    await original;
    expect(order).toEqual(['original', 'retry']);
    await h.close();
  });

  it('after a journal failure executes and acknowledges nothing, and never snapshots the unjournaled state', async () => {
    const dir = dataDir();
    const h = open(dir);
    await funded(h);
    const seq = h.lastSeq;
    // the disk goes away under the journal
    closeSync((h as unknown as { journal: { fd: number } }).journal.fd);
    await expect(h.submit(limit(1, 'lost', 'buy', 4_000_000, 1))).rejects.toBeInstanceOf(JournalFailedError);
    expect(h.journalHealthy).toBe(false);
    await expect(h.submit(limit(1, 'next', 'buy', 4_000_000, 1))).rejects.toBeInstanceOf(JournalFailedError);
    // only the command whose write failed ran; nothing after it
    expect(h.lastSeq).toBe(seq + 1);
    await expect(h.snapshot()).rejects.toBeInstanceOf(JournalFailedError);
    const again = open(dir);
    expect(again.lastSeq).toBe(seq);
    expect(again.core.priorOrder(1, 'lost')).toBeUndefined();
    await again.close();
  });
});

describe('matching host: journal and recovery', () => {
  it('restarts with exactly the same book, balances and idempotency keys (journal only)', async () => {
    const dir = dataDir();
    const a = open(dir);
    await funded(a);
    await drive(a, 300, 11);
    const before = state(a);
    await a.close();
    const b = open(dir);
    expect(b.recovery.replayed).toBe(b.lastSeq);
    expect(state(b)).toEqual(before);
    expect((await b.submit(limit(1, 'c11-0', 'buy', 1, 1))).duplicate).toBe(true);
    await b.close();
  });

  it('recovers from snapshot + journal suffix, pruning covered segments, same state as a full replay', async () => {
    const dir = dataDir();
    const a = open(dir, { snapshotEvery: 50 });
    await funded(a);
    await drive(a, 400, 5);
    await a.snapshot();
    await drive(a, 30, 6);
    const before = state(a);
    await a.close();
    const b = open(dir);
    expect(b.recovery.snapshotSeq).toBeGreaterThan(0);
    expect(b.recovery.replayed).toBeLessThan(b.lastSeq);
    expect(state(b)).toEqual(before);
    expect(listSegments(dir).length).toBeLessThanOrEqual(3);
    await b.close();
  });

  it('restores the idempotency window exactly, also when open orders hold it above its capacity', async () => {
    const host = MatchingHost.open({ dataDir: dataDir(), market: { ...DEFAULT_MARKET, idempotencyWindow: 2 }, now: () => clock++ });
    await host.submit(deposit(1, 'USD', '100000000000', 'w-usd'));
    const placed = [];
    for (const cid of ['A1', 'A2', 'A3']) placed.push(await host.submit(limit(1, cid, 'buy', 4_000_000, 1)));
    // three resting orders pin three keys in a window of two; A1 leaves the book but its key stays until the next insert
    await host.submit({ type: 'cancel', account: 1, orderId: placed[0].order?.orderId ?? 0 });
    const bytes = host.core.stateBytes();
    const restored = HostCore.fromState({ ...DEFAULT_MARKET, idempotencyWindow: 2 }, host.core.engine.snapshot(), bytes);
    expect(restored.priorOrder(1, 'A1')).toEqual(host.core.priorOrder(1, 'A1'));
    expect(restored.priorOrder(1, 'A1')).toBeDefined();
    expect(restored.stateBytes().equals(bytes)).toBe(true);
    await host.close();
  });

  it('upgrades a data directory whose newest snapshot has the earlier format (MEXHOST1, JSON state)', async () => {
    const dir = dataDir();
    const a = open(dir);
    await funded(a);
    await drive(a, 300, 21);
    const before = state(a);
    // what the earlier version wrote at this point: the same state as JSON v2, replies as tuples
    const c = a.core.captureState();
    const replies = c.orderReplies.slots.map((slot) => c.orderReplies.table.get(slot));
    c.orderReplies.release();
    const json = JSON.stringify({
      v: 2,
      lastSeq: c.lastSeq,
      nextOrderId: c.nextOrderId,
      balances: c.balances,
      holds: c.holds.map(([id, account, asset, held, holdPrice, cid]) => [id, account, asset, held.toString(), holdPrice, cid]),
      transferKeys: c.transferKeys,
      mdSequence: c.mdSequence,
      orderKeys: replies.map((r) => [
        r.orderId,
        r.clientOrderId,
        r.account,
        r.symbol,
        r.side,
        r.status,
        r.price,
        r.quantity,
        r.filled,
        r.leaves,
        r.reason,
        r.seq,
        r.fills.flatMap((f) => [f.price, f.quantity, f.counterOrderId, f.sequence]),
        r.fills.map((f) => (f.liquidity === 'maker' ? 'm' : 't')).join(''),
      ]),
    });
    const engine = Buffer.from(a.core.engine.snapshot());
    const len = Buffer.alloc(4);
    len.writeUInt32LE(engine.length, 0);
    const body = Buffer.concat([len, engine, Buffer.from(json, 'utf8')]);
    const head = Buffer.alloc(12);
    head.write('MEXHOST1', 0, 'latin1');
    head.writeUInt32LE(crc32(body), 8);
    writeFileSync(join(dir, `snapshot-${String(c.lastSeq).padStart(16, '0')}.bin`), Buffer.concat([head, body]));
    await a.close();
    const b = open(dir);
    expect(b.recovery.snapshotSeq).toBe(c.lastSeq);
    expect(state(b)).toEqual(before);
    for (const r of replies.slice(-20)) expect(b.core.priorOrder(r.account, r.clientOrderId)).toEqual(r);
    await b.close();
  });

  it('serializes a snapshot in slices to exactly the bytes of a synchronous one, even while commands go on', async () => {
    const dir = dataDir();
    // a small window, so keys are evicted while the slices are written
    const a = MatchingHost.open({ dataDir: dir, market: { ...DEFAULT_MARKET, idempotencyWindow: 100 }, now: () => clock++ });
    await funded(a);
    await drive(a, 300, 7);
    const bytes = a.core.stateBytes();
    const engineAtCapture = a.core.engine.snapshot();
    const captured = a.core.captureState();
    // read while the capture retains them: once the slices are written their slots may be reused
    const repliesAtCapture = captured.orderReplies.slots.map((s) => captured.orderReplies.table.get(s));
    const pending = stateChunksInSlices(captured, 7);
    // the host keeps executing while the slices are written; the capture must not see it
    await drive(a, 50, 8);
    expect(Buffer.concat(await pending).equals(bytes)).toBe(true);
    const restored = HostCore.fromState(DEFAULT_MARKET, engineAtCapture, bytes);
    expect(restored.lastSeq).toBe(captured.lastSeq);
    // the restored window answers retries exactly as the original did at capture time, and encodes the same
    expect(restored.stateBytes().equals(bytes)).toBe(true);
    for (let i = 250; i < 300; i++)
      for (let acc = 1; acc <= 4; acc++) {
        const key = `c7-${i}`;
        const want = repliesAtCapture.find((r) => r.account === acc && r.clientOrderId === key);
        expect(restored.priorOrder(acc, key)).toEqual(want);
      }
    await a.close();
  });

  it('drops a torn last record and keeps everything before it', async () => {
    const dir = dataDir();
    const a = open(dir);
    await funded(a);
    await drive(a, 50, 3);
    const before = state(a);
    await a.close();
    const seg = listSegments(dir).pop() as { file: string };
    const fd = openSync(seg.file, 'a');
    writeSync(fd, Buffer.from([200, 0, 0, 0, 1, 2, 3, 4, 123, 34])); // header of a 200-byte record + 2 bytes
    closeSync(fd);
    const b = open(dir);
    expect(b.recovery.tornBytes).toBe(10);
    expect(state(b)).toEqual(before);
    // appends continue cleanly after the cut
    await b.submit(deposit(9, 'USD', '1', 'after-tear'));
    await b.close();
    const c = open(dir);
    expect(c.recovery.tornBytes).toBe(0);
    expect(c.core.balances.get(9, 'USD').available).toBe(1n);
    await c.close();
  });
});
