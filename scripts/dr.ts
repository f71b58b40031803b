/**
 * Operators' DR runbooks from a terminal (the same service as POST /v1/ops/dr/*):
 *   npm run dr:failover -- [--auto-approve] [--reason "…"] [--by name]   make the standby region active
 *   npm run dr:failback -- [--auto-approve] [--reason "…"] [--by name]   and back, once the old primary caught up
 *   npm run dr:approve -- <execution> [--reject] [--comment "…"] --by name   a second operator answers
 *   npm run dr:status -- <execution>
 * Starting and answering are local-stack drills here: anywhere else the four-eyes rule needs two
 * authenticated people with MFA, which only the API knows (POST /v1/ops/dr/*), so the CLI refuses
 * rather than take a name typed on a terminal (see operatorFor).
 * A runbook streams its states as they run and ends with one JSON line:
 *   {"rto_s":…,"rpo_orders":…,"rpo_exact":…,"rpo_ms":…,"executionArn":…,"status":…,"outcome":…}
 * Locally (npm start) it talks to Step Functions on :8083 and dynalite on :4569; set
 * AWS_ENDPOINT_URL_SFN / AWS_ENDPOINT_URL_DYNAMODB (or unset them in AWS) and
 * DR_FAILOVER_STATE_MACHINE_ARN / DR_FAILBACK_STATE_MACHINE_ARN to point elsewhere.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient, type HistoryEvent } from '@aws-sdk/client-sfn';
import { userInfo } from 'node:os';
import { DynamoAuditLog } from '../functions/shared/adapters/dynamo-audit-log';
import { DynamoControlStore } from '../functions/shared/adapters/dynamo-control-store';
import { DrOpsService } from '../functions/ops/dr-ops-service';
import type { Runbook } from '../functions/sfn/dr-service';
import { awsClientConfig, runCli } from './local/cli';

export interface RunbookEnd {
  rto_s: number | null;
  rpo_orders: number | null;
  /** false: rpo_orders is a lower bound (the primary could not be fenced) */
  rpo_exact: boolean | null;
  /** how old the oldest acknowledged command the new primary lacked was (the DR replica's lag) */
  rpo_ms: number | null;
  executionArn: string;
  status: string;
  outcome?: string;
  error?: string;
  cause?: string;
}

