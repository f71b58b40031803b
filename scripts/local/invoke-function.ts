import { messageOf, probe, ProbeFailed, type ProbeOptions } from '../../functions/shared/probe';

/**
 * Invoke a function through serverless offline's Lambda endpoint, as an AWS event source would:
 * true when it ran without error (see invokeForResult for what counts as one), else the failure
 * is logged.
 */
export async function invokeFunction(lambdaPort: number, fn: string, payload: unknown, log: (m: string) => void): Promise<boolean> {
  try {
    await invokeForResult(lambdaPort, fn, payload);
    return true;
  } catch (e) {
    log(`${fn} failed: ${e instanceof Error ? `${e.name}: ${e.message}`.slice(0, 300) : String(e)}`);
    return false;
  }
}

/**
 * How often an invocation the endpoint failed (not the function) is tried: at most 4 attempts, about
 * 0.2, 0.4 and 0.8 s apart (jittered, 2 s at most), as the AWS SDK's own client retries. Under load
 * serverless offline resets and closes connections (undici: ECONNRESET, UND_ERR_SOCKET "other side
 * closed"), and refuses them while it restarts; a runbook must not abort on one of those.
 */
export const INVOKE_RETRY: ProbeOptions = { attempts: 4, initialDelayMs: 200, maxDelayMs: 2_000 };

/** What Step Functions reports in AWS when it could not get an answer from Lambda (its Retry blocks match these). */
type EndpointErrorName = 'Lambda.SdkClientException' | 'Lambda.ServiceException' | 'Lambda.TooManyRequestsException';

/**
 * The endpoint failed, not the function: no connection or no answer on it (a socket closed or reset,
 * a connection refused while serverless offline restarts), or a 429 or 5xx that is not a function
 * error. Retried: the state machines' tasks are idempotent (they are retried in AWS too), and so are
 * the event sources' functions (at-least-once).
 */
class EndpointFailure extends Error {
  constructor(
    override readonly name: EndpointErrorName,
    message: string,
  ) {
    super(message);
  }
}

/** fetch rejects with TypeError('fetch failed'), a body cut short with TypeError('terminated'); the socket's error is the cause */
function transportFailure(e: unknown): EndpointFailure {
  const cause = (e as { cause?: { code?: unknown; message?: unknown } }).cause;
  const detail = cause ? ` (${typeof cause.code === 'string' ? `${cause.code}: ` : ''}${String(cause.message)})` : '';
  return new EndpointFailure('Lambda.SdkClientException', `${messageOf(e)}${detail}`);
}

async function invokeOnce(lambdaPort: number, fn: string, payload: unknown): Promise<unknown> {
  let r: Response;
  let text: string;
  try {
    r = await fetch(`http://127.0.0.1:${lambdaPort}/2015-03-31/functions/${fn}/invocations`, {
      method: 'POST',
      body: JSON.stringify(payload ?? null),
    });
    text = await r.text();
  } catch (e) {
    throw transportFailure(e);
  }
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = text;
  }
  const err = body as { errorType?: string; errorMessage?: string } | null;
  const functionError = r.headers.get('x-amz-function-error') || (err && typeof err === 'object' && typeof err.errorMessage === 'string');
  if (!functionError && (r.status === 429 || r.status >= 500))
    throw new EndpointFailure(
      r.status === 429 ? 'Lambda.TooManyRequestsException' : 'Lambda.ServiceException',
      `HTTP ${r.status} ${text.slice(0, 200)}`.trim(),
    );
  if (!r.ok || functionError) {
    throw Object.assign(new Error(err?.errorMessage ?? `${fn} answered ${r.status}`), { name: err?.errorType ?? 'Lambda.Unknown' });
  }
  return body;
}

/**
 * Invoke and return what the function returned; a function error is thrown as an Error named by
 * its errorType (what Step Functions' Retry and Catch match on). serverless offline answers a
 * handler's error with 200 and an `errorMessage` body (or the x-amz-function-error header), so
 * both count as failure. An endpoint that fails (EndpointFailure) is tried again (`retry`); once
 * given up, the error is named as in AWS (Lambda.SdkClientException, …) and says what was invoked,
 * how many attempts and the last cause.
 */
export async function invokeForResult(lambdaPort: number, fn: string, payload: unknown, retry = INVOKE_RETRY): Promise<unknown> {
  try {
    return await probe(`invoking ${fn} at 127.0.0.1:${lambdaPort}`, () => invokeOnce(lambdaPort, fn, payload), {
      ...retry,
      retryable: (e) => e instanceof EndpointFailure,
    });
  } catch (e) {
    if (e instanceof ProbeFailed && e.last instanceof EndpointFailure) e.name = e.last.name;
    throw e;
  }
}
