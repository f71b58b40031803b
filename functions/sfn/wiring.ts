/** The Step Functions task functions' composition root. */
import { DEFAULT_MARKET } from '../../matching-host/proto/market-config';
import { AmqpDrNotices } from './adapters/amqp-dr-notices';
import { AmqpSettlementNotices } from './adapters/amqp-settlement-notices';
import { DynamoAuditLog } from '../shared/adapters/dynamo-audit-log';
import { GrpcMatchingHost } from '../shared/adapters/grpc-matching-host';
import type { HostAdminPort, HostHealth } from '../shared/ports/matching-host';
import { DynamoOrderHistory } from '../shared/adapters/dynamo-order-history';
import { PgSettlementLedger } from './adapters/pg-settlement-ledger';
import { dynamo } from '../shared/aws';
import { brokerUrl } from '../shared/broker-url';
import { hostEventKeys } from '../shared/host-event-keys';
import { config } from '../shared/config';
import { pool } from '../shared/db/pool';
import { controlStore, leaseStore, matchingHost } from '../shared/matching-host';
import { hostTls } from '../shared/host-tls';
import { DrService } from './dr-service';
import { userStore } from '../shared/users';
import { SettlementService } from './settlement-service';
import { HostReleaseService } from './host-release-service';
import { AsgHostFleet } from './adapters/asg-host-fleet';
import { LocalHostFleet } from './adapters/local-host-fleet';
import { CloudWatchReleaseAlarms } from './adapters/cloudwatch-release-alarms';
import { HealthReleaseAlarms } from './adapters/health-release-alarms';
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { SSMClient } from '@aws-sdk/client-ssm';

let service: SettlementService | undefined;
let notices: AmqpSettlementNotices | undefined;

export function settlementService(): SettlementService {
  const cfg = config();
  notices ??= new AmqpSettlementNotices(() => brokerUrl(cfg), cfg.AMQP_EXCHANGE);
  service ??= new SettlementService(
    new PgSettlementLedger(pool()),
    userStore(),
    new DynamoOrderHistory(dynamo(), cfg.ORDER_HISTORY_TABLE, cfg.HISTORY_RETENTION_DAYS),
    matchingHost('settlement'),
    notices,
    DEFAULT_MARKET,
    hostEventKeys,
  );
  return service;
}

let dr: { service: DrService; notices: AmqpDrNotices; hosts: GrpcMatchingHost[] } | undefined;

/**
 * The DR runbooks: two clients per region's host. Health is a probe: short deadline, no retry (a
 * host that does not answer is a finding, and a region that drops packets must not eat the
 * task's time). Fence and Promote get longer: a fence waits for the standby to take what the
 * primary accepted (up to twice the replication timeout); a promote waits for its host's channel to
 * connect again if it failed while the host was down (grpc-matching-host.ts).
 */
export function drService(): DrService {
  if (!dr) {
    const cfg = config();
    const group = cfg.MATCHING_HOSTS ?? { [cfg.PRIMARY_REGION]: { [cfg.PRIMARY_REGION]: cfg.MATCHING_HOST_ADDRESS } };
    const leases = leaseStore();
    const clients: GrpcMatchingHost[] = [];
    const hosts: Record<string, HostAdminPort> = {};
    const addresses: Record<string, string> = {};
    // the runbooks' certificate: Health, Fence and Promote, nothing else
    const tls = (): ReturnType<typeof hostTls> => hostTls('dr');
    for (const [region, members] of Object.entries(group)) {
      const probes: Record<string, GrpcMatchingHost> = {};
      const admins: Record<string, GrpcMatchingHost> = {};
      for (const [id, a] of Object.entries(members)) {
        probes[id] = new GrpcMatchingHost(a, tls, { deadlineMs: 1_500, retries: 0, breakAfter: 1_000 });
        admins[id] = new GrpcMatchingHost(a, tls, { deadlineMs: 8_000, retries: 0, breakAfter: 1_000 });
        clients.push(probes[id], admins[id]);
      }
      const ids = Object.keys(members);
      addresses[region] = members[ids[0]];
      /**
       * The region's host a runbook deals with: its lease's holder; with none (a region a runbook
       * fenced), the one that answers and holds the most (a primary before a standby).
       */
      const pick = async (): Promise<string> => {
        if (ids.length === 1) return ids[0];
        const lease = await leases.read(region);
        if (lease?.holder && members[lease.holder]) return lease.holder;
        const seen = await Promise.all(
          ids.map((id) =>
            probes[id].health().then(
              (h) => ({ id, h }),
              () => null,
            ),
          ),
        );
        const rank = (x: { h: HostHealth }): number => (x.h.role === 'primary' ? 2 ** 53 : x.h.lastSeq);
        const best = seen.filter((x) => x !== null).sort((x, y) => rank(y) - rank(x))[0];
        return best?.id ?? ids[0];
      };
      hosts[region] = {
        health: async () => probes[await pick()].health(),
        fence: async (e, from, resync) => admins[await pick()].fence(e, from, resync),
        promote: async (e) => admins[await pick()].promote(e),
        currentAddress: async () => members[await pick()],
      };
    }
    const notices = new AmqpDrNotices(() => brokerUrl(cfg), cfg.AMQP_EXCHANGE);
    const service = new DrService({
      control: controlStore(),
      hosts,
      addresses,
      leases,
      primaryRegion: cfg.PRIMARY_REGION,
      audit: new DynamoAuditLog(dynamo(), cfg.AUDIT_TABLE),
      notices,
      autoApproveAllowed: cfg.DR_AUTO_APPROVE_ALLOWED,
    });
    dr = { service, notices, hosts: clients };
  }
  return dr.service;
}