/** One line per state as it is entered, left or fails, until the execution ends; then its result. */
export async function followExecution(
  sfn: SFNClient,
  executionArn: string,
  print: (line: string) => void,
  onWaiting?: () => void,
): Promise<RunbookEnd> {
  const t0 = Date.now();
  let seen = 0;
  let waitingSaid = false;
  const at = (): string => `${((Date.now() - t0) / 1000).toFixed(1).padStart(5)} s`;
  for (;;) {
    const h = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
    const events: HistoryEvent[] = h.events ?? [];
    for (const e of events.slice(seen)) {
      const entered = e.stateEnteredEventDetails?.name;
      const exited = e.stateExitedEventDetails?.name;
      if (entered) print(`${at()}  → ${entered}`);
      else if (exited) print(`${at()}  ✓ ${exited}`);
      else if (e.type === 'TaskFailed')
        print(
          `${at()}  ✗ ${e.taskFailedEventDetails?.resource ?? ''}: ${e.taskFailedEventDetails?.error ?? ''} ${(e.taskFailedEventDetails?.cause ?? '').slice(0, 300)}`,
        );
      if (entered === 'Approval' && !waitingSaid) {
        waitingSaid = true;
        onWaiting?.();
      }
    }
    seen = events.length;
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (d.status !== 'RUNNING') {
      const out = d.output
        ? (JSON.parse(d.output) as {
            rto_s?: number | null;
            rpo_orders?: number | null;
            rpo_exact?: boolean | null;
            rpo_ms?: number | null;
            outcome?: string;
          })
        : {};
      return {
        rto_s: out.rto_s ?? null,
        rpo_orders: out.rpo_orders ?? null,
        rpo_exact: out.rpo_exact ?? null,
        rpo_ms: out.rpo_ms ?? null,
        executionArn,
        status: d.status ?? 'UNKNOWN',
        ...(out.outcome ? { outcome: out.outcome } : {}),
        ...(d.error ? { error: d.error, cause: d.cause } : {}),
      };
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/**
 * Who the CLI says starts or answers a runbook. A name on a command line proves nothing, so only
 * the local stack (drills, one developer playing both operators) takes one; elsewhere starting and
 * answering go through the API as the authenticated operator.
 */
export function operatorFor(cmd: 'start' | 'approve', args: string[], local: boolean, username: string): string {
  if (!local)
    throw new Error(
      cmd === 'start'
        ? 'outside the local stack, start a runbook with POST /v1/ops/dr/failover|failback as the authenticated operator (MFA); npm run dr:status -- <execution> follows it'
        : 'outside the local stack, answer through POST /v1/ops/dr/approvals/{execution} as the authenticated operator (MFA)',
    );
  return flag(args, '--by') ?? `cli:${username}`;
}

if (require.main === module) {
  const [cmd, ...args] = process.argv.slice(2);
  const local = !process.env.DR_FAILOVER_STATE_MACHINE_ARN;
  const aws = awsClientConfig(local);
  const sfn = new SFNClient(aws);
  const dynamo = new DynamoDBClient(aws);
  const stage = process.env.STAGE ?? 'local';
  const machineArn = (runbook: Runbook): string =>
    process.env[`DR_${runbook.toUpperCase()}_STATE_MACHINE_ARN`] ??
    `arn:aws:states:us-east-1:000000000000:stateMachine:exchange-${stage}-dr-${runbook}`;
  const ops = new DrOpsService({
    sfn,
    control: new DynamoControlStore(dynamo, process.env.CONTROL_TABLE ?? `exchange-${stage}-control`),
    audit: new DynamoAuditLog(dynamo, process.env.AUDIT_TABLE ?? `exchange-${stage}-audit`),
    machines: { failover: machineArn('failover'), failback: machineArn('failback') },
    // drills skip the second operator locally; elsewhere the stage's setting decides (the runbook checks it too)
    autoApproveAllowed: local || process.env.DR_AUTO_APPROVE_ALLOWED === 'true',
  });
  const ctx = { requestId: `cli-${process.pid}`, ip: 'cli' };
  const print = (line: string): boolean => process.stdout.write(`${line}\n`);
  runCli(async (): Promise<number> => {
    if (cmd === 'failover' || cmd === 'failback') {
      const by = operatorFor('start', args, local, userInfo().username);
      const reason = flag(args, '--reason') ?? `${cmd} from the command line`;
      const { execution, executionArn } = await ops.start(cmd, { reason, autoApprove: args.includes('--auto-approve') }, by, ctx);
      print(`${cmd} ${execution} started by ${by}${args.includes('--auto-approve') ? ' (auto-approved drill)' : ''}`);
      const end = await followExecution(sfn, executionArn, print, () =>
        print(`        waiting for a second operator: npm run dr:approve -- ${execution} --by <name>   (or --reject)`),
      );
      if (end.error) print(`${cmd} ${end.status}: ${end.error}: ${end.cause ?? ''}`);
      print(JSON.stringify(end));
      return end.status === 'SUCCEEDED' ? 0 : 1;
    }
    if (cmd === 'approve') {
      const by = operatorFor('approve', args, local, userInfo().username);
      const execution = args.find((a) => !a.startsWith('--') && a !== flag(args, '--by') && a !== flag(args, '--comment'));
      if (!execution) throw new Error('usage: npm run dr:approve -- <execution> [--reject] [--comment "…"] --by <name>');
      print(
        JSON.stringify(await ops.answer(execution, args.includes('--reject') ? 'reject' : 'approve', flag(args, '--comment'), by, ctx)),
      );
      return 0;
    }
    if (cmd === 'status' && args[0]) {
      print(JSON.stringify(await ops.status(args[0]), null, 2));
      return 0;
    }
    throw new Error(
      'usage: npm run dr:failover|dr:failback -- [--auto-approve] [--reason "…"] [--by name] | dr:approve -- <execution> [--reject] | dr:status -- <execution>',
    );
  });
}
