/** Scheduled account jobs (EventBridge rate(1 minute) in AWS; `npm start` invokes them locally). */
import { eventHandler } from '../shared/event-handler';
import { logger } from '../shared/observability';
import type { SweepResult } from './account-service';
import { accountService } from './wiring';

/** Transfers left `requested` this long are resumed (well past a request's 10 s Lambda timeout). */
export const STALE_AFTER_MS = 2 * 60_000;

/** Finish deposits and withdrawals whose request stopped mid-way and was never retried. */
export const resumeTransfers = eventHandler(async (): Promise<SweepResult> => {
  const r = await accountService().resumeStale(new Date(Date.now() - STALE_AFTER_MS), 100);
  if (r.completed + r.rejected + r.failed + r.review > 0) logger.info('stale transfers resumed', { ...r });
  return r;
});
