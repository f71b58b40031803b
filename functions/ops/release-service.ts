/**
 * CodeDeploy's lifecycle hooks of a function's release (resources/README.md, Releases). CodeDeploy
 * calls a hook with the deployment and the hook execution; the deployment's AppSpec names the
 * function, its alias and the version being released. The hook sends that function its probe
 * (release-probes.ts): before traffic moves, to the new version itself; after all traffic moved,
 * through the alias, which must now run the new version. Then it tells CodeDeploy whether the
 * release may go on: Failed stops the deployment and shifts the alias back. One pair of hooks serves
 * every function of the stage.
 */
import { logger } from '../shared/observability';
import { PROBES, probeEvent, verdict, type Invocation, type Verdict } from './release-probes';

export type Phase = 'BeforeAllowTraffic' | 'AfterAllowTraffic';
export type HookStatus = 'Succeeded' | 'Failed';

/** What a deployment releases (its AppSpec's one Lambda resource). */
export interface ReleaseTarget {
  functionName: string;
  alias: string;
  /** the version traffic moves to */
  version: string;
}

export interface Deployments {
  target(deploymentId: string): Promise<ReleaseTarget>;
  report(deploymentId: string, hookExecutionId: string, status: HookStatus): Promise<void>;
}

export interface Invoker {
  /** invokes `functionName` at `qualifier` (a version or an alias) with `payload`, within `deadlineMs` */
  invoke(functionName: string, qualifier: string, payload: unknown, deadlineMs: number): Promise<Invocation>;
}

export interface ReleaseServiceDeps {
  deployments: Deployments;
  invoker: Invoker;
  /** the stage's function names start with it (`exchange-prod-`): no other function is probed */
  functionPrefix: string;
  /** how long the probe may take (the hook's own timeout is longer: it must still report) */
  probeDeadlineMs: number;
}

interface LifecycleEvent {
  DeploymentId: string;
  LifecycleEventHookExecutionId: string;
}

function lifecycleEvent(event: unknown): LifecycleEvent {
  const e = (event ?? {}) as Partial<Record<keyof LifecycleEvent, unknown>>;
  if (typeof e.DeploymentId !== 'string' || typeof e.LifecycleEventHookExecutionId !== 'string' || !e.DeploymentId)
    throw new Error(`not a CodeDeploy lifecycle event: ${JSON.stringify(event)?.slice(0, 200)}`);
  return { DeploymentId: e.DeploymentId, LifecycleEventHookExecutionId: e.LifecycleEventHookExecutionId };
}

export class ReleaseService {
  constructor(private readonly deps: ReleaseServiceDeps) {}

  /** The probe's verdict on the target of `phase`; a target this hook cannot probe fails. */
  async check(phase: Phase, target: ReleaseTarget): Promise<Verdict> {
    const { functionPrefix, invoker, probeDeadlineMs } = this.deps;
    if (!target.functionName.startsWith(functionPrefix))
      return { ok: false, reason: `${target.functionName} is not a function of this stage (${functionPrefix}*)` };
    const key = target.functionName.slice(functionPrefix.length);
    const kind = PROBES[key];
    if (!kind) return { ok: false, reason: `no release probe for ${key} (functions/ops/release-probes.ts)` };
    // before: the new version, which takes no traffic yet; after: the alias, which now runs it
    const qualifier = phase === 'BeforeAllowTraffic' ? target.version : target.alias;
    const invocation = await invoker.invoke(target.functionName, qualifier, probeEvent(kind), probeDeadlineMs);
    return verdict(kind, invocation, target.version);
  }

  /** Probes the deployment's target and reports to CodeDeploy, whatever happened (CodeDeploy waits for an hour otherwise). */
  async hook(phase: Phase, event: unknown): Promise<void> {
    const e = lifecycleEvent(event);
    let result: Verdict;
    let target: ReleaseTarget | undefined;
    try {
      target = await this.deps.deployments.target(e.DeploymentId);
      result = await this.check(phase, target);
    } catch (err) {
      result = { ok: false, reason: `the probe could not run: ${(err as Error).message}` };
    }
    const status: HookStatus = result.ok ? 'Succeeded' : 'Failed';
    const where = { deploymentId: e.DeploymentId, phase, ...target };
    if (result.ok) logger.info('release probe passed', { ...where, detail: result.detail });
    else logger.error('release probe failed: the release is stopped and rolled back', { ...where, reason: result.reason });
    await this.deps.deployments.report(e.DeploymentId, e.LifecycleEventHookExecutionId, status);
  }
}
