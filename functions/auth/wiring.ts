/** The auth functions' composition root: real adapters from config, built once per container. */
import { AccessTokens } from '../shared/access-tokens';
import { PgUserStore } from '../shared/adapters/pg-user-store';
import { RedisMfaGuard } from '../shared/adapters/redis-mfa-guard';
import { RedisSessionStore } from '../shared/adapters/redis-session-store';
import { config } from '../shared/config';
import { pool } from '../shared/db/pool';
import { redis } from '../shared/redis';
import { DynamoAuditLog } from '../shared/adapters/dynamo-audit-log';
import { dynamo } from '../shared/aws';
import { AuthService } from './auth-service';
import { UserAdminService } from './user-admin-service';

let service: Promise<AuthService> | undefined;

export function authService(): Promise<AuthService> {
  service ??= (async () => {
    const cfg = config();
    return new AuthService(
      new PgUserStore(pool()),
      new RedisSessionStore(redis()),
      await AccessTokens.fromConfig(cfg),
      cfg.REFRESH_TOKEN_TTL_S,
      new RedisMfaGuard(redis()),
    );
  })();
  return service;
}

let admin: UserAdminService | undefined;

export function userAdminService(): UserAdminService {
  admin ??= new UserAdminService(new PgUserStore(pool()), new RedisSessionStore(redis()), new DynamoAuditLog(dynamo(), config().AUDIT_TABLE));
  return admin;
}
