/**
 * A blue-green release of the matching hosts of one region (statemachines/host-release.asl.json),
 * one method per Task state. The host holds the book, so a release is not an instance replacement:
 *
 *   plan → the standby is replaced by the new build → it catches up and is in sync (the lease lists it)
 *   → the failover runbook's steps: fence the primary, verify the standby holds its last seq and
 *     checksum, promote the standby (it takes the region's lease at the next epoch: clients follow
 *     the lease) → the old primary follows it → watch the alarms for a while
 *   → quiet: the old primary is replaced by the new build too, and rejoins as the standby
 *   → an alarm fires: fail back, the same steps the other way, to the old build, which was kept as
 *     the in-sync standby for exactly this; then the standby goes back to the old build.
 *
 * A region that holds no primary (the DR replica's) only replaces its hosts one by one. A failure
 * before the switch aborts: the old primary keeps (or gets back) the book, the standby goes back to
 * the old build. Each step takes the execution's state and returns its own part; what it throws
 * is matched by name in the state machine's Retry and Catch.
 */
import { z } from 'zod';
import type { ControlStore } from '../shared/ports/control-store';
import type { AuditLog } from '../shared/ports/audit-log';
import type { HostAdminPort, HostHealth } from '../shared/ports/matching-host';
import { claimLease, type Lease, type LeaseStore } from '../../matching-host/proto/lease';
import type { DrNotices } from './ports/dr-notices';
import type { HostFleet } from './ports/host-fleet';
import type { ReleaseAlarms } from './ports/release-alarms';
import { executionName, failureReason } from './dr-service';

// named classes, not a factory's: serverless offline names a function's error by its constructor
export class InvalidInput extends Error {
  override readonly name = 'InvalidInput';
}
/** the region is not in a state a release may start from (no in-sync standby, alarms firing, same version) */
export class NotReleasable extends Error {
  override readonly name = 'NotReleasable';
}
/** a replaced host did not come back on the new build, in sync, in time */
/** a host of the region does not answer (an instance still booting after a stack's first deploy): the state retries */
export class HostsNotAnswering extends Error {
  override readonly name = 'HostsNotAnswering';
}
export class HostNotReady extends Error {
  override readonly name = 'HostNotReady';
}
export class ChecksumMismatch extends Error {
  override readonly name = 'ChecksumMismatch';
}
export class HandoverFailed extends Error {
  override readonly name = 'HandoverFailed';
}

/** a release version: a plain name (it is an S3 key and a folder name) */
export const RELEASE_VERSION = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export const releaseInputSchema = z.object({
  bundleVersion: z.string().regex(RELEASE_VERSION, 'expected 1-64 of A-Z a-z 0-9 . _ - (a release version)'),
  /** the region whose hosts move (default: this stack's) */
  region: z.string().min(1).max(32).optional(),
  requestedBy: z.string().trim().min(1).max(128).default('deploy'),
  reason: z.string().trim().min(1).max(500).default('release'),
  /** how long the alarms are watched after the switch (default: the stage's) */
  watchSeconds: z.number().int().min(0).max(3_600).optional(),
});
export type ReleaseInput = z.infer<typeof releaseInputSchema>;

export interface ReleasePlan {
  /** every host runs the version already: the release completes at once */
  upToDate: boolean;
  region: string;
  version: string;
  /** the build the region's primary (or first host) runs now: where a failback returns */
  previous: string;
  /** the host holding the region's lease, whose book moves; null: a region of followers only (the DR replica) */
  primary: string | null;
  /** replaced first (the in-sync standby) */
  standby: string;
  /** replaced after the switch: the old primary (or a follower-only region's other host); null: none */
  second: string | null;
  addresses: Record<string, string>;
  /** the epoch the old primary is fenced at (the lease too, for nobody); the new primary takes the next */
  newEpoch: number;
  startedAt: number;
  watchSeconds: number;
  pollSeconds: number;
  readyTimeoutSeconds: number;
}

export interface Fencing {
  lastSeq: number;
  checksum: string;
  /** when the old primary stopped taking orders: the write outage counts from here */
  fencedAt: number;
}

export interface Ready {
  ready: boolean;
  /** when a replaced host must be ready by (ms since the epoch) */
  readyBy: number;
  health?: Pick<HostHealth, 'role' | 'version' | 'lastSeq' | 'replicas' | 'lagCommands'>;
}

