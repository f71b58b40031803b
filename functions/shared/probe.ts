/**
 * A probe that survives a transient failure: a bounded number of attempts, apart by exponential
 * backoff with jitter (cockatiel's decorrelated jitter, so probes failing together do not retry
 * together). When it gives up it throws ProbeFailed, one line saying what was probed, how many
 * attempts over how long, and the last cause: what an operator reads in a runbook's abort reason.
 */
import { ExponentialBackoff, handleWhen, retry } from 'cockatiel';

export interface ProbeOptions {
  /** attempts in all, the first included */
  attempts: number;
  /** the first wait; later ones grow exponentially (with jitter) up to maxDelayMs */
  initialDelayMs: number;
  maxDelayMs: number;
  /** is this failure worth another attempt? (default: every failure) */
  retryable?: (e: unknown) => boolean;
}

/** an error's message, also for one from another realm (undici's fetch errors under jest are not `instanceof Error` there) */
export const messageOf = (e: unknown): string => {
  const m = (e as { message?: unknown } | null)?.message;
  return typeof m === 'string' ? m : String(e);
};

export class ProbeFailed extends Error {
  // not readonly: a caller may name it after what failed (the state machines' Retry matches names)
  override name = 'ProbeFailed';

  constructor(
    readonly what: string,
    readonly attempts: number,
    readonly elapsedMs: number,
    /** the last attempt's error (kept off `cause`: aws-local-stepfunctions would print it as the Cause) */
    readonly last: unknown,
  ) {
    super(
      `${what}: gave up after ${attempts} attempt${attempts === 1 ? '' : 's'} in ${(elapsedMs / 1000).toFixed(1)} s; last: ${messageOf(last)}`,
    );
  }
}

/**
 * `fn` until it succeeds, or fails with what is not `retryable` (thrown as it is: an answer, not a
 * failed probe), or `attempts` are spent (ProbeFailed).
 */
export async function probe<T>(what: string, fn: () => Promise<T>, options: ProbeOptions): Promise<T> {
  const retryable = options.retryable ?? ((): boolean => true);
  const policy = retry(
    handleWhen((e) => retryable(e)),
    {
      maxAttempts: options.attempts - 1,
      backoff: new ExponentialBackoff({ initialDelay: options.initialDelayMs, maxDelay: options.maxDelayMs }),
    },
  );
  const t0 = Date.now();
  let attempts = 0;
  try {
    return await policy.execute(() => {
      attempts++;
      return fn();
    });
  } catch (e) {
    if (!retryable(e)) throw e;
    throw new ProbeFailed(what, attempts, Date.now() - t0, e);
  }
}
