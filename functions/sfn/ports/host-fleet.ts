/**
 * The machines the matching hosts run on, as a release sees them: which build each host should run,
 * and replacing a host so that it comes back on that build (same journal, same address). In AWS
 * (adapters/asg-host-fleet.ts) the build is an SSM parameter the instance reads at boot and the
 * replacement an auto-scaling group of one replacing its instance; locally (adapters/local-host-fleet.ts)
 * a file `npm start`'s host group watches.
 */
export interface HostFleet {
  /** Run `version` on host `hostId` from now on: its process or instance is replaced (a graceful stop first). */
  replace(hostId: string, version: string): Promise<void>;
}
