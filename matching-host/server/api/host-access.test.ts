/**
 * The matching host's trust boundary: whoever reaches its port gets nothing without a certificate
 * of the exchange's CA, and a certificate buys only its role's methods. Each test is named after
 * the threat it answers.
 */
import * as grpc from '@grpc/grpc-js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { call, connectHost, type MatchingHostClient, type UnaryMethod } from '../../proto/host-client';
import { clientConstructor } from '../../proto/matching-host-proto';
import { METHOD_ROLES, HOST_ROLES } from '../../proto/host-roles';
import type { TlsMaterial } from '../../proto/host-tls';
import { DEFAULT_MARKET } from '../../proto/market-config';
import { loadHostConfig } from '../config';
import { startHostRuntime, type HostRuntime } from '../runtime';
import { foreignCertificate } from '../../../scripts/local/host-ca';
import { refusalOf } from '../../../test/support/host-refusal';
import { connectTestHost, testTls } from '../../../test/support/host-tls';
import type { ReplicaAckMessage, ReplicationBatchMessage } from '../dr/replication-source';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const PEER = '127.0.0.1:1';

async function runtime(env: Record<string, string> = {}): Promise<HostRuntime> {
  const dir = mkdtempSync(join(tmpdir(), 'host-access-'));
  dirs.push(dir);
  const cfg = loadHostConfig({
    HOST_DATA_DIR: dir,
    HOST_GRPC_ADDRESS: '127.0.0.1:0',
    HOST_METRICS_ADDRESS: '127.0.0.1:0',
    HOST_TLS_DIR: process.env.HOST_TLS_DIR,
    HOST_PEER_ADDRESS: PEER,
    HOST_SNAPSHOT_INTERVAL_MS: '0',
    KINESIS_STREAM: '',
    REDIS_URL: '',
    AMQP_URL: '',
    ...env,
  });
  return startHostRuntime(cfg, DEFAULT_MARKET, pino({ level: 'silent' }));
}

const order = (account: number, clientOrderId: string): Record<string, unknown> => ({
  account,
  clientOrderId,
  symbol: 'BTC-USD',
  side: 'buy',
  type: 'limit',
  price: '42000.00',
  quantity: '0.0100',
});

