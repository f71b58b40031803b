/**
 * The dry run of a release (functions/ops/release-probes.ts): the event CodeDeploy's hooks send a
 * function whose every real event acts (a schedule, a Step Functions task, a WebSocket $connect): it
 * is answered after the function's module loaded and its configuration validated, and does nothing
 * else. Only a direct invoke can carry it: API Gateway, EventBridge and Step Functions build the
 * events they send, and none has this shape.
 */
import type { Context } from 'aws-lambda';
import { config } from './config';

export const RELEASE_PROBE = { releaseProbe: 'dry-run' } as const;

export interface ReleaseProbeAnswer {
  releaseProbe: 'ok';
  functionName: string;
  /** the version that answered: the hook checks it is the one being released */
  functionVersion: string;
}

export function isReleaseProbe(event: unknown): boolean {
  return typeof event === 'object' && event !== null && (event as Record<string, unknown>).releaseProbe === RELEASE_PROBE.releaseProbe;
}

/** The configuration is validated (it throws, one line per problem, when the release's environment is wrong). */
export function releaseProbeAnswer(context: Context): ReleaseProbeAnswer {
  config();
  return { releaseProbe: 'ok', functionName: context.functionName, functionVersion: context.functionVersion };
}
