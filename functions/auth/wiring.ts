/** The auth functions' composition root: real adapters from config, built once per container. */
import { AccessTokens } from './access-tokens';
import { RedisLoginGuard } from './adapters/redis-login-guard';
import { RedisMfaGuard } from './adapters/redis-mfa-guard';
import { config } from '../shared/config';
import { redis } from '../shared/redis';
import { sessionStore } from '../shared/sessions';
import { userStore } from '../shared/users';
import { DynamoAuditLog } from '../shared/adapters/dynamo-audit-log';
import { dynamo } from '../shared/aws';
import { AuthService } from './auth-service';
import { UserAdminService } from './user-admin-service';

let service: Promise<AuthService> | undefined;

export function authService(): Promise<AuthService> {
  service ??= (async () => {
    const cfg = config();
    return new AuthService(
      userStore(),
      sessionStore(),
      await AccessTokens.fromConfig(cfg),
      cfg.REFRESH_TOKEN_TTL_S,
      new RedisMfaGuard(redis()),
      new DynamoAuditLog(dynamo(), cfg.AUDIT_TABLE),
      new RedisLoginGuard(redis()),
    );
  })();
  return service;
}

let admin: UserAdminService | undefined;

export function userAdminService(): UserAdminService {
  admin ??= new UserAdminService(userStore(), sessionStore(), new DynamoAuditLog(dynamo(), config().AUDIT_TABLE));
  return admin;
}
