import { StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { SettlementTrigger } from '../../shared/ports/settlement-ledger';

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
