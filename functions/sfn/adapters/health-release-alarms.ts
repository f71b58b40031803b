/**
 * The release's alarms where there is no CloudWatch (npm start, tests): the conditions of the host
 * alarms of resources/operations.yml, read from the hosts' Health, under the same names. Like a
 * CloudWatch alarm, one fires only after its condition held on several consecutive looks.
 */
import type { HostAdminPort, HostHealth } from '../../shared/ports/matching-host';
import type { ReleaseAlarms } from '../ports/release-alarms';

export class HealthReleaseAlarms implements ReleaseAlarms {
  readonly names: readonly string[];
  private readonly conditions: { name: string; looks: number; breached: (h: Record<string, HostHealth | null>) => boolean }[];

  constructor(
    stage: string,
    /** the region's hosts by id (ids end in their slot letter: us-east-1a → host-a) */
    private readonly hosts: Record<string, HostAdminPort>,
    /** does this region hold the group's primary (its pair must have one)? */
    primaryRegion: boolean,
  ) {
    const name = (alarm: string): string => `exchange-${stage}-${alarm}`;
    const primaryOf = (h: Record<string, HostHealth | null>): HostHealth | undefined =>
      Object.values(h).find((x) => x?.role === 'primary') ?? undefined;
    this.conditions = [
      ...Object.keys(hosts).map((id) => ({
        name: name(`host-${id.slice(-1)}-down`),
        looks: 2,
        breached: (h: Record<string, HostHealth | null>) => !h[id]?.journalHealthy,
      })),
      ...(primaryRegion
        ? [
            { name: name('host-lease-lost'), looks: 2, breached: (h: Record<string, HostHealth | null>) => !primaryOf(h)?.leaseValid },
            // the old primary needs a moment to follow the new one: three looks
            {
              name: name('host-no-standby'),
              looks: 3,
              breached: (h: Record<string, HostHealth | null>) => (primaryOf(h)?.replicas ?? 0) < 1,
            },
          ]
        : []),
    ];
    this.names = this.conditions.map((c) => c.name);
  }

  async firing(breaches: Record<string, number>): Promise<{ firing: string[]; breaches: Record<string, number> }> {
    const seen = Object.fromEntries(
      await Promise.all(Object.entries(this.hosts).map(async ([id, h]) => [id, await h.health().catch(() => null)] as const)),
    );
    const next: Record<string, number> = {};
    for (const c of this.conditions) next[c.name] = c.breached(seen) ? (breaches[c.name] ?? 0) + 1 : 0;
    return { firing: this.conditions.filter((c) => next[c.name] >= c.looks).map((c) => c.name), breaches: next };
  }
}
