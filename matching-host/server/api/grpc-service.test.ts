/** gRPC round trips against a real server (in-process) and a crash test against a child-process host. */
import * as grpc from '@grpc/grpc-js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call, type MatchingHostClient as Client } from '../../proto/host-client';
import { startGrpcServer } from './grpc-service';
import { spawnHost } from '../../../scripts/local/host-process';
import { MatchingHost } from '../host';
import { DEFAULT_MARKET } from '../../proto/market-config';
import { refusalOf } from '../../../test/support/host-refusal';
import { connectTestHost, testTls } from '../../../test/support/host-tls';

const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'grpc-test-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('gRPC service', () => {
  let host: MatchingHost;
  let server: grpc.Server;
  let client: Client;

  beforeAll(async () => {
    host = MatchingHost.open({ dataDir: tmp(), market: DEFAULT_MARKET });
    const s = await startGrpcServer(host, '127.0.0.1:0', testTls('host'), { deposits: true, peers: [] });
    server = s.server;
    client = connectTestHost(`127.0.0.1:${s.port}`);
  });
  afterAll(async () => {
    client.close();
    await new Promise<void>((r) => server.tryShutdown(() => r()));
    await host.close();
  });

  const place = (extra: Record<string, unknown>): Record<string, unknown> => ({
    account: 1,
    clientOrderId: `c-${Math.random().toString(36).slice(2)}`,
    symbol: 'BTC-USD',
    side: 'buy',
    type: 'limit',
    price: '42000.00',
    quantity: '0.0100',
    ...extra,
  });

  it('deposits, places, trades, reports balances, book, open orders; idempotent repeats', async () => {
    expect(await call(client, 'Deposit', { account: 1, asset: 'USD', amount: '1000000', transferId: 'dep-1' })).toMatchObject({
      ok: true,
      duplicate: false,
    });
    expect(await call(client, 'Deposit', { account: 1, asset: 'USD', amount: '1000000', transferId: 'dep-1' })).toMatchObject({
      ok: true,
      duplicate: true,
    });
    await call(client, 'Deposit', { account: 2, asset: 'BTC', amount: '2.5', transferId: 'dep-2' });
    const bid = await call(client, 'PlaceOrder', place({ clientOrderId: 'bid-1', price: '41000.00', quantity: '0.5000' }));
    expect(bid).toMatchObject({ status: 'OPEN', price: '41000.00', quantity: '0.5000', leaves: '0.5000', duplicate: false });
    expect(await call(client, 'PlaceOrder', place({ clientOrderId: 'bid-1', price: '41000.00', quantity: '0.5000' }))).toMatchObject({
      orderId: bid.orderId,
      duplicate: true,
    });
    const ask = await call(
      client,
      'PlaceOrder',
      place({ account: 2, clientOrderId: 'ask-1', side: 'sell', price: '41000.00', quantity: '0.2000' }),
    );
    expect(ask).toMatchObject({
      status: 'FILLED',
      filled: '0.2000',
      fills: [{ price: '41000.00', quantity: '0.2000', counterOrderId: bid.orderId, liquidity: 'taker' }],
    });
    const balances = await call(client, 'GetBalances', { account: 1 });
    expect(balances.balances).toEqual(
      expect.arrayContaining([
        { asset: 'USD', available: '979500.000000', held: '12300.000000' },
        { asset: 'BTC', available: '0.20000000', held: '0.00000000' },
      ]),
    );
    const book = await call(client, 'GetBook', { symbol: 'BTC-USD', depth: 5 });
    expect(book).toMatchObject({ bids: [{ price: '41000.00', quantity: '0.3000', orders: 1 }], asks: [] });
    const open = await call(client, 'ListOpenOrders', {
      account: 1,
    });
    expect(open.orders).toEqual([expect.objectContaining({ orderId: bid.orderId, clientOrderId: 'bid-1', leaves: '0.3000' })]);
    expect(await refusalOf(call(client, 'GetOrder', { account: 2, orderId: bid.orderId }))).toEqual({
      code: grpc.status.INVALID_ARGUMENT,
      reason: 'UNKNOWN_ORDER',
    });
    expect(await call(client, 'ReplaceOrder', { account: 1, orderId: bid.orderId, price: '41000.00', quantity: '0.4000' })).toMatchObject({
      canceled: [],
    });
    expect(await call(client, 'CancelOrder', { account: 1, orderId: bid.orderId })).toMatchObject({ canceled: [bid.orderId] });
    const after = await call(client, 'GetBalances', { account: 1 });
    expect(after.balances.find((b) => b.asset === 'USD')?.held).toBe('0.000000');
  });

  it('refuses overdraft with INSUFFICIENT_FUNDS and withdrawals beyond the balance', async () => {
    const r = await call(client, 'PlaceOrder', place({ account: 7, clientOrderId: 'poor' }));
    expect(r).toMatchObject({ status: 'REJECTED', reason: 'INSUFFICIENT_FUNDS' });
    expect(await call(client, 'Withdraw', { account: 7, asset: 'USD', amount: '1.00', transferId: 'w-1' })).toMatchObject({
      ok: false,
      reason: 'INSUFFICIENT_FUNDS',
    });
  });

  it.each([
    ['bad decimal', place({ price: '42,000' }), 'INVALID_DECIMAL'],
    ['too many decimals', place({ price: '42000.001' }), 'TOO_MANY_DECIMALS'],
    ['unknown symbol', place({ symbol: 'DOGE-USD' }), 'UNKNOWN_SYMBOL'],
    ['bad side', place({ side: 'hold' }), 'INVALID_REQUEST'],
    ['missing client order id', place({ clientOrderId: '' }), 'INVALID_REQUEST'],
    ['account 0', place({ account: 0 }), 'INVALID_REQUEST'],
    ['limit without price', place({ price: '' }), 'INVALID_PRICE'],
  ])('answers INVALID_ARGUMENT for %s, journaling nothing', async (_name, req, reason) => {
    const seq = host.lastSeq;
    expect(await refusalOf(call(client, 'PlaceOrder', req))).toEqual({ code: grpc.status.INVALID_ARGUMENT, reason });
    expect(host.lastSeq).toBe(seq);
  });

  it('halts and resumes a symbol; health reports role, epoch, sequence and checksum; fencing refuses orders', async () => {
    await call(client, 'HaltSymbol', { symbol: 'ETH-USD' });
    await call(client, 'Deposit', { account: 3, asset: 'USD', amount: '100', transferId: 'd3' });
    expect(await call(client, 'PlaceOrder', place({ account: 3, symbol: 'ETH-USD', price: '3000.00', quantity: '0.01' }))).toMatchObject({
      status: 'REJECTED',
      reason: 'SYMBOL_HALTED',
    });
    await call(client, 'ResumeSymbol', { symbol: 'ETH-USD' });
    const h = await call(client, 'Health', {});
    expect(h).toMatchObject({ role: 'primary', epoch: 1, lastSeq: host.lastSeq, checksum: host.core.engine.checksum() });
    await call(client, 'Fence', { epoch: 2 });
    await expect(call(client, 'PlaceOrder', place({ account: 3 }))).rejects.toMatchObject({ code: grpc.status.FAILED_PRECONDITION });
    expect(await call(client, 'Promote', { epoch: 3 })).toMatchObject({ role: 'primary', epoch: 3 });
  });
});

