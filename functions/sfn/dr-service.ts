/**
 * The DR runbooks' steps (statemachines/dr-failover.asl.json, dr-failback.asl.json), one method
 * per Task state. Each takes the execution's state so far and returns its own part; what it
 * throws is matched by the state machine's Retry and Catch by name.
 *
 * Failover moves the active region to the standby whether or not the primary answers; failback
 * moves it back once the old primary is healthy and follows the new one. Both fence before they
 * promote (a host refuses orders once fenced), verify the standby holds exactly what the primary
 * last had, and switch the control record with a compare-and-set on its epoch.
 */
import { z } from 'zod';
import { ActiveRegionChanged, type ActiveRegion, type ControlStore } from '../shared/ports/control-store';
import type { AuditLog } from '../shared/ports/audit-log';
import type { DrNotices } from './ports/dr-notices';
import type { HostAdminPort, HostHealth } from '../shared/ports/matching-host';
import { claimLease, type LeaseStore } from '../../matching-host/proto/lease';
import { probe, type ProbeOptions } from '../shared/probe';

export type Runbook = 'failover' | 'failback';

/** An error class whose name the state machines' Retry and Catch match. */
function runbookError<N extends string>(name: N) {
  return class extends Error {
    override readonly name: N = name;
  };
}
export const StandbyUnhealthy = runbookError('StandbyUnhealthy');
export const PrimaryUnhealthy = runbookError('PrimaryUnhealthy');
export const StandbyBehind = runbookError('StandbyBehind');
export const ChecksumMismatch = runbookError('ChecksumMismatch');
/** The situation moved between the assessment an operator approved and the run. */
export const StaleApproval = runbookError('StaleApproval');
export const InvalidInput = runbookError('InvalidInput');

export const runbookInputSchema = z.object({
  reason: z.string().trim().min(1).max(500),
  requestedBy: z.string().trim().min(1).max(128),
  autoApprove: z.boolean().default(false),
});
export type RunbookInput = z.infer<typeof runbookInputSchema>;

/** A host as the assessment found it. */
export type HostView =
  | { region: string; address: string; reachable: true; health: HostHealth }
  | { region: string; address: string; reachable: false; error: string };

export interface Assessment {
  runbook: Runbook;
  autoApprove: boolean;
  /** ms since the epoch: when the execution started (RTO counts from here) */
  startedAt: number;
  /** the active region now, and the one the runbook makes active */
  from: HostView;
  to: HostView;
  /** the control record's epoch now (0: no record yet) */
  recordEpoch: number;
  /** the epoch the new primary gets; the old one is fenced at it */
  newEpoch: number;
}

export interface Fencing {
  /** false: the primary did not answer; it is cut off by the switch and fenced when it returns */
  fenced: boolean;
  lastSeq: number;
  checksum: string;
  error?: string;
}

export interface Verification {
  lastSeq: number;
  checksum: string;
  /** compared with the fenced primary's checksum (false when the primary was unreachable) */
  checksumVerified: boolean;
  /** acknowledged commands the new primary does not hold */
  rpoOrders: number;
  /**
   * Exact when the primary was fenced (the standby took everything it had). With the primary
   * gone it is a lower bound: what the primary acknowledged after its last report to the standby
   * is unknown (with synchronous replication, nothing, unless it was already acknowledging
   * unreplicated); the old primary counts what it drops when it rejoins (Health.discarded).
   */
  rpoExact: boolean;
  /**
   * How old the oldest acknowledged command the new primary lacks was when the runbook looked (the
   * DR replica's lag in time: with asynchronous replication, the RPO in milliseconds).
   */
  rpoMs: number;
}

export interface Switch {
  switchedAt: number;
  rtoSeconds: number;
}

