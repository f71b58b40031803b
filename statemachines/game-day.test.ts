/**
 * Game day. Two real matching hosts ("us-east-1" primary, "us-west-2" standby with synchronous
 * journal replication) publish their order events to RabbitMQ; traders place orders without pause
 * through the functions' own host client (it routes to the active region, as the Lambdas do).
 * The primary is killed with SIGKILL mid-load and the failover runbook runs on the local Step
 * Functions endpoint. Then: orders resume on the standby; no acknowledged order is missing, on
 * the new primary or in the order-event stream; a host replaying the new primary's data from disk
 * reaches the same book checksum and balances; RTO and RPO are printed and within the bars
 * (RTO < 30 s, RPO 0). The old primary comes back, rejoins as standby, and the failback runbook
 * makes it primary again.
 */
import { SFNClient } from '@aws-sdk/client-sfn';
import * as amqp from 'amqplib';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFunctionsEnv, type FunctionsEnv } from '../test/support/functions-env';
import { GrpcMatchingHost } from '../functions/shared/adapters/grpc-matching-host';
import { matchingHost } from '../functions/shared/matching-host';
import { drOps } from '../functions/ops/wiring';
import { defaultTopology } from '../matching-host/proto/order-event-topology';
import { followExecution, type RunbookEnd } from '../scripts/dr';
import { spawnHost } from '../scripts/local/host-process';
import { startRegionHosts, type Region, type RegionHosts } from '../scripts/local/region-hosts';
import { until } from '../test/support/until';
import { testTlsOf } from '../test/support/host-tls';

const AMQP = 'amqp://guest:guest@127.0.0.1:5672';
const exchange = `order-events-gameday-${process.pid}-${Date.now()}`;
const dataDir = mkdtempSync(join(tmpdir(), 'game-day-'));
const TRADERS = 8;
const ACCOUNTS = 10;
let env: FunctionsEnv;
let hosts: RegionHosts;

interface Ack {
  account: number;
  clientOrderId: string;
  orderId: number;
  at: number;
}

/** Traders placing crossing orders without pause; a failed order is retried under the same clientOrderId until acknowledged. */
function startLoad(prefix: string): { acks: Ack[]; errors: number; stop: () => Promise<void> } {
  const acks: Ack[] = [];
  const state = { errors: 0, running: true };
  let n = 0;
  const trader = async (t: number): Promise<void> => {
    while (state.running) {
      const i = ++n;
      const account = 1 + ((t + i) % ACCOUNTS);
      const buy = i % 2 === 0;
      const clientOrderId = `${prefix}-${t}-${i}`;
      for (;;) {
        try {
          const r = await matchingHost('trading').placeOrder(account, {
            clientOrderId,
            symbol: 'BTC-USD',
            side: buy ? 'buy' : 'sell',
            type: 'limit',
            price: (42000 + (i % 11) - 5).toFixed(2),
            quantity: '0.01',
          });
          acks.push({ account, clientOrderId, orderId: r.orderId, at: Date.now() });
          break;
        } catch {
          state.errors++;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    }
  };
  const loops = Array.from({ length: TRADERS }, (_, t) => trader(t));
  return {
    acks,
    get errors() {
      return state.errors;
    },
    stop: async () => {
      state.running = false;
      await Promise.all(loops);
    },
  };
}

async function runbook(name: 'failover' | 'failback'): Promise<RunbookEnd> {
  const { executionArn } = await drOps(undefined).start(name, { reason: `game day: ${name}`, autoApprove: true }, 'ops-gameday', {
    requestId: 'game-day',
    ip: '127.0.0.1',
  });
  const sfn = new SFNClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    endpoint: env.stepFunctions.endpoint,
  });
  try {
    return await followExecution(sfn, executionArn, (line) => process.stdout.write(`[game day ${name}] ${line}\n`));
  } finally {
    sfn.destroy();
  }
}

const hostIn = (r: Region): GrpcMatchingHost =>
  new GrpcMatchingHost(hosts.addresses[r], testTlsOf('trading'), { deadlineMs: 2_000, retries: 0, breakAfter: 1_000 });