export interface Watch {
  until: number;
  done: boolean;
  firing: string[];
  breaches: Record<string, number>;
}

export interface ReleaseState {
  input: unknown;
  startedAt: string;
  executionArn: string;
  plan: ReleasePlan;
  replaced?: { at: number };
  ready?: Ready;
  fencing?: Fencing;
  promoted?: { at: number; epoch: number };
  watch?: Watch;
  failback?: { epoch: number; handedBack: boolean; notes: string[] };
  abort?: { notes: string[] };
  error?: { Error?: string; Cause?: string };
}

export type ReleaseOutcome = 'completed' | 'rolled_back' | 'aborted' | 'failed';

export interface ReleaseResult {
  outcome: ReleaseOutcome;
  region: string;
  version: string;
  previous: string;
  /** the host that holds the book now */
  primary: string | null;
  /** from the old primary's fence to the new primary's promotion (the write outage the release caused) */
  handover_ms: number | null;
  firing: string[];
  executionArn: string;
  reason?: string;
}

export interface HostReleaseOptions {
  control: ControlStore;
  leases: LeaseStore;
  /** region → host id → that host's admin client */
  hosts: Record<string, Record<string, HostAdminPort>>;
  /** region → host id → gRPC address */
  addresses: Record<string, Record<string, string>>;
  fleet: HostFleet;
  /** the alarms watched for a release of `region`'s hosts */
  alarms: (region: string) => ReleaseAlarms;
  audit: AuditLog;
  notices: DrNotices;
  /** this stack's region: the one a release moves unless its input names another */
  region: string;
  /** the regions a release may name (default: this stack's only); locally, every region of the stack */
  regions?: string[];
  watchSeconds: number;
  pollSeconds: number;
  readyTimeoutSeconds: number;
  /** how far a replaced host may trail its primary and still count as caught up (commands) */
  maxLagCommands?: number;
  now?: () => number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** the watch's count of failed reads of the alarms, kept beside the breaches */
const UNREAD = 'alarms-unread';

export class HostReleaseService {
  private readonly now: () => number;

  constructor(private readonly o: HostReleaseOptions) {
    this.now = o.now ?? Date.now;
  }

  private admin(plan: Pick<ReleasePlan, 'region'>, id: string): HostAdminPort {
    const h = this.o.hosts[plan.region]?.[id];
    if (!h) throw new Error(`no host ${id} in ${plan.region}`);
    return h;
  }

  /**
   * A host's Health, asked again (every 100 ms) until `until` while it fails: a busy host or a
   * channel reconnecting is not a host gone. The last failure is thrown past the deadline.
   */
  private async healthUntil(plan: Pick<ReleasePlan, 'region'>, id: string, until: number): Promise<HostHealth> {
    for (;;) {
      try {
        return await this.admin(plan, id).health();
      } catch (e) {
        if (this.now() >= until) throw e;
        await sleep(100);
      }
    }
  }

  /**
   * Claim the region's lease for nobody at `epoch`, conditional on the lease being exactly what the
   * caller read (its version): a decision taken on that read must not stand on a lease that moved
   * since (a renewal that dropped a standby from its in-sync set, a takeover).
   */
  private async claimFrom(region: string, decide: (read: Lease | null) => number): Promise<Lease | null> {
    // a live primary renews every half second: a read and its claim rarely straddle one, and are tried again if they do
    for (let attempt = 1; attempt <= 5; attempt++) {
      const read = await this.o.leases.read(region);
      const next: Lease = { region, holder: '', epoch: decide(read), version: (read?.version ?? 0) + 1, inSync: [], leaseMs: 3_000 };
      if (await this.o.leases.write(next, read?.version ?? 0)) return read;
    }
    throw new HandoverFailed(`the lease of ${region} kept moving while the release decided on it: an operator decides`);
  }

