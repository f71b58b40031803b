/**
 * `npm run users:grant -- <email> <role> [<role>…]`: set a user's roles directly in the database.
 * The way to make the first admin (after that, admins use PUT /v1/admin/users/{id}/roles). The
 * user's sessions end, so their next login carries the new roles.
 */
import { config } from '../functions/shared/config';
import { userStore } from '../functions/shared/users';
import { RedisSessionStore } from '../functions/shared/adapters/redis-session-store';
import { closePool } from '../functions/shared/db/pool';
import type { Role } from '../functions/shared/ports/user-store';
import { closeRedis, redis } from '../functions/shared/redis';

const ROLES: readonly Role[] = ['trader', 'ops', 'admin'];

async function main(): Promise<void> {
  const [email, ...roles] = process.argv.slice(2);
  if (!email || roles.length === 0 || roles.some((r) => !ROLES.includes(r as Role))) {
    throw new Error(`usage: npm run users:grant -- <email> <${ROLES.join('|')}>…`);
  }
  const users = userStore();
  const user = await users.findByEmail(email);
  if (!user) throw new Error(`no user ${email}`);
  const updated = await users.setRoles(user.id, [...new Set(roles as Role[])].sort());
  if (!updated) throw new Error(`no user ${email}`);
  const sessions = new RedisSessionStore(redis());
  await sessions.setRolesVersion(user.id, updated.rolesVersion);
  const revoked = await sessions.revokeAllOf(user.id);
  // the prefix says which stack's sessions were ended (REDIS_KEY_PREFIX, or the STAGE's default)
  process.stdout.write(
    `${email}: roles ${updated.roles.join(', ')} (${revoked} session(s) ended under Redis keys ${config().REDIS_KEY_PREFIX})\n`,
  );
}

main()
  .catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  })
  .finally(() => void Promise.all([closePool(), closeRedis()]));