export interface RunbookState {
  runbook: Runbook;
  input: RunbookInput;
  startedAt: string;
  executionArn: string;
  assessment: Assessment;
  fencing: Fencing;
  verification: Verification;
  switch: Switch;
  rollback?: { alreadySwitched?: boolean; rtoSeconds?: number };
  /** what a failed step threw (Catch ResultPath) */
  error?: { Error?: string; Cause?: string };
}

export interface RunbookResult {
  runbook: Runbook;
  outcome: 'completed' | 'rolled_back' | 'rejected' | 'aborted';
  from: string;
  to: string;
  epoch: number;
  rto_s: number | null;
  rpo_orders: number | null;
  /** false: rpo_orders is a lower bound (the primary was gone; see Verification.rpoExact) */
  rpo_exact: boolean | null;
  /** the replica's lag in time when it was promoted (0 when nothing acknowledged was missing) */
  rpo_ms: number | null;
  /** the old primary's count of commands acknowledged without a standby, as last known */
  unreplicated_acks: number | null;
  executionArn: string;
  reason?: string;
}

export interface DrServiceOptions {
  control: ControlStore;
  /** region → its host's admin client */
  hosts: Record<string, HostAdminPort>;
  /** region → gRPC address (a fenced host is told whom to follow), unless the region's port names it */
  addresses: Record<string, string>;
  /** the regions' primary leases: a runbook fences the region it leaves there too, so no standby of it takes over */
  leases?: LeaseStore;
  primaryRegion: string;
  audit: AuditLog;
  notices: DrNotices;
  now?: () => number;
  /** how long one CatchUp invocation waits for the standby (the state retries it) */
  catchUpWaitMs?: number;
  /** how far behind (commands) a standby may be for a failback to start */
  failbackMaxLag?: number;
  /** approvals expire after this */
  approvalTtlMs?: number;
  /** may a runbook skip the second operator (drills)? Checked here, whoever started the execution */
  autoApproveAllowed: boolean;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/**
 * a host's Health in an assessment: 6 attempts over 2-4 s (each call has its own deadline and retries):
 * longer than the client's breaker stays open (1 s), so a breaker a failed host opened is not the verdict
 */
const HEALTH_PROBE: ProbeOptions = { attempts: 6, initialDelayMs: 250, maxDelayMs: 1_000 };

export class DrService {
  private readonly now: () => number;

  constructor(private readonly o: DrServiceOptions) {
    this.now = o.now ?? Date.now;
  }

  private host(region: string): HostAdminPort {
    const h = this.o.hosts[region];
    if (!h) throw new Error(`no matching host configured for region ${region}`);
    return h;
  }

  /**
   * A host's health, asked again with backoff when it fails (a channel reconnecting is not a host
   * down); unreachable once the attempts are spent, saying what was probed, how often, and why.
   */
  private async view(region: string): Promise<HostView> {
    let address = this.o.addresses[region];
    try {
      // a region of several hosts: the one its lease names (or, with none, the one that answers and holds the most)
      address = (await this.host(region).currentAddress?.()) ?? address;
      return {
        region,
        address,
        reachable: true,
        health: await probe(`Health of ${region} (${address})`, () => this.host(region).health(), HEALTH_PROBE),
      };
    } catch (e) {
      return { region, address, reachable: false, error: e instanceof Error ? e.message : String(e) };
    }
  }

  /**
   * Assess: which region is active, and can the other take over? Failover needs a healthy standby
   * (the primary may be gone: that is what failover is for). Failback also needs the current
   * primary healthy and the target following it, caught up to within `failbackMaxLag`.
   */
  async assess(
    state: Pick<RunbookState, 'startedAt' | 'runbook' | 'executionArn'> & { input: unknown; assessment?: Assessment },
  ): Promise<Assessment> {
    // one runbook at a time (held through an approval; released when it ends, or after 30 minutes)
    const now = this.now();
    await this.o.control.claimRunbook(
      executionName(state.executionArn),
      new Date(now + 30 * 60_000).toISOString(),
      new Date(now).toISOString(),
    );
    const approved = state.assessment;
    // assessed again after an approval: it must still be the move the operator approved
    if (approved) {
      const record = await this.o.control.activeRegion();
      const now = { region: record?.region ?? this.o.primaryRegion, epoch: record?.epoch ?? 0 };
      if (now.region !== approved.from.region || now.epoch !== approved.recordEpoch)
        throw new StaleApproval(
          `approved: ${approved.from.region} → ${approved.to.region} at record epoch ${approved.recordEpoch}; now ${now.region} is active at ${now.epoch}`,
        );
    }
    return this.assessNow(state);
  }