  /**
   * Plan: who is primary, who is the in-sync standby, which build runs now. A release starts only
   * from a healthy pair (the standby in the lease's in-sync set: it is what a failback returns to)
   * with none of the watched alarms firing, and holds the runbook lock (no DR runbook meanwhile).
   */
  async plan(state: Pick<ReleaseState, 'input' | 'startedAt' | 'executionArn'>): Promise<ReleasePlan> {
    const parsed = releaseInputSchema.safeParse(state.input);
    if (!parsed.success) throw new InvalidInput(parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; '));
    const input = parsed.data;
    const region = input.region ?? this.o.region;
    if (!(this.o.regions ?? [this.o.region]).includes(region))
      throw new InvalidInput(`this stack releases the hosts of ${this.o.region} only`);
    const hosts = Object.hasOwn(this.o.hosts, region) ? this.o.hosts[region] : undefined;
    const addresses = Object.hasOwn(this.o.addresses, region) ? this.o.addresses[region] : undefined;
    if (!hosts || !addresses) throw new InvalidInput(`no matching hosts are configured in ${region}`);
    const ids = Object.keys(hosts);
    const now = this.now();
    await this.o.control.claimRunbook(
      executionName(state.executionArn),
      new Date(now + 2 * 60 * 60_000).toISOString(),
      new Date(now).toISOString(),
    );
    try {
      const seen = await Promise.all(ids.map(async (id) => ({ id, h: await hosts[id].health().catch(() => null) })));
      const down = seen.filter((s) => !s.h).map((s) => s.id);
      if (down.length > 0) throw new HostsNotAnswering(`host(s) ${down.join(', ')} in ${region} do not answer`);
      const health = Object.fromEntries(seen.map((s) => [s.id, s.h as HostHealth]));
      // three looks: an alarm that needs several breached looks in a row is seen firing
      const alarms = this.o.alarms(region);
      let look = await alarms.firing({});
      for (let i = 1; i < 3 && look.firing.length === 0; i++) look = await alarms.firing(look.breaches);
      const firing = look.firing;
      const lease = await this.o.leases.read(region);
      const holder = lease?.holder && ids.includes(lease.holder) && health[lease.holder].role === 'primary' ? lease.holder : null;
      if (ids.length > 2) throw new NotReleasable(`${region} has ${ids.length} hosts: a release moves a pair (or one host)`);
      let standby: string;
      let second: string | null;
      if (holder) {
        const others = ids.filter((id) => id !== holder);
        const inSync = others.find((id) => lease?.inSync.includes(id) && health[id].role === 'standby');
        if (!inSync) throw new NotReleasable(`no standby of ${holder} in ${region} is in sync: a release needs one to hand the book to`);
        if (firing.length > 0) throw new NotReleasable(`alarms already firing: ${firing.join(', ')}`);
        standby = inSync;
        second = holder;
      } else {
        if (ids.some((id) => health[id].role === 'primary'))
          throw new NotReleasable(`a host in ${region} is primary without holding the lease: fix that first`);
        standby = ids[0];
        second = ids[1] ?? null;
      }
      const previous = health[holder ?? standby].version;
      return {
        // every host runs it already (a deploy run again, or a stage's first): nothing to move
        upToDate: ids.every((id) => health[id].version === input.bundleVersion),
        region,
        version: input.bundleVersion,
        previous,
        primary: holder,
        standby,
        second,
        addresses,
        newEpoch: Math.max(lease?.epoch ?? 0, ...Object.values(health).map((h) => h.epoch)) + 1,
        startedAt: Date.parse(state.startedAt) || now,
        watchSeconds: input.watchSeconds ?? this.o.watchSeconds,
        pollSeconds: this.o.pollSeconds,
        readyTimeoutSeconds: this.o.readyTimeoutSeconds,
      };
    } catch (e) {
      await this.o.control.releaseRunbook(executionName(state.executionArn));
      throw e;
    }
  }

  /** Replace a host so it comes back on `version` (its journal and address stay). */
  async replace(p: { state: ReleaseState; host: string; version: string }): Promise<{ at: number }> {
    if (!RELEASE_VERSION.test(p.version)) throw new InvalidInput(`not a release version: ${p.version}`);
    await this.o.fleet.replace(p.host, p.version);
    return { at: this.now() };
  }

  /**
   * Is the replaced host back on `version`, following, caught up, and (in a region with a primary)
   * in the lease's in-sync set? Not yet: ready false (the state waits and asks again); past the
   * deadline: HostNotReady.
   */
  async ready(p: { state: ReleaseState; host: string; version: string }): Promise<Ready> {
    const plan = p.state.plan;
    const readyBy = (p.state.replaced?.at ?? this.now()) + plan.readyTimeoutSeconds * 1000;
    const h = await this.admin(plan, p.host)
      .health()
      .catch(() => null);
    const lease = plan.primary ? await this.o.leases.read(plan.region) : null;
    const ok =
      h !== null &&
      h.version === p.version &&
      h.role === 'standby' &&
      h.journalHealthy &&
      h.replicas === 1 &&
      h.lagCommands <= (this.o.maxLagCommands ?? 1_000) &&
      (lease === null || lease.inSync.includes(p.host));
    const health = h
      ? { role: h.role, version: h.version, lastSeq: h.lastSeq, replicas: h.replicas, lagCommands: h.lagCommands }
      : undefined;
    if (!ok && this.now() > readyBy)
      throw new HostNotReady(
        `${p.host} is not back in sync on ${p.version} after ${plan.readyTimeoutSeconds} s: ${h ? JSON.stringify(health) : 'it does not answer'}`,
      );
    return { ready: ok, readyBy, health };
  }

  /**
   * Fence the primary at the new epoch: the region's lease first (from here no host renews it or
   * takes it over by itself), then the host, which stops taking orders and lets its standby take
   * what it accepted.
   */
  async fence(state: ReleaseState): Promise<Fencing> {
    const { plan } = state;
    const primary = plan.primary as string;
    // a primary that does not answer could not be fenced, nor given the book back by an abort: claim nothing
    const before = await this.healthUntil(plan, primary, this.now() + 5_000).catch(() => null);
    if (before?.role !== 'primary') throw new HandoverFailed(`${primary} does not answer as the primary: nothing was fenced`);
    // null: the lease moved past the plan's epoch (a host took it over by itself): start again from a new plan
    if (!(await claimLease(this.o.leases, plan.region, '', plan.newEpoch, 3_000)))
      throw new HandoverFailed(`the lease of ${plan.region} moved past epoch ${plan.newEpoch} since the plan`);
    const fencedAt = this.now();
    const h = await this.admin(plan, primary)
      .fence(plan.newEpoch)
      .catch(async (e: unknown) => {
        // the reply may be lost while the fence held
        const now = await this.admin(plan, primary)
          .health()
          .catch(() => null);
        if (now && now.role === 'standby' && now.epoch >= plan.newEpoch) return now;
        throw new HandoverFailed(`could not fence ${primary}: ${e instanceof Error ? e.message : String(e)}`);
      });
    if (h.role !== 'standby') throw new HandoverFailed(`${primary} is still ${h.role} at epoch ${h.epoch}`);
    return { lastSeq: h.lastSeq, checksum: h.checksum, fencedAt };
  }

  /** The standby holds exactly what the fenced primary last had: same last seq, same book checksum. */
  async verify(state: ReleaseState): Promise<{ lastSeq: number; checksum: string }> {
    const { plan } = state;
    const f = state.fencing as Fencing;
    const until = this.now() + 10_000;
    for (;;) {
      const s = await this.healthUntil(plan, plan.standby, until);
      if (s.lastSeq >= f.lastSeq) {
        if (s.lastSeq !== f.lastSeq || s.checksum !== f.checksum)
          throw new ChecksumMismatch(
            `standby at seq ${s.lastSeq} checksum ${s.checksum}; primary at seq ${f.lastSeq} checksum ${f.checksum}`,
          );
        return { lastSeq: s.lastSeq, checksum: s.checksum };
      }
      if (this.now() >= until) throw new HandoverFailed(`the standby holds seq ${s.lastSeq}, the fenced primary had ${f.lastSeq}`);
      await sleep(20);
    }
  }

  /**
   * Promote the standby one epoch above the fence: a host takes its region's lease only at an epoch
   * above the lease's, and the fence wrote the lease (for nobody) at the fence's epoch. It takes the
   * lease at once, and clients find it there.
   */
  async promote(state: ReleaseState): Promise<{ at: number; epoch: number }> {
    const { plan } = state;
    const epoch = plan.newEpoch + 1;
    const host = this.admin(plan, plan.standby);
    const now = await this.healthUntil(plan, plan.standby, this.now() + 5_000);
    if (!(now.role === 'primary' && now.epoch === epoch)) await host.promote(epoch);
    return { at: this.now(), epoch };
  }

  /** The old primary follows the new one: the in-sync standby a failback would hand the book back to. */
  async followNewPrimary(state: ReleaseState): Promise<{ following: boolean }> {
    const { plan } = state;
    await this.admin(plan, plan.primary as string).fence(plan.newEpoch + 1, plan.addresses[plan.standby]);
    return { following: true };
  }

  /** One look at the alarms; done once the watch has lasted its time with none firing. */
  async watch(state: ReleaseState): Promise<Watch> {
    const until = state.watch?.until ?? this.now() + state.plan.watchSeconds * 1000;
    const previous = state.watch?.breaches ?? {};
    try {
      const { firing, breaches } = await this.o.alarms(state.plan.region).firing(previous);
      return { until, firing, breaches: { ...breaches, [UNREAD]: 0 }, done: firing.length === 0 && this.now() >= until };
    } catch (e) {
      // the alarms could not be read: looked at again, and only a run of failures counts (as an alarm)
      const unread = (previous[UNREAD] ?? 0) + 1;
      if (unread >= 5)
        throw new HandoverFailed(`the alarms could not be read ${unread} times: ${e instanceof Error ? e.message : String(e)}`);
      return { until: Math.max(until, this.now() + 1), firing: [], breaches: { ...previous, [UNREAD]: unread }, done: false };
    }
  }

  /**
   * An alarm fired after the switch: the book goes back to the old build. If the old primary does
   * not hold it already (the lease may have moved it there by itself, when the new build died), the
   * same steps as the switch, the other way, at the next epoch: fence the new primary, verify,
   * promote the old one, the new one follows. Then the standby is replaced by the old build.
   */
  async failback(state: ReleaseState): Promise<{ epoch: number; handedBack: boolean; notes: string[] }> {
    const { plan } = state;
    const back = plan.primary as string;
    const notes: string[] = [];
    const old = await this.healthUntil(plan, back, this.now() + 5_000);
    if (old.role === 'primary') {
      notes.push(`${back} (${old.version}) holds the book already`);
      return { epoch: old.epoch, handedBack: false, notes };
    }
    // fenced at one epoch, promoted at the next (the lease is taken only above its own epoch); decided on
    // the very lease the claim replaces
    let epoch = 0;
    const lease = await this.claimFrom(plan.region, (l) => (epoch = Math.max(plan.newEpoch + 1, l?.epoch ?? 0, old.epoch) + 1));
    // whether the old build was in the new one's in-sync set, or nobody acknowledged since the fence
    const wasInSync = lease?.holder === plan.standby && lease.inSync.includes(back);
    const sinceFence = lease?.holder === '' && lease.epoch === plan.newEpoch;
    const fenced = await this.admin(plan, plan.standby)
      .fence(epoch)
      .catch((e: unknown) => {
        notes.push(`${plan.standby} not fenced: ${e instanceof Error ? e.message : String(e)}`);
        return null;
      });
    if (fenced) {
      try {
        const until = this.now() + 10_000;
        for (;;) {
          const h = await this.healthUntil(plan, back, until);
          if (h.lastSeq >= fenced.lastSeq) {
            if (h.lastSeq !== fenced.lastSeq || h.checksum !== fenced.checksum)
              throw new ChecksumMismatch(
                `${back} at seq ${h.lastSeq} checksum ${h.checksum}; ${plan.standby} at ${fenced.lastSeq} ${fenced.checksum}`,
              );
            break;
          }
          if (this.now() >= until) throw new HandoverFailed(`${back} holds seq ${h.lastSeq}, ${plan.standby} had ${fenced.lastSeq}`);
          await sleep(20);
        }
      } catch (e) {
        // the old build cannot take the book: the new one, fenced, holds everything acknowledged; it gets it back
        await this.admin(plan, plan.standby).promote(epoch + 1);
        throw e;
      }
    } else {
      // the new build does not answer: the lease-keeper's takeover rule. The old build may take the
      // book only if the lease listed it in sync (every ack waited for it), or nobody acknowledged
      // since the fence; and only once the unreachable holder's lease has run out since the claim
      if (!wasInSync && !sinceFence)
        throw new HandoverFailed(`${plan.standby} does not answer and ${back} was not in sync with it: an operator decides`);
      await sleep(lease?.leaseMs ?? 3_000);
    }
    await this.admin(plan, back).promote(epoch + 1);
    await this.admin(plan, plan.standby)
      .fence(epoch + 1, plan.addresses[back])
      .catch(() => notes.push(`${plan.standby} does not follow ${back} yet (it rejoins when replaced)`));
    return { epoch: epoch + 1, handedBack: true, notes };
  }

  /**
   * A failure before the switch: the old primary keeps the book, or gets it back above every epoch
   * handed out if the fence had taken it (the lease was claimed, or the host fenced); then the
   * standby goes back to the old build. A standby that was promoted after all keeps the book (a
   * failback, not an abort, moves it: the state machine sends a failed Promote there).
   */
  async abort(state: ReleaseState): Promise<{ notes: string[] }> {
    const { plan } = state;
    const notes: string[] = [];
    const health = (id: string): Promise<HostHealth | null> => this.healthUntil(plan, id, this.now() + 5_000).catch(() => null);
    const s = await health(plan.standby);
    if (plan.primary) {
      const [p, lease] = await Promise.all([health(plan.primary), this.o.leases.read(plan.region)]);
      if (s?.role === 'primary' || (lease?.holder === plan.standby && lease.epoch >= plan.newEpoch)) {
        // promoted after all, or it took the lease by itself: it may hold acks the old primary lacks
        notes.push(`${plan.standby} holds the book (epoch ${lease?.epoch ?? s?.epoch}): it keeps it on ${plan.version}`);
        return { notes };
      }
      if (!p) notes.push(`${plan.primary} does not answer: the lease is left as it is, for an operator`);
      else if (!(p.role === 'primary' && lease?.holder === plan.primary)) {
        // fenced (or fencing itself): nobody acknowledged since the fence, and it holds all that was acknowledged
        let base = 0;
        await this.claimFrom(plan.region, (l) => (base = Math.max(plan.newEpoch, l?.epoch ?? 0, p.epoch, s?.epoch ?? 0)) + 1);
        if (p.role === 'primary') await this.admin(plan, plan.primary).fence(base + 1);
        await this.admin(plan, plan.primary).promote(base + 2);
        notes.push(`${plan.primary} has the book back at epoch ${base + 2}`);
      }
    }
    // the standby back on the old build unless it runs it (a replacement may have begun before its step failed)
    if (s?.version !== plan.previous) {
      await this.o.fleet.replace(plan.standby, plan.previous);
      notes.push(`${plan.standby} goes back to ${plan.previous}`);
    }
    return { notes };
  }

  /** The result: an audit record and a broker event whatever the outcome; the runbook lock is released. */
  async notify(state: Partial<ReleaseState> & Pick<ReleaseState, 'executionArn'>, outcome: ReleaseOutcome): Promise<ReleaseResult> {
    const plan = state.plan;
    const input = (state.input ?? {}) as Partial<ReleaseInput>;
    const handedOver = state.promoted && state.fencing;
    const rolledBack = outcome === 'rolled_back' && state.failback;
    const result: ReleaseResult = {
      outcome,
      region: plan?.region ?? String(input.region ?? this.o.region),
      version: plan?.version ?? String(input.bundleVersion ?? ''),
      previous: plan?.previous ?? '',
      primary: !plan?.primary
        ? null
        : rolledBack || !(handedOver || state.abort?.notes.some((n) => n.includes('keeps it')))
          ? plan.primary
          : plan.standby,
      handover_ms: handedOver ? Math.max(0, (state.promoted as { at: number }).at - (state.fencing as Fencing).fencedAt) : null,
      firing: state.watch?.firing ?? [],
      executionArn: state.executionArn,
      ...(state.error && outcome !== 'completed' ? { reason: failureReason(state.error) } : {}),
    };
    const execution = executionName(state.executionArn);
    // a release that failed to plan never held the lock: releasing one we do not hold is a no-op
    await this.o.control.releaseRunbook(execution);
    await this.o.audit.record({
      userId: 'system:release',
      action: 'host.release',
      outcome: outcome === 'completed' ? 'succeeded' : 'failed',
      actorId: String(input.requestedBy ?? 'deploy').slice(0, 128),
      requestId: execution,
      ip: '',
      details: {
        region: result.region,
        version: result.version,
        previous: result.previous,
        primary: result.primary,
        handover_ms: result.handover_ms,
        firing: result.firing.join(','),
        executionArn: state.executionArn,
        outcome,
        reason: String(input.reason ?? '').slice(0, 500),
        error: result.reason ?? null,
      },
      key: { time: this.now(), id: `${execution}:${outcome}` },
    });
    await this.o.notices.announce(`host.release.${outcome}`, { ...result }, `${execution}:${outcome}`);
    return result;
  }
}
