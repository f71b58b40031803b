/** What the operators' routes and the liveness probe answer. */
import { z } from 'zod';
import type { DrExecutionStatus, DrOpsService } from '../../ops/dr-ops-service';
import type { HostHealth } from '../../shared/ports/matching-host';
import { answers } from './answers';

export const Ping = z.object({ status: z.literal('ok') }).strict();

const count = z.number().int().min(0);

/** the active region (when the functions route by region), its host's address, and that host's health */
export const HostStatus = answers<HostHealth & { region?: string; address: string }>()(
  z
    .object({
      region: z.string().optional(),
      address: z.string(),
      role: z.string(),
      epoch: count,
      lastSeq: count,
      checksum: z.string(),
      journalHealthy: z.boolean(),
      replicatedSeq: count,
      replicas: count,
      unreplicatedAcks: count,
      discarded: count,
    })
    .strict(),
);

const execution = z.string().regex(/^(failover|failback)-[A-Za-z0-9-]{1,64}$/);

/** 202: the runbook started; follow it at /v1/ops/dr/executions/{execution} */
export const DrStarted = answers<Awaited<ReturnType<DrOpsService['start']>> & { status: 'RUNNING'; awaitingApproval: boolean }>()(
  z.object({ execution, executionArn: z.string().regex(/^arn:/), status: z.literal('RUNNING'), awaitingApproval: z.boolean() }).strict(),
);

/** the answer as given (DrOpsService types the decision as a string: it echoes the request's) */
export const DrAnswered = z.object({ execution, decision: z.enum(['approve', 'reject']) }).strict();

export const DrExecution = answers<DrExecutionStatus>()(
  z
    .object({
      execution,
      executionArn: z.string().regex(/^arn:/),
      status: z.string(),
      /** states entered so far, in order */
      states: z.array(z.string()),
      /** the runbook's result once it ended (rto_s, rpo_orders, …) */
      output: z.unknown().optional(),
      error: z.string().optional(),
      cause: z.string().optional(),
      awaitingApproval: z.boolean(),
    })
    .strict(),
);
