/**
 * The hosts' blue-green release (statemachines/host-release.asl.json): one function for every Task
 * state, which names its step (`action`); each step is a method of HostReleaseService. One function
 * rather than one per step: the release is rare, and each function costs the stack resources.
 */
import { z } from 'zod';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { eventHandler } from '../shared/event-handler';
import { count, logger, metrics } from '../shared/observability';
import type { ReleaseOutcome, ReleaseState } from './host-release-service';
import { InvalidInput } from './host-release-service';
import { hostReleaseService } from './wiring';

const request = z.object({
  action: z.enum(['plan', 'replace', 'ready', 'fence', 'verify', 'promote', 'followNewPrimary', 'watch', 'failback', 'abort', 'notify']),
  state: z.object({ executionArn: z.string().min(1) }).passthrough(),
  host: z.string().optional(),
  version: z.string().optional(),
  outcome: z.enum(['completed', 'rolled_back', 'aborted', 'failed']).optional(),
});
type Request = z.infer<typeof request>;

async function step(raw: unknown): Promise<unknown> {
  const parsed = request.safeParse(raw);
  if (!parsed.success) throw new InvalidInput(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const r = parsed.data;
  const state = r.state as unknown as ReleaseState;
  const s = hostReleaseService();
  const target = (): { state: ReleaseState; host: string; version: string } => {
    if (!r.host || !r.version) throw new InvalidInput(`${r.action} needs host and version`);
    return { state, host: r.host, version: r.version };
  };
  switch (r.action) {
    case 'plan':
      return s.plan(state);
    case 'replace':
      return s.replace(target());
    case 'ready':
      return s.ready(target());
    case 'fence':
      return s.fence(state);
    case 'verify':
      return s.verify(state);
    case 'promote':
      return s.promote(state);
    case 'followNewPrimary':
      return s.followNewPrimary(state);
    case 'watch':
      return s.watch(state);
    case 'failback': {
      const f = await s.failback(state);
      count('HostReleaseFailbacks');
      logger.error('host release failed back', { executionArn: state.executionArn, firing: state.watch?.firing, ...f });
      return f;
    }
    case 'abort':
      return s.abort(state);
    case 'notify': {
      const result = await s.notify(state, r.outcome ?? ('failed' satisfies ReleaseOutcome));
      if (result.handover_ms !== null) metrics.addMetric('HostReleaseHandoverMs', MetricUnit.Milliseconds, result.handover_ms);
      if (result.outcome !== 'completed') count('HostReleasesNotCompleted');
      return result;
    }
  }
}

export const hostRelease = eventHandler((raw: Request) => step(raw), {
  correlationId: (raw: Request) => (raw as { state?: { executionArn?: string } }).state?.executionArn ?? '',
});
