import { z } from 'zod';

/** Start a DR runbook: why (kept in the audit trail); autoApprove skips the second operator (drills, where the stage allows it). */
export const DrStartBody = z
  .object({
    reason: z.string().trim().min(3).max(500),
    autoApprove: z.boolean().optional(),
  })
  .strict();

/** A runbook execution, by the name it was started under (failover-… or failback-…). */
export const DrExecutionPath = z.object({
  execution: z.string().regex(/^(failover|failback)-[A-Za-z0-9-]{1,64}$/, 'an execution name such as failover-20261201T101500Z-1a2b3c'),
});

/** A second operator's answer to a runbook waiting for approval. */
export const DrApprovalBody = z
  .object({
    decision: z.enum(['approve', 'reject']),
    comment: z.string().trim().max(500).optional(),
  })
  .strict();
