/**
 * Roles end to end through the handlers: admin routes need admin, ops routes need ops (OWASP
 * API5:2023 Broken Function Level Authorization); a role change ends the user's sessions and is
 * audited. Real PostgreSQL, Redis, DynamoDB (dynalite) and a matching host process.
 */
import { invoke } from '../../test/support/api-event';
import { startFunctionsEnv, type FunctionsEnv } from '../../test/support/functions-env';
import { dynamo } from '../shared/aws';
import { hostStatus } from '../ops/ops-handlers';
import { DynamoAuditLog } from '../shared/adapters/dynamo-audit-log';
import { LastAdminError } from '../shared/ports/user-store';
import { userStore } from '../shared/users';
import type { Caller } from '../shared/caller';
import { getUser, listUsers, setRoles } from './admin-handlers';
import { AccessTokens } from './access-tokens';
import { RedisSessionStore } from '../shared/adapters/redis-session-store';
import { config } from '../shared/config';
import { redis } from '../shared/redis';
import { authenticate } from './authorizer-handlers';
import { authService } from './wiring';

let env: FunctionsEnv;
const password = 'correct horse battery staple';
const stamp = Date.now();
let admin: Caller;
let trader: Caller;
let traderToken: string;

async function signUp(name: string): Promise<{ caller: Caller; token: string; email: string }> {
  const auth = await authService();
  const email = `${name}.${stamp}@example.com`;
  await auth.register(email, password);
  const login = await auth.login(email, password);
  if (!('accessToken' in login)) throw new Error('expected tokens');
  const claims = await authenticate(login.accessToken);
  if (!claims) throw new Error('expected a live session');
  return { caller: { userId: claims.userId, roles: claims.roles, accountNo: claims.accountNo }, token: login.accessToken, email };
}

beforeAll(async () => {
  env = await startFunctionsEnv({ host: true });
  const a = await signUp('admin');
  await userStore().setRoles(a.caller.userId, ['admin', 'trader']);
  admin = { ...a.caller, roles: ['admin', 'trader'] };
  const t = await signUp('trader');
  trader = t.caller;
  traderToken = t.token;
}, 60_000);

afterAll(() => env.stop());

describe('admin routes', () => {
  it('refuse a trader (OWASP API5:2023)', async () => {
    expect(await invoke(listUsers, { caller: trader })).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    expect(await invoke(getUser, { caller: trader, path: { userId: admin.userId } })).toMatchObject({ status: 403 });
    expect(await invoke(setRoles, { caller: trader, path: { userId: trader.userId }, body: { roles: ['admin'] } })).toMatchObject({
      status: 403,
    });
    expect((await authService().then((s) => s.profile(trader.userId))).roles).toEqual(['trader']);
  });

  it('list and read users for an admin, paged', async () => {
    const first = await invoke<{ items: { userId: string }[]; nextCursor?: string }>(listUsers, { caller: admin, query: { limit: '1' } });
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(1);
    const second = await invoke<{ items: { userId: string }[]; nextCursor?: string }>(listUsers, {
      caller: admin,
      query: { limit: '1', cursor: first.body.nextCursor ?? '' },
    });
    expect(second.body.items[0].userId).not.toBe(first.body.items[0].userId);
    expect(await invoke(getUser, { caller: admin, path: { userId: trader.userId } })).toMatchObject({
      status: 200,
      body: { roles: ['trader'], mfaEnabled: false },
    });
    expect(await invoke(getUser, { caller: admin, path: { userId: '00000000-0000-4000-8000-000000000000' } })).toMatchObject({
      status: 404,
    });
  });

  it('change roles: the user’s sessions end, the change is audited, and the next login carries the new roles', async () => {
    expect(await authenticate(traderToken)).toBeDefined();
    const r = await invoke(setRoles, { caller: admin, path: { userId: trader.userId }, body: { roles: ['trader', 'ops'] } });
    expect(r).toMatchObject({ status: 200, body: { roles: ['ops', 'trader'], sessionsRevoked: 1 } });
    expect(await authenticate(traderToken)).toBeUndefined();
    const audit = await new DynamoAuditLog(dynamo(), 'exchange-local-audit').recent(trader.userId, 10);
    expect(audit[0]).toMatchObject({ action: 'roles.change', actorId: admin.userId, details: { from: 'trader', to: 'ops,trader' } });
    // a login that read the old roles before the change and started its session after it
    const tokens = await AccessTokens.fromConfig(config());
    const late = await new RedisSessionStore(redis()).start(trader.userId, 3600);
    const stale = await tokens.sign({ ...trader, roles: ['trader'], sessionId: late.familyId, rolesVersion: 0, amr: ['pwd'] });
    expect(await authenticate(stale)).toBeUndefined();
    expect(
      await authenticate(
        await tokens.sign({ ...trader, roles: ['ops', 'trader'], sessionId: late.familyId, rolesVersion: 1, amr: ['pwd'] }),
      ),
    ).toBeDefined();
    const again = await (await authService()).login(`trader.${stamp}@example.com`, password);
    if (!('accessToken' in again)) throw new Error('expected tokens');
    expect((await authenticate(again.accessToken))?.roles).toEqual(['ops', 'trader']);
  });

  it('refuse an admin removing their own admin role, and roles that do not exist', async () => {
    expect(await invoke(setRoles, { caller: admin, path: { userId: admin.userId }, body: { roles: ['trader'] } })).toMatchObject({
      status: 409,
      body: { code: 'LAST_WAY_IN' },
    });
    // however the id is spelled
    expect(
      await invoke(setRoles, { caller: admin, path: { userId: admin.userId.toUpperCase() }, body: { roles: ['trader'] } }),
    ).toMatchObject({ status: 409 });
    // nor any other way (npm run users:grant goes to the store directly)
    await expect(userStore().setRoles(admin.userId, ['trader'])).rejects.toBeInstanceOf(LastAdminError);
    expect((await userStore().findById(admin.userId))?.roles).toEqual(['admin', 'trader']);
    expect(await invoke(setRoles, { caller: admin, path: { userId: trader.userId }, body: { roles: ['root'] } })).toMatchObject({
      status: 400,
    });
    expect(await invoke(setRoles, { caller: admin, path: { userId: trader.userId }, body: { roles: [] } })).toMatchObject({ status: 400 });
  });
});

describe('ops routes', () => {
  it('show the matching host to ops only', async () => {
    expect(await invoke(hostStatus, { caller: trader })).toMatchObject({ status: 403 });
    expect(await invoke(hostStatus, { caller: admin })).toMatchObject({ status: 403 });
    const r = await invoke(hostStatus, { caller: { ...trader, roles: ['ops'] } });
    expect(r).toMatchObject({
      status: 200,
      body: { role: 'primary', epoch: expect.any(Number) as number, checksum: expect.any(String) as string },
    });
  });
});
