/**
 * The DR runbooks' Task functions (statemachines/dr-failover.asl.json, dr-failback.asl.json):
 * each takes the execution's state and returns its own part (the state's ResultPath puts it in
 * place); errors are matched by name in the state machines' Retry and Catch.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { eventHandler } from '../shared/event-handler';
import { count, logger, metrics } from '../shared/observability';
import type { HostHealth } from '../shared/ports/matching-host';
import type { Assessment, Fencing, RunbookResult, RunbookState, Switch, Verification } from './dr-service';
import { drService } from './wiring';

/** A task's input is the runbook's state, or the state beside what the task is asked: its execution ties the logs together. */
const executionOf = (input: RunbookState | { state: RunbookState }): string => ('state' in input ? input.state : input).executionArn;

const task = <I extends RunbookState | { state: RunbookState }, O>(fn: (input: I) => Promise<O>) =>
  eventHandler(fn, { correlationId: executionOf });

export const assess = task((state: RunbookState): Promise<Assessment> => drService().assess(state));

/** Invoked with a task token (waitForTaskToken): the execution waits until an operator answers. */
export const requestApproval = task(async (p: { state: RunbookState; taskToken: string }): Promise<null> => {
  await drService().requestApproval(p.state, p.taskToken);
  logger.warn('DR runbook waits for approval', { executionArn: p.state.executionArn });
  return null;
});

export const fencePrimary = task((state: RunbookState): Promise<Fencing> => drService().fencePrimary(state));
export const catchUp = task((state: RunbookState): Promise<{ lastSeq: number; target: number }> => drService().catchUp(state));
export const verify = task((state: RunbookState): Promise<Verification> => drService().verify(state));
export const promote = task((state: RunbookState): Promise<HostHealth> => drService().promote(state));

export const switchRegion = task(async (state: RunbookState): Promise<Switch> => {
  const r = await drService().switchRegion(state);
  metrics.addMetric(state.runbook === 'failover' ? 'FailoverRtoSeconds' : 'FailbackRtoSeconds', MetricUnit.Seconds, r.rtoSeconds);
  return r;
});

export const followNewPrimary = task((state: RunbookState): Promise<{ following: boolean; error?: string }> =>
  drService().followNewPrimary(state),
);
export const rollback = task(async (state: RunbookState) => {
  const r = await drService().rollback(state);
  count('DrRollbacks');
  logger.error('DR runbook rolled back', { executionArn: state.executionArn, error: state.error, ...r });
  return r;
});

/** Notify and record: the audit record, the broker event, the RPO metric; the execution's result. */
export const notify = task(async (p: { state: RunbookState; outcome: RunbookResult['outcome'] }): Promise<RunbookResult> => {
  const r = await drService().notify(p.state, p.outcome);
  if (r.rpo_orders !== null)
    metrics.addMetric(`${r.runbook === 'failover' ? 'Failover' : 'Failback'}RpoOrders`, MetricUnit.Count, r.rpo_orders);
  return r;
});
