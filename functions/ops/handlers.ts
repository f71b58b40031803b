/** /v1/ops (role ops): operators' view of the matching host. DR runbooks join these later. */
import { requireRole } from '../shared/access';
import { callerOf } from '../shared/caller';
import { config } from '../shared/config';
import { httpHandler } from '../shared/http-handler';
import { perUser } from '../shared/limits';
import { matchingHost } from '../shared/matching-host';
import { BUDGETS } from '../shared/rate-limit';

/** GET /v1/ops/matching-host: role, fencing epoch, last sequence and book checksum of the active host. */
export const hostStatus = httpHandler({ limits: perUser(BUDGETS.reads) }, async ({ event }) => {
  requireRole(callerOf(event), 'ops');
  return { body: { address: config().MATCHING_HOST_ADDRESS, ...(await matchingHost().health()) } };
});

/**
 * GET /v1/ping: answers at once, no middleware, no store. A load balancer's liveness probe, and the
 * emulator's ceiling in `npm run bench:edge` (what serverless offline serves with nothing to do).
 */
export function ping(): Promise<{ statusCode: number; headers: Record<string, string>; body: string }> {
  return Promise.resolve({ statusCode: 200, headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }, body: '{"status":"ok"}' });
}
