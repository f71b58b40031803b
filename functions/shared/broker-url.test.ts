import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brokerUrl } from './broker-url';
import { loadConfig } from './config';
import { forgetSecrets } from './secret-store';

const dir = mkdtempSync(join(tmpdir(), 'broker-url-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => forgetSecrets());

describe('brokerUrl', () => {
  it('is AMQP_URL as given without a broker secret (the local stack)', async () => {
    expect(await brokerUrl(loadConfig({ STAGE: 'local', AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672' }))).toBe(
      'amqp://guest:guest@127.0.0.1:5672',
    );
  });

  it('adds the credentials read at run time to the address in the environment (AWS), escaped', async () => {
    const file = join(dir, 'broker.json');
    writeFileSync(file, JSON.stringify({ username: 'exchange', password: 'p@ss/word' }));
    const cfg = loadConfig({ STAGE: 'local', AMQP_URL: 'amqps://b-1.mq.us-east-1.amazonaws.com:5671', BROKER_SECRET: `file:${file}` });
    expect(await brokerUrl(cfg)).toBe('amqps://exchange:p%40ss%2Fword@b-1.mq.us-east-1.amazonaws.com:5671');
  });

  it('refuses a secret without a password', async () => {
    const file = join(dir, 'half.json');
    writeFileSync(file, JSON.stringify({ username: 'exchange' }));
    const cfg = loadConfig({ STAGE: 'local', AMQP_URL: 'amqps://b-1.example:5671', BROKER_SECRET: `file:${file}` });
    await expect(brokerUrl(cfg)).rejects.toThrow(/no username and password/);
  });
});
