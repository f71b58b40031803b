/**
 * The functions' matching-host client against a real host in a child process: calls, idempotent
 * retries (also of a cancel whose reply the network lost), the caller's mistakes as 400, and the
 * breaker failing fast (503 + Retry-After) once the host is gone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnHost, type HostProcess } from '../../../scripts/local/host-process';
import { GrpcMatchingHost } from './grpc-matching-host';
import { testTlsOf } from '../../../test/support/host-tls';
import { LossyProxy } from '../../../test/support/lossy-proxy';

let host: HostProcess;
let client: GrpcMatchingHost;
const dir = mkdtempSync(join(tmpdir(), 'grpc-client-test-'));

beforeAll(async () => {
  host = await spawnHost({ HOST_DATA_DIR: dir, KINESIS_STREAM: '', REDIS_URL: '', AMQP_URL: '' });
  client = new GrpcMatchingHost(`127.0.0.1:${host.grpcPort}`, testTlsOf('accounts'), {
    deadlineMs: 1_000,
    retries: 1,
    breakAfter: 2,
    halfOpenAfterMs: 30_000,
  });
}, 30_000);

afterAll(async () => {
  client.close();
  await host.kill();
  rmSync(dir, { recursive: true, force: true });
});

describe('GrpcMatchingHost', () => {
  it('deposits once per transfer id and reports balances', async () => {
    const first = await client.deposit(7, 'USD', '1000.50', 'dep-1');
    expect(first).toEqual({ transferId: 'dep-1', ok: true, reason: 'NONE', duplicate: false });
    expect((await client.deposit(7, 'USD', '1000.50', 'dep-1')).duplicate).toBe(true);
    expect(await client.balances(7)).toEqual([{ asset: 'USD', available: '1000.500000', held: '0.000000' }]);
    const tooMuch = await client.withdraw(7, 'USD', '5000', 'wd-1');
    expect(tooMuch).toMatchObject({ ok: false, reason: 'INSUFFICIENT_FUNDS' });
  });

  it("answers the caller's mistakes as 400 with the host's reason", async () => {
    await expect(client.deposit(7, 'DOGE', '1', 'dep-2')).rejects.toMatchObject({ status: 400, code: 'UNKNOWN_ASSET' });
  });

  it('answers a cancel, replace or cancel-all whose reply was lost as the first attempt did, not as a missing order', async () => {
    const proxy = await LossyProxy.start(host.grpcPort);
    const trader = new GrpcMatchingHost(`127.0.0.1:${proxy.port}`, testTlsOf('trading'), { deadlineMs: 2_000, retries: 2 });
    try {
      await client.deposit(8, 'USD', '100000', 'dep-lossy');
      const place = (cid: string): Promise<number> =>
        trader
          .placeOrder(8, { clientOrderId: cid, symbol: 'BTC-USD', side: 'buy', type: 'limit', price: '40000.00', quantity: '0.0010' })
          .then((o) => Number(o.orderId));
      const a = await place('lossy-a');
      proxy.loseNextReply();
      // the host canceled it, the reply never came, the adapter retried: the retry is answered as the first
      expect(await trader.cancelOrder(8, a)).toEqual([a]);
      const b = await place('lossy-b');
      proxy.loseNextReply();
      expect(await trader.replaceOrder(8, b, '40001.00', '0.0020')).toEqual([]);
      expect((await trader.getOrder(8, b))?.quantity).toBe('0.0020');
      proxy.loseNextReply();
      expect(await trader.cancelAll(8, 'BTC-USD')).toEqual([b]);
      expect(proxy.lost).toBe(3);
      expect(await trader.openOrders(8)).toEqual([]);
    } finally {
      trader.close();
      await proxy.close();
    }
  }, 20_000);

  it('promotes a host that came back on a channel that failed while it was down, where other calls fail at once', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'grpc-client-ready-'));
    const env = { HOST_DATA_DIR: dataDir, KINESIS_STREAM: '', REDIS_URL: '', AMQP_URL: '' };
    let h = await spawnHost({ ...env, HOST_ROLE: 'standby' });
    const address = `127.0.0.1:${h.grpcPort}`;
    const admin = new GrpcMatchingHost(address, testTlsOf('dr'), { deadlineMs: 8_000, retries: 0, breakAfter: 1_000 });
    try {
      expect((await admin.health()).role).toBe('standby');
      // the host goes away: its channel fails, and a probe says so at once
      await h.kill();
      await expect(admin.health()).rejects.toMatchObject({ status: 503 });
      // it comes back on the same address; the runbook promotes it on the channel that failed
      h = await spawnHost({ ...env, HOST_ROLE: 'standby', HOST_GRPC_ADDRESS: address });
      const t0 = Date.now();
      expect(await admin.promote(2)).toMatchObject({ role: 'primary', epoch: 2 });
      expect(Date.now() - t0).toBeLessThan(8_000);
    } finally {
      admin.close();
      await h.kill();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('fails fast with 503 and Retry-After once the breaker opens', async () => {
    await host.kill();
    for (let i = 0; i < 2; i++) await expect(client.balances(7)).rejects.toMatchObject({ status: 503 });
    const t0 = Date.now();
    await expect(client.balances(7)).rejects.toMatchObject({ status: 503, code: 'UNAVAILABLE', headers: { 'Retry-After': '30' } });
    // no connection attempt, no deadline to wait for
    expect(Date.now() - t0).toBeLessThan(200);
  });
});
