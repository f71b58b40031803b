import { StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { SettlementTrigger } from '../ports/settlement-ledger';

/**
 * The settlement state machine's ARN from the calling function's own: same region and account.
 * Serverless offline's context has no real ARN; the region then comes from AWS_REGION.
 */
export function stateMachineArn(invokedFunctionArn: string | undefined, name: string): string {
  const m = /^arn:(aws[\w-]*):lambda:([^:]+):(\d{12}):function:/.exec(invokedFunctionArn ?? '');
  return m ? `arn:${m[1]}:states:${m[2]}:${m[3]}:stateMachine:${name}` : `arn:aws:states:${process.env.AWS_REGION ?? 'us-east-1'}:000000000000:stateMachine:${name}`;
}

/** Starts one Express execution per batch (asynchronous: the consumer does not wait for it). */
export class SfnSettlementTrigger implements SettlementTrigger {
  constructor(
    private readonly client: SFNClient,
    private readonly arn: string,
  ) {}

  async start(batch: { batchId: string; fills: unknown[] }): Promise<void> {
    await this.client.send(new StartExecutionCommand({ stateMachineArn: this.arn, input: JSON.stringify(batch) }));
  }
}
