/** The assembled host in-process: configuration errors, /health and /metrics, graceful stop with snapshot. */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadHostConfig, marketDataStreamFor } from './config';
import { serviceNames } from '../../scripts/local/dynamo-tables';
import { call } from '../proto/host-client';
import { DEFAULT_MARKET } from '../proto/market-config';
import { startHostRuntime } from './runtime';
import { connectTestHost } from '../../test/support/host-tls';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('configuration', () => {
  it('names every bad setting in one error', () => {
    expect(() => loadHostConfig({ HOST_ROLE: 'leader', HOST_EPOCH: '0', HOST_METRICS_ADDRESS: 'nope' })).toThrow(
      /HOST_METRICS_ADDRESS: expected host:port[\s\S]*HOST_ROLE[\s\S]*HOST_EPOCH/,
    );
  });

  it('fills defaults', () => {
    expect(loadHostConfig({})).toMatchObject({
      HOST_GRPC_ADDRESS: '127.0.0.1:50051',
      HOST_METRICS_ADDRESS: '127.0.0.1:9464',
      HOST_ROLE: 'primary',
      KINESIS_STREAM: 'exchange-local-market-data',
    });
  });

  it('publishes to its stage’s own stream, named as serverless.yml names it, unless told otherwise', () => {
    expect(loadHostConfig({ STAGE: 'prod', AMQP_URL: '' }).KINESIS_STREAM).toBe('exchange-prod-market-data');
    expect(marketDataStreamFor('prod')).toBe(serviceNames('prod').marketDataStream);
    expect(marketDataStreamFor('local')).toBe(serviceNames('local').marketDataStream);
    expect(loadHostConfig({ KINESIS_STREAM: 'other' }).KINESIS_STREAM).toBe('other');
    // empty: no Kinesis publisher
    expect(loadHostConfig({ KINESIS_STREAM: '' }).KINESIS_STREAM).toBe('');
  });
});

describe('host runtime', () => {
  it('serves health and metrics, and snapshots on a graceful stop', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runtime-test-'));
    dirs.push(dir);
    const cfg = loadHostConfig({
      HOST_DATA_DIR: dir,
      HOST_GRPC_ADDRESS: '127.0.0.1:0',
      HOST_TLS_DIR: process.env.HOST_TLS_DIR,
      HOST_METRICS_ADDRESS: '127.0.0.1:0',
      KINESIS_STREAM: '',
      REDIS_URL: '',
      AMQP_URL: '',
    });
    const rt = await startHostRuntime(cfg, DEFAULT_MARKET, pino({ level: 'silent' }));
    const base = `http://127.0.0.1:${rt.metricsPort}`;
    try {
      expect(await (await fetch(`${base}/health`)).json()).toMatchObject({ status: 'ok', role: 'primary', epoch: 1 });
      const client = connectTestHost(`127.0.0.1:${rt.grpcPort}`);
      await call(client, 'Deposit', { account: 1, asset: 'USD', amount: '100', transferId: 't1' });
      await call(client, 'PlaceOrder', {
        account: 1,
        clientOrderId: 'c1',
        symbol: 'BTC-USD',
        side: 'buy',
        type: 'limit',
        price: '42000.00',
        quantity: '0.001',
      });
      await call(client, 'PlaceOrder', {
        account: 1,
        clientOrderId: 'c2',
        symbol: 'BTC-USD',
        side: 'buy',
        type: 'limit',
        price: '42000.00',
        quantity: '0.1',
      });
      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).toMatch(/exchange_host_commands_total\{type="place",result="accepted"\} 1/);
      expect(metrics).toMatch(/exchange_host_commands_total\{type="place",result="rejected:INSUFFICIENT_FUNDS"\} 1/);
      expect(metrics).toMatch(/exchange_host_journal_fsync_seconds_count [1-9]/);
      expect(metrics).toMatch(/exchange_host_book_levels\{symbol="BTC-USD",side="bid"\} 1/);
      expect(metrics).toMatch(/exchange_host_last_sequence 3/);
      // what the AWS alarms watch (resources/operations.yml): up, and no standby here, so nothing to lag
      expect(metrics).toMatch(/exchange_host_up 1/);
      expect(metrics).toMatch(/exchange_host_replicas 0/);
      expect(metrics).toMatch(/exchange_host_replication_lag_commands 0/);
      expect(metrics).toMatch(/exchange_host_unreplicated_acks \d+/);
      await call(client, 'Fence', { epoch: 2 });
      const fenced = await fetch(`${base}/health`);
      expect(fenced.status).toBe(503);
      expect(await fenced.json()).toMatchObject({ status: 'standby', epoch: 2 });
      expect((await fetch(`${base}/nope`)).status).toBe(404);
      client.close();
    } finally {
      await rt.stop({ snapshot: true });
    }
    expect(readdirSync(dir).filter((f) => f.startsWith('snapshot-'))).toEqual(['snapshot-0000000000000003.bin']);
  });
});
