/** /v1/ops (role ops): the active matching host, and the DR runbooks (failover, failback, approvals). */
import { requireRole, requireStepUp } from '../shared/access';
import { callerOf } from '../shared/caller';
import { config } from '../shared/config';
import { httpHandler, type ApiHandler } from '../shared/http-handler';
import { perUser } from '../shared/limits';
import { controlStore, leaseStore, matchingHost } from '../shared/matching-host';
import { BUDGETS } from '../shared/rate-limit';
import { userStore } from '../shared/users';
import { requireEstablishedOperator } from './operator-standing';
import type { Runbook } from '../sfn/dr-service';
import { DrApprovalBody, DrExecutionPath, DrStartBody } from './schemas';
import { drOps } from './wiring';
import { regionPrimary } from '../shared/region-primary';

/** GET /v1/ops/matching-host: the active region, and role, fencing epoch, last sequence, book checksum and replication of its host. */
export const hostStatus = httpHandler({ limits: perUser(BUDGETS.reads) }, async ({ event }) => {
  requireRole(callerOf(event), 'ops');
  const cfg = config();
  const active = cfg.MATCHING_HOSTS ? ((await controlStore().activeRegion()) ?? { region: cfg.PRIMARY_REGION, epoch: 0 }) : undefined;
  const address =
    active && cfg.MATCHING_HOSTS
      ? (await regionPrimary(leaseStore(), cfg.MATCHING_HOSTS, active.region)).address
      : cfg.MATCHING_HOST_ADDRESS;
  return { body: { ...(active ? { region: active.region } : {}), address, ...(await matchingHost('ops').health()) } };
});

function startRunbook(runbook: Runbook): ApiHandler {
  return httpHandler({ body: DrStartBody, limits: perUser(BUDGETS.reads) }, async ({ body, event, context, requestId, ip }) => {
    const caller = callerOf(event);
    requireRole(caller, 'ops');
    requireStepUp(caller);
    await requireEstablishedOperator(userStore(), caller.userId);
    const started = await drOps(context.invokedFunctionArn).start(runbook, body, caller.userId, { requestId, ip });
    return { status: 202, body: { ...started, status: 'RUNNING', awaitingApproval: !body.autoApprove } };
  });
}

/** POST /v1/ops/dr/failover (role ops): start the failover runbook; 202 with the execution to follow. */
export const drFailover = startRunbook('failover');

/** POST /v1/ops/dr/failback (role ops): start the failback runbook. */
export const drFailback = startRunbook('failback');

/** POST /v1/ops/dr/approvals/{execution} (role ops held an hour, step-up, not the operator who started it): approve or reject. */
export const drApprove = httpHandler(
  { body: DrApprovalBody, path: DrExecutionPath, limits: perUser(BUDGETS.reads) },
  async ({ body, params, event, context, requestId, ip }) => {
    const caller = callerOf(event);
    requireRole(caller, 'ops');
    requireStepUp(caller);
    await requireEstablishedOperator(userStore(), caller.userId);
    return {
      body: await drOps(context.invokedFunctionArn).answer(params.execution, body.decision, body.comment, caller.userId, { requestId, ip }),
    };
  },
);

/** GET /v1/ops/dr/executions/{execution} (role ops): status, states so far, and the result (RTO, RPO). */
export const drStatus = httpHandler({ path: DrExecutionPath, limits: perUser(BUDGETS.reads) }, async ({ params, event, context }) => {
  requireRole(callerOf(event), 'ops');
  return { body: await drOps(context.invokedFunctionArn).status(params.execution) };
});

/**
 * GET /v1/ping: answers at once, no middleware, no store. A load balancer's liveness probe, and the
 * emulator's ceiling in `npm run bench:edge` (what serverless offline serves with nothing to do).
 */
export function ping(): Promise<{ statusCode: number; headers: Record<string, string>; body: string }> {
  return Promise.resolve({
    statusCode: 200,
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' },
    body: '{"status":"ok"}',
  });
}
