/**
 * The release's alarms in AWS: the CloudWatch alarms of resources/operations.yml by name (HOST_RELEASE_ALARMS).
 * CloudWatch decides how many datapoints make an alarm; this only asks which are in ALARM now.
 */
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import type { ReleaseAlarms } from '../ports/release-alarms';

export class CloudWatchReleaseAlarms implements ReleaseAlarms {
  constructor(
    private readonly cloudwatch: Pick<CloudWatchClient, 'send'>,
    readonly names: readonly string[],
  ) {}

  async firing(breaches: Record<string, number>): Promise<{ firing: string[]; breaches: Record<string, number> }> {
    const r = await this.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [...this.names], StateValue: 'ALARM' }));
    return { firing: (r.MetricAlarms ?? []).map((a) => a.AlarmName ?? '').filter(Boolean), breaches };
  }
}
