/**
 * The host fleet in AWS (resources/matching-host.yml): each host is an auto-scaling group of one.
 * Which build a host runs is the SSM parameter `/exchange/<stage>/hosts/<host id>/bundle-version`,
 * read by the instance's user data at boot; replacing a host is terminating its instance (the
 * group starts a new one in the same AZ, which attaches the same journal volume and address and
 * rejoins as a follower). The old instance's host stops gracefully first (systemd, up to 120 s).
 */
import {
  AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  TerminateInstanceInAutoScalingGroupCommand,
} from '@aws-sdk/client-auto-scaling';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { HostFleet } from '../ports/host-fleet';

export const bundleVersionParameter = (stage: string, hostId: string): string => `/exchange/${stage}/hosts/${hostId}/bundle-version`;

export class AsgHostFleet implements HostFleet {
  constructor(
    private readonly ssm: Pick<SSMClient, 'send'>,
    private readonly autoscaling: Pick<AutoScalingClient, 'send'>,
    private readonly stage: string,
    /** host id → its auto-scaling group's name */
    private readonly groups: Record<string, string>,
  ) {}

  async replace(hostId: string, version: string): Promise<void> {
    const group = this.groups[hostId];
    if (!group) throw new Error(`no auto-scaling group is configured for host ${hostId}`);
    await this.ssm.send(
      new PutParameterCommand({ Name: bundleVersionParameter(this.stage, hostId), Value: version, Type: 'String', Overwrite: true }),
    );
    const g = await this.autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [group] }));
    const instances = g.AutoScalingGroups?.[0]?.Instances ?? [];
    // no instance (one is being replaced already): the next one boots on the new version anyway
    for (const i of instances)
      if (i.InstanceId && i.LifecycleState !== 'Terminating')
        await this.autoscaling.send(
          new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: i.InstanceId, ShouldDecrementDesiredCapacity: false }),
        );
  }
}