let release: { service: HostReleaseService; notices: AmqpDrNotices; hosts: GrpcMatchingHost[] } | undefined;

/**
 * The hosts' blue-green release: an admin client per host of every region (Health with a short
 * deadline; Fence and Promote as the DR runbooks have them), the fleet and the alarms of AWS
 * (HOST_ASG_NAMES set) or of the local stack.
 */
export function hostReleaseService(): HostReleaseService {
  if (!release) {
    const cfg = config();
    const group = cfg.MATCHING_HOSTS ?? { [cfg.PRIMARY_REGION]: { [cfg.PRIMARY_REGION]: cfg.MATCHING_HOST_ADDRESS } };
    const region = cfg.HOST_RELEASE_REGION ?? process.env.AWS_REGION ?? cfg.PRIMARY_REGION;
    const tls = (): ReturnType<typeof hostTls> => hostTls('dr');
    const clients: GrpcMatchingHost[] = [];
    const hosts: Record<string, Record<string, HostAdminPort>> = {};
    for (const [r, members] of Object.entries(group)) {
      hosts[r] = {};
      for (const [id, a] of Object.entries(members)) {
        const probe = new GrpcMatchingHost(a, tls, { deadlineMs: 1_500, retries: 0, breakAfter: 1_000 });
        const admin = new GrpcMatchingHost(a, tls, { deadlineMs: 8_000, retries: 0, breakAfter: 1_000 });
        clients.push(probe, admin);
        hosts[r][id] = { health: () => probe.health(), fence: (e, f, rs) => admin.fence(e, f, rs), promote: (e) => admin.promote(e) };
      }
    }
    const aws = cfg.HOST_ASG_NAMES !== undefined;
    const cloudwatch = aws ? new CloudWatchClient({ maxAttempts: 3 }) : undefined;
    const notices = new AmqpDrNotices(() => brokerUrl(cfg), cfg.AMQP_EXCHANGE);
    const service = new HostReleaseService({
      control: controlStore(),
      leases: leaseStore(),
      hosts,
      addresses: group,
      fleet: aws
        ? new AsgHostFleet(
            new SSMClient({ maxAttempts: 3 }),
            new AutoScalingClient({ maxAttempts: 3 }),
            cfg.STAGE,
            cfg.HOST_ASG_NAMES ?? {},
          )
        : new LocalHostFleet(cfg.HOST_RELEASES_DIR),
      // in AWS each region's stack releases its own hosts and watches its own alarms
      alarms: (r) =>
        aws
          ? new CloudWatchReleaseAlarms(cloudwatch as CloudWatchClient, cfg.HOST_RELEASE_ALARMS ?? [])
          : new HealthReleaseAlarms(cfg.STAGE, hosts[r] ?? {}, r === cfg.PRIMARY_REGION),
      audit: new DynamoAuditLog(dynamo(), cfg.AUDIT_TABLE),
      notices,
      region,
      // in AWS each region's stack releases its own hosts; the local stack plays both regions
      regions: aws ? [region] : Object.keys(group),
      watchSeconds: cfg.HOST_RELEASE_WATCH_SECONDS,
      pollSeconds: cfg.HOST_RELEASE_POLL_SECONDS,
      readyTimeoutSeconds: cfg.HOST_RELEASE_READY_TIMEOUT_SECONDS,
    });
    release = { service, notices, hosts: clients };
  }
  return release.service;
}

/** Close what the task functions hold open (broker connections, host channels): tests and shutdown. */
export async function closeTaskFunctions(): Promise<void> {
  await notices?.close();
  notices = undefined;
  service = undefined;
  await dr?.notices.close();
  dr?.hosts.forEach((h) => h.close());
  dr = undefined;
  await release?.notices.close();
  release?.hosts.forEach((h) => h.close());
  release = undefined;
}