describe('matching host access', () => {
  let rt: HostRuntime;
  let address: string;
  const clients: MatchingHostClient[] = [];
  const as = (tls: TlsMaterial): MatchingHostClient => {
    const c = connectHost(address, tls);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    rt = await runtime();
    address = `127.0.0.1:${rt.grpcPort}`;
    const admin = connectTestHost(address);
    clients.push(admin);
    await call(admin, 'Deposit', { account: 1, asset: 'USD', amount: '100000', transferId: 'fund-1' });
    await call(admin, 'Deposit', { account: 2, asset: 'USD', amount: '100000', transferId: 'fund-2' });
  });
  afterAll(async () => {
    clients.forEach((c) => c.close());
    await rt.stop();
  });

  it('refuses a client without a certificate before any method runs (PlaceOrder, Deposit, Fence, Replicate)', async () => {
    const Ctor = clientConstructor();
    const plain = new Ctor(address, grpc.credentials.createInsecure()) as unknown as MatchingHostClient;
    clients.push(plain);
    const before = rt.host.lastSeq;
    for (const [method, req] of [
      ['PlaceOrder', order(1, 'plain-1')],
      ['Deposit', { account: 1, asset: 'USD', amount: '1000000', transferId: 'plain-dep' }],
      ['Fence', { epoch: 2 }],
    ] as const)
      expect((await refusalOf(call(plain, method as UnaryMethod, req as never, 2_000))).code).toBe(grpc.status.UNAVAILABLE);
    const stream = (plain as unknown as { Replicate(): grpc.ClientDuplexStream<ReplicaAckMessage, ReplicationBatchMessage> }).Replicate();
    const got: unknown[] = [];
    stream.on('data', (m: unknown) => got.push(m));
    const ended = new Promise<grpc.StatusObject>((resolve) => stream.on('error', (e: grpc.ServiceError) => resolve(e)));
    stream.write({ fromSeq: 1, epoch: 1, durableSeq: 0, replicaId: 'thief', resync: false });
    expect((await ended).code).toBe(grpc.status.UNAVAILABLE);
    expect(got).toEqual([]);
    expect(rt.host.lastSeq).toBe(before);
    expect(rt.host.role).toBe('primary');
  });

  it('refuses a certificate of another CA, even one naming a role', async () => {
    const forged = foreignCertificate('accounts');
    // the attacker trusts our server (it has our CA's public certificate), but its own is not ours
    const c = as({ ...forged, ca: testTls('accounts').ca });
    const r = await refusalOf(call(c, 'Deposit', { account: 1, asset: 'USD', amount: '1000000', transferId: 'forged-dep' }, 2_000));
    expect(r.code).toBe(grpc.status.UNAVAILABLE);
  });

  it('lets each role call only its methods: a trading certificate cannot move money, fence a host or copy the journal', async () => {
    const trading = as(testTls('trading'));
    for (const [method, req] of [
      ['Deposit', { account: 1, asset: 'USD', amount: '1000000', transferId: 'trading-dep' }],
      ['Withdraw', { account: 1, asset: 'USD', amount: '1', transferId: 'trading-wd' }],
      ['Fence', { epoch: 2 }],
      ['Promote', { epoch: 2 }],
      ['HaltSymbol', { symbol: 'BTC-USD' }],
    ] as const)
      expect(await refusalOf(call(trading, method as UnaryMethod, req as never))).toEqual({
        code: grpc.status.PERMISSION_DENIED,
        reason: 'ROLE_NOT_ALLOWED',
      });
    const dr = as(testTls('dr'));
    expect((await refusalOf(call(dr, 'PlaceOrder', order(1, 'dr-1')))).reason).toBe('ROLE_NOT_ALLOWED');
    expect((await refusalOf(call(dr, 'GetBalances', { account: 1 }))).reason).toBe('ROLE_NOT_ALLOWED');
    const accounts = as(testTls('accounts'));
    expect((await refusalOf(call(accounts, 'PlaceOrder', order(1, 'acc-1')))).reason).toBe('ROLE_NOT_ALLOWED');
    // and each role's own methods work
    await call(trading, 'PlaceOrder', order(1, 'trading-1'));
    await call(accounts, 'GetBalances', { account: 1 });
    expect(rt.host.role).toBe('primary');
  });

  it('names every method for the roles that need it and no role for all of them', () => {
    for (const role of HOST_ROLES) {
      const allowed = Object.entries(METHOD_ROLES).filter(([, roles]) => roles.includes(role));
      expect(allowed.length).toBeLessThan(Object.keys(METHOD_ROLES).length);
    }
    expect(METHOD_ROLES.Replicate).toEqual(['host']);
    expect(METHOD_ROLES.Deposit).toEqual(['accounts']);
  });

  it('refuses the epoch bomb: a Fence to 2^53-1 would leave no epoch for any later promotion', async () => {
    const dr = as(testTls('dr'));
    const bomb = await refusalOf(call(dr, 'Fence', { epoch: 2 ** 53 - 1 }));
    expect(bomb.code).toBe(grpc.status.INVALID_ARGUMENT);
    const far = await refusalOf(call(dr, 'Fence', { epoch: rt.host.epoch + 17 }));
    expect(far).toEqual({ code: grpc.status.INVALID_ARGUMENT, reason: 'EPOCH_OUT_OF_RANGE' });
    expect(rt.host).toMatchObject({ role: 'primary', epoch: 1 });
  });

  it('refuses to follow any address but the configured peer (a snapshot of any balances from an attacker)', async () => {
    const dr = as(testTls('dr'));
    const r = await refusalOf(call(dr, 'Fence', { epoch: 2, replicateFrom: '127.0.0.1:6666', resync: true }));
    expect(r).toEqual({ code: grpc.status.INVALID_ARGUMENT, reason: 'UNKNOWN_PEER' });
    expect(rt.host).toMatchObject({ role: 'primary', epoch: 1 });
  });

  it('refuses to cancel another account’s order exactly as a missing one, journaling nothing', async () => {
    const trading = as(testTls('trading'));
    const theirs = await call(trading, 'PlaceOrder', order(2, 'secret-label'));
    const before = rt.host.lastSeq;
    const foreign = await refusalOf(call(trading, 'CancelOrder', { account: 1, orderId: theirs.orderId }));
    const missing = await refusalOf(call(trading, 'CancelOrder', { account: 1, orderId: theirs.orderId + 1_000_000 }));
    expect(foreign).toEqual({ code: grpc.status.INVALID_ARGUMENT, reason: 'UNKNOWN_ORDER' });
    expect(missing).toEqual(foreign);
    // nothing journaled, so no rejected event (naming the owner's label) under the caller's account
    expect(rt.host.lastSeq).toBe(before);
    expect(await call(trading, 'GetOrder', { account: 2, orderId: theirs.orderId })).toMatchObject({ clientOrderId: 'secret-label' });
  });

  it('detaches a replica that acknowledges what it was never sent (synchronous replication proves nothing otherwise)', async () => {
    const host = as(testTls('host'));
    const stream = (host as unknown as { Replicate(): grpc.ClientDuplexStream<ReplicaAckMessage, ReplicationBatchMessage> }).Replicate();
    const batches: ReplicationBatchMessage[] = [];
    stream.on('data', (m: ReplicationBatchMessage) => batches.push(m));
    const ended = new Promise<grpc.StatusObject>((resolve) => stream.on('error', (e: grpc.ServiceError) => resolve(e)));
    stream.write({ fromSeq: 1, epoch: 1, durableSeq: 0, replicaId: 'liar', resync: false });
    for (let i = 0; i < 100 && batches.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    const sent = Math.max(...batches.map((b) => Number(b.lastSeq ?? 0)));
    expect(sent).toBe(rt.host.lastSeq);
    stream.write({ fromSeq: 0, epoch: 0, durableSeq: sent + 1_000, replicaId: 'liar', resync: false });
    expect((await ended).code).toBe(grpc.status.PERMISSION_DENIED);
    const health = await call(as(testTls('dr')), 'Health', {});
    expect(health.replicas).toBe(0);
    expect(health.replicatedSeq).toBeLessThanOrEqual(rt.host.lastSeq);
  });
});

describe('matching host without simulated funding', () => {
  it('refuses Deposit when the stage has no simulated funding, even from the accounts role', async () => {
    const rt = await runtime({ HOST_DEPOSITS: 'off' });
    const c = connectHost(`127.0.0.1:${rt.grpcPort}`, testTls('accounts'));
    try {
      const r = await refusalOf(call(c, 'Deposit', { account: 1, asset: 'USD', amount: '100', transferId: 'no-funding' }));
      expect(r).toEqual({ code: grpc.status.FAILED_PRECONDITION, reason: 'DEPOSITS_DISABLED' });
      expect(rt.host.lastSeq).toBe(0);
    } finally {
      c.close();
      await rt.stop();
    }
  });

  it('switches deposits off by default on every stage but local', () => {
    expect(loadHostConfig({ STAGE: 'prod', AMQP_URL: '' }).HOST_DEPOSITS).toBe('off');
    expect(loadHostConfig({}).HOST_DEPOSITS).toBe('on');
  });
});
