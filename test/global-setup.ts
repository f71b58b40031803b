/**
 * Once per jest run: the matching host's mutual TLS needs a CA. The tests share one of their own
 * (never npm start's), made here before any test file starts hosts, so no two files race to make it.
 */
import { join } from 'node:path';
import { ensureHostCa } from '../scripts/local/host-ca';

export default function globalSetup(): void {
  ensureHostCa(process.env.HOST_TLS_DIR ?? join(__dirname, '..', '.data', 'test-host-ca'));
}
