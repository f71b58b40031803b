/** The ops functions' composition root. */
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { DynamoAuditLog } from '../shared/adapters/dynamo-audit-log';
import { dynamo, sfn, stateMachineArn } from '../shared/aws';
import { config } from '../shared/config';
import { controlStore } from '../shared/matching-host';
import { CodeDeployDeployments } from './adapters/codedeploy-deployments';
import { LambdaInvoker } from './adapters/lambda-invoker';
import { DrOpsService } from './dr-ops-service';
import { ReleaseService } from './release-service';

let service: DrOpsService | undefined;

/** `invokedFunctionArn`: the DR state machines are in this function's region and account. */
export function drOps(invokedFunctionArn: string | undefined): DrOpsService {
  const cfg = config();
  service ??= new DrOpsService({
    sfn: sfn(),
    control: controlStore(),
    audit: new DynamoAuditLog(dynamo(), cfg.AUDIT_TABLE),
    machines: {
      failover: stateMachineArn(invokedFunctionArn, cfg.DR_FAILOVER_STATE_MACHINE),
      failback: stateMachineArn(invokedFunctionArn, cfg.DR_FAILBACK_STATE_MACHINE),
    },
    autoApproveAllowed: cfg.DR_AUTO_APPROVE_ALLOWED,
  });
  return service;
}

let release: ReleaseService | undefined;

/** The release hooks' service: CodeDeploy and Lambda in the hook's own region. */
export function releaseService(): ReleaseService {
  const prefix = config().RELEASE_FUNCTION_PREFIX;
  if (!prefix) throw new Error('RELEASE_FUNCTION_PREFIX is not set: only the release hooks have it');
  release ??= new ReleaseService({
    deployments: new CodeDeployDeployments(new CodeDeployClient({ maxAttempts: 5 })),
    invoker: new LambdaInvoker(new LambdaClient({ maxAttempts: 3 })),
    functionPrefix: prefix,
    // within the hooks' 60 s timeout, leaving time to report
    probeDeadlineMs: 40_000,
  });
  return release;
}
