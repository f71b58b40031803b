/**
 * The auth routes as a developer reaches them: `serverless offline` (API Gateway + Lambda
 * emulation, esbuild bundles, the request authorizer) in a child process, against a throwaway
 * PostgreSQL database and the machine's Redis.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { ensureDevSecrets } from '../../scripts/local/dev-secrets';
import { testDatabase, type TestEnv } from '../support/test-env';

const ROOT = join(__dirname, '..', '..');
const PORT = 3310;
const base = `http://127.0.0.1:${PORT}`;
let db: TestEnv;
let offline: ChildProcess;

async function startOffline(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(process.execPath, [join(ROOT, 'node_modules', 'serverless', 'bin', 'serverless.js'), 'offline', 'start', '--stage', 'local',
    '--httpPort', String(PORT), '--lambdaPort', String(PORT + 1), '--websocketPort', String(PORT + 2)], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serverless offline did not start:\n${out}`)), 90_000);
    const onData = (d: Buffer): void => {
      out += d.toString();
      if (out.includes('Server ready')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => reject(new Error(`serverless offline exited with ${code}:\n${out}`)));
  });
  return child;
}

beforeAll(async () => {
  db = await testDatabase();
  await ensureDevSecrets();
  offline = await startOffline({ ...process.env, DATABASE_URL: db.databaseUrl, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' });
}, 120_000);

afterAll(async () => {
  offline?.kill('SIGINT');
  await new Promise((r) => setTimeout(r, 500));
  offline?.kill('SIGKILL');
  await db?.drop();
});

async function call(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const r = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, headers: r.headers };
}

describe('auth through serverless offline', () => {
  const email = `offline.${Date.now()}@example.com`;
  const password = 'correct horse battery staple';

  it('registers, logs in, reaches a protected route, refreshes and logs out', async () => {
    const reg = await call('POST', '/v1/auth/register', { email, password });
    expect(reg.status).toBe(201);
    expect(reg.headers.get('x-content-type-options')).toBe('nosniff');
    const login = await call('POST', '/v1/auth/login', { email, password });
    expect(login.status).toBe(200);
    const me = await call('GET', '/v1/auth/me', undefined, login.body.accessToken as string);
    expect(me).toMatchObject({ status: 200, body: { email, roles: ['trader'], accountNo: reg.body.accountNo } });
    const next = await call('POST', '/v1/auth/refresh', { refreshToken: login.body.refreshToken });
    expect(next.status).toBe(200);
    expect((await call('POST', '/v1/auth/logout', { refreshToken: next.body.refreshToken })).status).toBe(204);
    // the access token of a logged-out session no longer passes the authorizer
    expect((await call('GET', '/v1/auth/me', undefined, next.body.accessToken as string)).status).toBe(401);
  });

  it('answers bad input with a 4xx and the error shape, never a 5xx', async () => {
    expect(await call('POST', '/v1/auth/login', '{"email":')).toMatchObject({ status: 400, body: { code: 'MALFORMED_JSON', requestId: expect.any(String) as string } });
    expect(await call('POST', '/v1/auth/register', { email, password: 'short' })).toMatchObject({ status: 400, body: { code: 'VALIDATION_ERROR' } });
    expect((await call('GET', '/v1/auth/me')).status).toBe(401);
    expect((await call('GET', '/v1/auth/me', undefined, 'a.b.c')).status).toBe(401);
  });
});