beforeAll(async () => {
  env = await startFunctionsEnv({ amqpExchange: exchange });
  hosts = await startRegionHosts({
    env: { KINESIS_STREAM: '', REDIS_URL: '', AMQP_URL: AMQP, AMQP_EXCHANGE: exchange, HOST_SNAPSHOT_INTERVAL_MS: '0' },
    dataDir,
  });
  Object.assign(process.env, {
    MATCHING_HOSTS: JSON.stringify(hosts.addresses),
    PRIMARY_REGION: 'us-east-1',
    DR_AUTO_APPROVE_ALLOWED: 'true',
  });
  for (let a = 1; a <= ACCOUNTS; a++) {
    await matchingHost('accounts').deposit(a, 'USD', '1000000000', `gd-usd-${a}`);
    await matchingHost('accounts').deposit(a, 'BTC', '100000', `gd-btc-${a}`);
  }
}, 120_000);

afterAll(async () => {
  await hosts?.stop();
  await env?.stop();
  const conn = await amqp.connect(AMQP);
  const ch = await conn.createChannel();
  const t = defaultTopology(exchange);
  for (const q of [...t.queues, t.deadLetterQueue]) await ch.deleteQueue(q);
  await ch.deleteExchange(t.exchange);
  await ch.deleteExchange(t.deadLetterExchange);
  await conn.close();
  rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

describe('game day', () => {
  it('kill -9 the primary under load, fail over, lose nothing acknowledged, fail back', async () => {
    const load = startLoad('gd');
    await until(
      'orders flowing',
      () => Promise.resolve(load.acks.length),
      (n) => n >= 500,
    );
    const killedAt = Date.now();
    const ackedBeforeKill = load.acks.length;
    await hosts.kill('us-east-1');

    const failover = await runbook('failover');
    process.stdout.write(`[game day] failover: ${JSON.stringify(failover)}\n`);
    expect(failover).toMatchObject({ status: 'SUCCEEDED', outcome: 'completed', rpo_orders: 0 });
    expect(failover.rto_s).toBeLessThan(30);

    // orders resume on the standby
    const firstAfter = await until(
      'orders on the new primary',
      () => Promise.resolve(load.acks.find((a) => a.at > killedAt)),
      (a) => a !== undefined,
    );
    const resumedAfterS = ((firstAfter?.at ?? 0) - killedAt) / 1000;
    await until(
      'more orders on the new primary',
      () => Promise.resolve(load.acks.filter((a) => a.at > killedAt).length),
      (n) => n >= 300,
    );
    await load.stop();
    process.stdout.write(
      `[game day] ${load.acks.length} orders acknowledged (${ackedBeforeKill} before the kill), ${load.errors} refused while the primary was gone; orders resumed ${resumedAfterS.toFixed(1)} s after the kill\n`,
    );
    expect(resumedAfterS).toBeLessThan(30);
    const west = hostIn('us-west-2');
    const w = await west.health();
    expect(w).toMatchObject({ role: 'primary', epoch: 2 });

    // no acknowledged order is missing: the new primary answers each one as a duplicate of itself
    for (const a of load.acks) {
      const r = await west.placeOrder(a.account, {
        clientOrderId: a.clientOrderId,
        symbol: 'BTC-USD',
        side: 'buy',
        type: 'limit',
        price: '42000.00',
        quantity: '0.01',
      });
      if (r.orderId !== a.orderId || !r.duplicate)
        throw new Error(`acknowledged order ${a.clientOrderId} (${a.orderId}) is missing: got ${JSON.stringify(r)}`);
    }
    // …nor from the order-event stream (at least once; messageId dedupes)
    const accepted = new Map<string, number>();
    const conn = await amqp.connect(AMQP);
    const ch = await conn.createChannel();
    const queue = defaultTopology(exchange).queues[0];
    await until(
      'every order event published',
      async () => {
        for (let m = await ch.get(queue, { noAck: true }); m; m = await ch.get(queue, { noAck: true })) {
          const e = JSON.parse(m.content.toString()) as { type: string; clientOrderId?: string; orderId?: number };
          if ((e.type === 'accepted' || e.type === 'rejected') && e.clientOrderId) accepted.set(`${e.clientOrderId}`, e.orderId ?? 0);
        }
        return load.acks.filter((a) => accepted.get(a.clientOrderId) !== a.orderId).length;
      },
      (missing) => missing === 0,
      60_000,
    );
    await conn.close();

    // the book and balances equal a replay of the new primary's snapshot and journal
    const copy = join(dataDir, 'replay');
    cpSync(join(dataDir, 'us-west-2'), copy, { recursive: true });
    rmSync(join(copy, 'role.json'), { force: true });
    const replay = await spawnHost({
      HOST_DATA_DIR: copy,
      HOST_ROLE: 'standby',
      KINESIS_STREAM: '',
      REDIS_URL: '',
      AMQP_URL: '',
      HOST_SNAPSHOT_INTERVAL_MS: '0',
    });
    const rc = new GrpcMatchingHost(`127.0.0.1:${replay.grpcPort}`, testTlsOf('trading'), { deadlineMs: 2_000 });
    try {
      const r = await rc.health();
      const now = await west.health();
      expect({ lastSeq: r.lastSeq, checksum: r.checksum }).toEqual({ lastSeq: now.lastSeq, checksum: now.checksum });
      for (let a = 1; a <= ACCOUNTS; a++) expect(await rc.balances(a)).toEqual(await west.balances(a));
    } finally {
      rc.close();
      await replay.stop();
    }

    // the old primary comes back, sees the newer primary, fences itself and catches up
    await hosts.start('us-east-1');
    const east = hostIn('us-east-1');
    await until(
      'the old primary following, caught up',
      () => Promise.all([east.health(), west.health()]),
      ([e, x]) => e.role === 'standby' && e.lastSeq === x.lastSeq && x.replicas === 1,
    );
    // failback under load too: a planned switch, so the primary is fenced and nothing is lost
    const during = startLoad('gd-back');
    await until(
      'orders before the failback',
      () => Promise.resolve(during.acks.length),
      (n) => n >= 200,
    );
    const failback = await runbook('failback');
    process.stdout.write(`[game day] failback: ${JSON.stringify(failback)}\n`);
    expect(failback).toMatchObject({ status: 'SUCCEEDED', outcome: 'completed', rpo_orders: 0 });
    expect(failback.rto_s).toBeLessThan(30);
    await until(
      'orders on east again',
      () => matchingHost('trading').health(),
      (h) => h.role === 'primary' && h.epoch === 3,
      10_000,
    );
    const switchedBack = Date.now();
    await until(
      'orders after the failback',
      () => Promise.resolve(during.acks.filter((a) => a.at > switchedBack + 1_000).length),
      (n) => n >= 100,
    );
    await during.stop();
    for (const a of [...load.acks, ...during.acks]) {
      const r = await east.placeOrder(a.account, {
        clientOrderId: a.clientOrderId,
        symbol: 'BTC-USD',
        side: 'buy',
        type: 'limit',
        price: '42000.00',
        quantity: '0.01',
      });
      if (r.orderId !== a.orderId || !r.duplicate)
        throw new Error(`acknowledged order ${a.clientOrderId} (${a.orderId}) is missing after the failback: got ${JSON.stringify(r)}`);
    }
    const back = await east.health();
    await until(
      'west following east, caught up',
      () => west.health(),
      (h) => h.role === 'standby' && h.lastSeq === back.lastSeq && h.checksum === back.checksum,
    );
    process.stdout.write(
      `[game day] failback under load: ${during.acks.length} orders acknowledged, ${during.errors} refused during the switch\n`,
    );
    process.stdout.write(
      `[game day] RTO/RPO: ${JSON.stringify({ failover: { rto_s: failover.rto_s, rpo_orders: failover.rpo_orders, orders_resumed_s: resumedAfterS }, failback: { rto_s: failback.rto_s, rpo_orders: failback.rpo_orders } })}\n`,
    );
    east.close();
    west.close();
  }, 240_000);
});
