/** The ops functions' composition root. */
import { DynamoAuditLog } from '../shared/adapters/dynamo-audit-log';
import { dynamo, sfn, stateMachineArn } from '../shared/aws';
import { config } from '../shared/config';
import { controlStore } from '../shared/matching-host';
import { DrOpsService } from './dr-ops-service';

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
