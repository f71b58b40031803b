/**
 * Operators and the DR runbooks: start a failover or failback, answer a runbook waiting for
 * approval (never by the operator who asked for it), and read where an execution stands. The
 * API routes and `npm run dr:*` both come here.
 */
import { randomBytes } from 'node:crypto';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { AppError } from '../shared/errors';
import type { AuditLog, RequestContext } from '../shared/ports/audit-log';
import type { ControlStore } from '../shared/ports/control-store';
import type { Runbook } from '../sfn/dr-service';

export interface DrExecutionStatus {
  execution: string;
  executionArn: string;
  status: string;
  /** states entered so far, in order */
  states: string[];
  /** the runbook's result once it ended (rto_s, rpo_orders, …) */
  output?: unknown;
  error?: string;
  cause?: string;
  awaitingApproval: boolean;
}

export interface DrOpsOptions {
  sfn: SFNClient;
  control: ControlStore;
  audit: AuditLog;
  /** runbook → its state machine's ARN */
  machines: Record<Runbook, string>;
  autoApproveAllowed: boolean;
  now?: () => Date;
}

const forbidden = (message: string): AppError => new AppError(403, 'FORBIDDEN', message);
const notFound = (message: string): AppError => new AppError(404, 'NOT_FOUND', message);

export class DrOpsService {
  constructor(private readonly o: DrOpsOptions) {}

  private executionArn(execution: string): string {
    const runbook = execution.split('-')[0] as Runbook;
    return `${this.o.machines[runbook].replace(':stateMachine:', ':execution:')}:${execution}`;
  }

  async start(
    runbook: Runbook,
    input: { reason: string; autoApprove?: boolean },
    requestedBy: string,
    ctx: RequestContext,
  ): Promise<{ execution: string; executionArn: string }> {
    if (input.autoApprove && !this.o.autoApproveAllowed) throw forbidden('auto-approval is off in this stage: a second operator approves');
    const now = this.o.now?.() ?? new Date();
    const execution = `${runbook}-${now.toISOString().replace(/[-:]|\.\d+/g, '')}-${randomBytes(3).toString('hex')}`;
    const r = await this.o.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: this.o.machines[runbook],
        name: execution,
        input: JSON.stringify({ reason: input.reason, requestedBy, autoApprove: input.autoApprove ?? false }),
      }),
    );
    await this.o.audit.record({
      userId: 'system:dr',
      action: `dr.${runbook}.start`,
      outcome: 'pending',
      actorId: requestedBy,
      requestId: ctx.requestId,
      ip: ctx.ip,
      details: { execution, reason: input.reason, autoApprove: input.autoApprove ?? false },
    });
    return { execution, executionArn: r.executionArn ?? this.executionArn(execution) };
  }

  /** Approve or reject; the token is taken exactly once, so two answers cannot both count. */
  async answer(
    execution: string,
    decision: 'approve' | 'reject',
    comment: string | undefined,
    answeredBy: string,
    ctx: RequestContext,
  ): Promise<{ execution: string; decision: string }> {
    const pending = await this.o.control.approval(execution);
    if (!pending) throw notFound(`no approval is pending for ${execution}`);
    if (pending.requestedBy === answeredBy)
      throw forbidden('the operator who started a runbook cannot approve it: a second operator answers');
    const taken = await this.o.control.takeApproval(execution);
    if (!taken) throw notFound(`no approval is pending for ${execution}`);
    try {
      if (decision === 'approve') {
        await this.o.sfn.send(
          new SendTaskSuccessCommand({
            taskToken: taken.taskToken,
            output: JSON.stringify({ approvedBy: answeredBy, comment: comment ?? '' }),
          }),
        );
      } else {
        await this.o.sfn.send(
          new SendTaskFailureCommand({
            taskToken: taken.taskToken,
            error: 'ApprovalRejected',
            cause: `rejected by ${answeredBy}${comment ? `: ${comment}` : ''}`,
          }),
        );
      }
    } catch (e) {
      const name = (e as { name?: string }).name ?? 'Error';
      await this.o.audit.record({
        userId: 'system:dr',
        action: `dr.${taken.runbook}.${decision}`,
        outcome: 'failed',
        actorId: answeredBy,
        requestId: ctx.requestId,
        ip: ctx.ip,
        details: { execution, requestedBy: taken.requestedBy, error: name },
      });
      // the answer did not reach the runbook: the approval stays pending for another try (unless the runbook is gone)
      if (name !== 'TaskDoesNotExist' && name !== 'TaskTimedOut') await this.o.control.putApproval(taken);
      throw e;
    }
    await this.o.audit.record({
      userId: 'system:dr',
      action: `dr.${taken.runbook}.${decision}`,
      outcome: 'succeeded',
      actorId: answeredBy,
      requestId: ctx.requestId,
      ip: ctx.ip,
      details: { execution, requestedBy: taken.requestedBy, comment: comment ?? '' },
    });
    return { execution, decision };
  }

  async status(execution: string): Promise<DrExecutionStatus> {
    const executionArn = this.executionArn(execution);
    let d;
    try {
      d = await this.o.sfn.send(new DescribeExecutionCommand({ executionArn }));
    } catch (e) {
      if ((e as { name?: string }).name === 'ExecutionDoesNotExist') throw notFound(`no execution ${execution}`);
      throw e;
    }
    const h = await this.o.sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
    const states = (h.events ?? []).flatMap((e) => (e.stateEnteredEventDetails?.name ? [e.stateEnteredEventDetails.name] : []));
    return {
      execution,
      executionArn,
      status: d.status ?? 'UNKNOWN',
      states,
      ...(d.output ? { output: JSON.parse(d.output) as unknown } : {}),
      ...(d.error ? { error: d.error, cause: d.cause } : {}),
      // an approval left behind by a runbook that timed out waiting is not awaited any more
      awaitingApproval: d.status === 'RUNNING' && (await this.o.control.approval(execution)) !== null,
    };
  }
}