describe('crash safety (child-process host, kill -9 under load)', () => {
  it('loses no acknowledged command across repeated kill -9, and recovers deterministically', async () => {
    const dir = tmp();
    const acked = new Map<string, { orderId: number; status: string }>();
    let deposited = false;
    for (let round = 0; round < 3; round++) {
      // downstreams off: this is about the journal
      const child = await spawnHost({ HOST_DATA_DIR: dir, HOST_SNAPSHOT_EVERY: '150', KINESIS_STREAM: '', REDIS_URL: '', AMQP_URL: '' });
      const client = connectTestHost(`127.0.0.1:${child.grpcPort}`);
      // everything acknowledged before is still there, with the same id
      for (const [cid, o] of acked) {
        const again = await call(client, 'PlaceOrder', {
          account: 1 + (Number(cid.split('-')[2]) % 3),
          clientOrderId: cid,
          symbol: 'BTC-USD',
          side: 'buy',
          type: 'limit',
          price: '42000.00',
          quantity: '0.0001',
        });
        expect(again).toMatchObject({ orderId: o.orderId, duplicate: true });
      }
      if (!deposited) {
        for (let a = 1; a <= 3; a++) {
          await call(client, 'Deposit', { account: a, asset: 'USD', amount: '100000000', transferId: `d${a}` });
          await call(client, 'Deposit', { account: a, asset: 'BTC', amount: '1000', transferId: `b${a}` });
        }
        deposited = true;
      }
      // concurrent load, killed mid-flight
      let n = 0;
      const inflight: Promise<void>[] = [];
      for (let w = 0; w < 8; w++)
        inflight.push(
          (async () => {
            for (;;) {
              const i = n++;
              const cid = `r${round}-w${w}-${i}`;
              const account = 1 + (i % 3);
              try {
                const r = await call(client, 'PlaceOrder', {
                  account,
                  clientOrderId: cid,
                  symbol: 'BTC-USD',
                  side: i % 2 ? 'buy' : 'sell',
                  type: 'limit',
                  price: (42000 + (i % 40) - 20).toFixed(2),
                  quantity: '0.0010',
                });
                acked.set(cid, { orderId: r.orderId, status: r.status });
              } catch {
                return; // the host died under us: not acknowledged, nothing promised
              }
            }
          })(),
        );
      await new Promise((r) => setTimeout(r, 400 + round * 150));
      await child.kill();
      await Promise.all(inflight);
      client.close();
    }
    expect(acked.size).toBeGreaterThan(50);
    // final recovery in-process: every acknowledged order is there, and recovering twice agrees
    const recovered = MatchingHost.open({ dataDir: dir, market: DEFAULT_MARKET });
    for (const [cid, o] of acked) expect(recovered.core.priorOrder(1 + (Number(cid.split('-')[2]) % 3), cid)?.orderId).toBe(o.orderId);
    const first = { seq: recovered.lastSeq, checksum: recovered.recovery.checksum, usd: recovered.core.balances.total('USD') };
    await recovered.close();
    const again = MatchingHost.open({ dataDir: dir, market: DEFAULT_MARKET });
    expect({ seq: again.lastSeq, checksum: again.recovery.checksum, usd: again.core.balances.total('USD') }).toEqual(first);
    expect(first.usd).toBe(3n * 100_000_000n * 1_000_000n); // deposits only: trades move USD, never create it
    await again.close();
  }, 60_000);
});