  private async assessNow(state: Pick<RunbookState, 'startedAt' | 'runbook'> & { input: unknown }): Promise<Assessment> {
    const runbook = state.runbook;
    const parsed = runbookInputSchema.safeParse(state.input);
    if (!parsed.success) throw new InvalidInput(parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; '));
    if (parsed.data.autoApprove && !this.o.autoApproveAllowed)
      throw new InvalidInput('autoApprove is off in this stage: a second operator approves');
    const record = await this.o.control.activeRegion();
    const active = record?.region ?? this.o.primaryRegion;
    const others = Object.keys(this.o.hosts).filter((r) => r !== active);
    if (others.length !== 1) throw new StandbyUnhealthy(`expected exactly one standby region besides ${active}, found ${others.length}`);
    const [from, to] = await Promise.all([this.view(active), this.view(others[0])]);
    if (!to.reachable) throw new StandbyUnhealthy(`the standby in ${to.region} does not answer: ${to.error}`);
    const t = to.health;
    if (!t.journalHealthy) throw new StandbyUnhealthy(`the standby in ${to.region} cannot make commands durable`);
    if (t.role !== 'standby') throw new StandbyUnhealthy(`the host in ${to.region} is ${t.role}, not a standby`);
    if (runbook === 'failback') {
      if (!from.reachable) throw new PrimaryUnhealthy(`the primary in ${from.region} does not answer: ${from.error}; use failover`);
      if (from.health.role !== 'primary') throw new PrimaryUnhealthy(`the host in ${from.region} is ${from.health.role}, not the primary`);
      const lag = from.health.lastSeq - t.lastSeq;
      if (t.replicas < 1 || lag > (this.o.failbackMaxLag ?? 10_000))
        throw new StandbyUnhealthy(
          `the host in ${to.region} has not caught up from ${from.region} (following: ${t.replicas > 0}, behind by ${lag})`,
        );
    }
    const epochs = [record?.epoch ?? 0, t.epoch, from.reachable ? from.health.epoch : 0];
    return {
      runbook,
      autoApprove: parsed.data.autoApprove,
      startedAt: Date.parse(state.startedAt) || this.now(),
      from,
      to,
      recordEpoch: record?.epoch ?? 0,
      newEpoch: Math.max(...epochs) + 1,
    };
  }

  /** Approval: park the task token where a second operator finds it (API route or `npm run dr:approve`). */
  async requestApproval(state: RunbookState, taskToken: string): Promise<void> {
    const a = state.assessment;
    const execution = executionName(state.executionArn);
    const summary = {
      from: a.from.region,
      to: a.to.region,
      newEpoch: a.newEpoch,
      primaryReachable: a.from.reachable,
      primaryLastSeq: a.from.reachable ? a.from.health.lastSeq : null,
      standbyLastSeq: a.to.reachable ? a.to.health.lastSeq : null,
      // the RPO promoting the standby now would cause: acknowledged commands it lacks, and how old the oldest is
      standbyLagCommands: a.to.reachable ? a.to.health.lagCommands : null,
      standbyLagMs: a.to.reachable ? a.to.health.lagMs : null,
    };
    const expiresAt = new Date(this.now() + (this.o.approvalTtlMs ?? 15 * 60_000)).toISOString();
    const { requestedBy, reason } = state.input;
    await this.o.control.putApproval({ execution, taskToken, runbook: a.runbook, requestedBy, reason, expiresAt, summary });
    await this.o.notices.announce(
      `dr.${a.runbook}.approval-requested`,
      { execution, executionArn: state.executionArn, requestedBy, reason, expiresAt, ...summary },
      `approval:${execution}`,
    );
  }

  /**
   * Fence the primary at the new epoch: from here it refuses orders. A primary that does not
   * answer cannot be fenced now; the switch cuts it off (nothing routes to it) and it is fenced
   * as it rejoins. Failback needs the fence to hold (the primary is alive and taking orders).
   */
  async fencePrimary(state: RunbookState): Promise<Fencing> {
    const a = state.assessment;
    const host = this.host(a.from.region);
    // the region's lease first: from here no host there can renew it or take it over by itself
    if (this.o.leases) await claimLease(this.o.leases, a.from.region, '', a.newEpoch, 3_000);
    try {
      const h = await host.fence(a.newEpoch);
      if (h.role !== 'standby') throw new Error(`still ${h.role} at epoch ${h.epoch}`);
      return { fenced: true, lastSeq: h.lastSeq, checksum: h.checksum };
    } catch (e) {
      // the reply may have been lost while the fence held: ask before concluding it did not
      const now = await host.health().catch(() => null);
      if (now && now.role === 'standby' && now.epoch >= a.newEpoch) return { fenced: true, lastSeq: now.lastSeq, checksum: now.checksum };
      const error = e instanceof Error ? e.message : String(e);
      // a primary that answers but cannot fence itself must have a working journal to be a risk:
      // with a failed one it acknowledges nothing, so the failover goes on as if it were gone
      if (a.runbook === 'failback' || (now && now.journalHealthy))
        throw new PrimaryUnhealthy(`could not fence the primary in ${a.from.region}: ${error}`);
      return { fenced: false, lastSeq: a.to.reachable ? a.to.health.replicatedSeq : 0, checksum: '', error };
    }
  }

  /**
   * Make sure the standby holds everything: it restored its newest snapshot and replayed its
   * journal when it started, and has been applying the primary's stream since. Wait until it
   * holds the fenced primary's last seq (or, primary gone, the last seq the primary reported as
   * acknowledged). Throws StandbyBehind for the state to retry, then to roll back.
   */
  async catchUp(state: RunbookState): Promise<{ lastSeq: number; target: number }> {
    // the primary is gone: its stream ended with it, nothing more will arrive (verify counts the gap)
    if (!state.fencing.fenced)
      return { lastSeq: (await this.host(state.assessment.to.region).health()).lastSeq, target: state.fencing.lastSeq };
    const target = state.fencing.lastSeq;
    const until = this.now() + (this.o.catchUpWaitMs ?? 10_000);
    for (;;) {
      const h = await this.host(state.assessment.to.region).health();
      if (h.lastSeq >= target) return { lastSeq: h.lastSeq, target };
      if (this.now() >= until) throw new StandbyBehind(`the standby holds seq ${h.lastSeq}, the primary had ${target}`);
      await sleep(100);
    }
  }

  /** Verify: the standby's last seq and book checksum equal the fenced primary's. */
  async verify(state: RunbookState): Promise<Verification> {
    const a = state.assessment;
    const s = await this.host(a.to.region).health();
    const f = state.fencing;
    if (f.fenced) {
      if (s.lastSeq !== f.lastSeq || s.checksum !== f.checksum)
        throw new ChecksumMismatch(
          `standby at seq ${s.lastSeq} checksum ${s.checksum}; primary at seq ${f.lastSeq} checksum ${f.checksum}`,
        );
      return { lastSeq: s.lastSeq, checksum: s.checksum, checksumVerified: true, rpoOrders: 0, rpoExact: true, rpoMs: 0 };
    }
    // the primary is gone: what it acknowledged is known up to its last report to the standby
    const acked = Math.max(f.lastSeq, s.replicatedSeq);
    return {
      lastSeq: s.lastSeq,
      checksum: s.checksum,
      checksumVerified: false,
      rpoOrders: Math.max(0, acked - s.lastSeq),
      rpoExact: false,
      rpoMs: acked > s.lastSeq ? s.lagMs : 0,
    };
  }

  async promote(state: RunbookState): Promise<HostHealth> {
    const a = state.assessment;
    const host = this.host(a.to.region);
    const now = await host.health();
    // a retried Promote that had succeeded
    if (now.role === 'primary' && now.epoch === a.newEpoch) return now;
    return host.promote(a.newEpoch);
  }

  /** Switch the active region (compare-and-set on the epoch; a retry that had succeeded passes). */
  async switchRegion(state: RunbookState): Promise<Switch> {
    const a = state.assessment;
    const next: ActiveRegion = {
      region: a.to.region,
      epoch: a.newEpoch,
      since: new Date(this.now()).toISOString(),
      changedBy: state.executionArn,
    };
    try {
      await this.o.control.switchActiveRegion(next, a.recordEpoch);
    } catch (e) {
      const r = e instanceof ActiveRegionChanged ? await this.o.control.activeRegion() : null;
      if (!(r && r.region === next.region && r.epoch === next.epoch && r.changedBy === next.changedBy)) throw e;
    }
    const switchedAt = this.now();
    return { switchedAt, rtoSeconds: (switchedAt - a.startedAt) / 1000 };
  }

  /** The old primary, if it answers, follows the new one (it is the next failback's standby). */
  async followNewPrimary(state: RunbookState): Promise<{ following: boolean; error?: string }> {
    const a = state.assessment;
    try {
      await this.host(a.from.region).fence(a.newEpoch, a.to.address);
      return { following: true };
    } catch (e) {
      return { following: false, error: e instanceof Error ? e.message : String(e) };
    }
  }

  /**
   * Roll back to a safe state after a failure before the switch: the standby is fenced (at an
   * epoch above any the runbook handed out) and follows the old primary again; the old primary
   * is given back its role only if the switch never happened, which is the only way here.
   */
  async rollback(state: RunbookState): Promise<{
    standbyFenced: boolean;
    primaryRestored: boolean;
    epoch: number;
    notes: string[];
    alreadySwitched?: boolean;
    rtoSeconds?: number;
  }> {
    const a = state.assessment;
    const epoch = a.newEpoch + 1;
    const notes: string[] = [];
    const record = await this.o.control.activeRegion();
    if (record && record.region === a.to.region && record.epoch === a.newEpoch && record.changedBy === state.executionArn) {
      // the switch task failed after writing the record: the failover happened; never undo it
      notes.push('the active region had been switched: the runbook completes');
      return {
        standbyFenced: false,
        primaryRestored: false,
        epoch: a.newEpoch,
        notes,
        alreadySwitched: true,
        rtoSeconds: (Date.parse(record.since) - a.startedAt) / 1000,
      };
    }
    let standbyFenced = false;
    let primaryRestored = false;
    const source = await this.host(a.from.region)
      .health()
      .catch(() => null);
    const target = await this.host(a.to.region)
      .health()
      .catch(() => null);
    if (!source && target?.role === 'primary') {
      // the old primary is gone and the target was promoted: fencing it would leave no primary at all
      notes.push(
        `the primary in ${a.from.region} does not answer and ${a.to.region} was promoted: left as primary; switch the active region by hand (or run the failover again)`,
      );
      return { standbyFenced, primaryRestored, epoch, notes };
    }
    // a standby whose book did not match starts over from the primary's snapshot
    const resync = state.error?.Error === 'ChecksumMismatch';
    try {
      await this.host(a.to.region).fence(epoch, a.from.address, resync);
      standbyFenced = true;
      if (resync) notes.push("the standby starts over from the primary's snapshot");
    } catch (e) {
      notes.push(`standby not fenced: ${e instanceof Error ? e.message : String(e)}`);
    }
    try {
      const h = source ?? (await this.host(a.from.region).health());
      if (h.role === 'standby') await this.host(a.from.region).promote(epoch);
      primaryRestored = true;
    } catch (e) {
      notes.push(`primary not restored: ${e instanceof Error ? e.message : String(e)}`);
    }
    return { standbyFenced, primaryRestored, epoch, notes };
  }

  /** Notify: an audit record and a broker event, whatever the outcome. */
  async notify(
    state: Partial<RunbookState> & Pick<RunbookState, 'runbook' | 'executionArn'>,
    outcome: RunbookResult['outcome'],
  ): Promise<RunbookResult> {
    const a = state.assessment;
    const runbook = state.runbook;
    // an input that failed validation is recorded as far as it goes
    const input = (state.input ?? {}) as Partial<RunbookInput>;
    const result: RunbookResult = {
      runbook,
      outcome,
      from: a?.from.region ?? '',
      to: a?.to.region ?? '',
      epoch: a?.newEpoch ?? 0,
      rto_s: outcome === 'completed' ? (state.switch?.rtoSeconds ?? state.rollback?.rtoSeconds ?? null) : null,
      rpo_orders: outcome === 'completed' && state.verification ? state.verification.rpoOrders : null,
      rpo_exact: outcome === 'completed' && state.verification ? state.verification.rpoExact : null,
      rpo_ms: outcome === 'completed' && state.verification ? state.verification.rpoMs : null,
      unreplicated_acks: a
        ? a.from.reachable
          ? a.from.health.unreplicatedAcks
          : a.to.reachable
            ? a.to.health.unreplicatedAcks
            : null
        : null,
      executionArn: state.executionArn,
      ...(state.error && outcome !== 'completed' ? { reason: failureReason(state.error) } : {}),
    };
    const execution = executionName(state.executionArn);
    await this.o.control.releaseRunbook(execution);
    await this.o.audit.record({
      userId: 'system:dr',
      action: `dr.${runbook}`,
      outcome: outcome === 'completed' ? 'succeeded' : outcome === 'rejected' ? 'rejected' : 'failed',
      actorId: String(input.requestedBy ?? 'unknown').slice(0, 128),
      requestId: execution,
      ip: '',
      details: {
        reason: String(input.reason ?? '').slice(0, 500),
        from: result.from,
        to: result.to,
        epoch: result.epoch,
        rto_s: result.rto_s,
        rpo_orders: result.rpo_orders,
        executionArn: state.executionArn,
        outcome,
        error: result.reason ?? null,
      },
      key: { time: this.now(), id: `${execution}:${outcome}` },
    });
    await this.o.notices.announce(`dr.${runbook}.${outcome}`, { ...result }, `${execution}:${outcome}`);
    return result;
  }
}

/**
 * A failed Lambda's Cause is JSON with its message, type and stack trace: only the message goes
 * into results, notices and the ops API (no stack trace leaves).
 */
export function causeMessage(cause: string | undefined): string {
  if (!cause) return '';
  try {
    const c = JSON.parse(cause) as { errorMessage?: unknown };
    if (typeof c.errorMessage === 'string') return c.errorMessage;
  } catch {
    // not JSON: a Fail state's or the service's own text
  }
  return cause.split('\n')[0];
}

/** What a failed step threw, as a result's `reason` says it: its error name and message, no stack trace. */
export function failureReason(error: { Error?: string; Cause?: string }): string {
  return `${error.Error ?? 'Error'}: ${causeMessage(error.Cause).slice(0, 500)}`;
}

/** The execution's name: the last part of its ARN. */
export function executionName(executionArn: string): string {
  return executionArn.slice(executionArn.lastIndexOf(':') + 1);
}
