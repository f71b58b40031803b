/**
 * The alarms a host release watches after it hands the book to the new build: any that fires sends
 * the book back to the previous build. In AWS (adapters/cloudwatch-release-alarms.ts) they are the
 * CloudWatch alarms of resources/operations.yml by name; locally (adapters/health-release-alarms.ts)
 * the same conditions read from the hosts' Health.
 */
export interface ReleaseAlarms {
  /** the alarms watched (their names) */
  readonly names: readonly string[];
  /**
   * The watched alarms firing now. `breaches` carries, from one call to the next, how many
   * consecutive looks found each condition breached (an alarm fires on several datapoints, not one).
   */
  firing(breaches: Record<string, number>): Promise<{ firing: string[]; breaches: Record<string, number> }>;
}
