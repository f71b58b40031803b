/**
 * `npm run users:seal-mfa`: seal the TOTP secrets of users who turned MFA on before secrets were
 * sealed at the application level (they are read as they are until then). Safe to run again.
 */
import { closePool } from '../functions/shared/db/pool';
import { userStore } from '../functions/shared/users';

userStore()
  .sealLegacyMfaSecrets()
  .then((n) => process.stdout.write(`sealed ${n} MFA secret(s)\n`))
  .catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  })
  .finally(() => void closePool());
