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
 * Invoke and return what the function returned; a function error is thrown as an Error named by
 * its errorType (what Step Functions' Retry and Catch match on). serverless offline answers a
 * handler's error with 200 and an `errorMessage` body (or the x-amz-function-error header), so
 * both count as failure, as does an endpoint that cannot be reached.
 */
export async function invokeForResult(lambdaPort: number, fn: string, payload: unknown): Promise<unknown> {
  const r = await fetch(`http://127.0.0.1:${lambdaPort}/2015-03-31/functions/${fn}/invocations`, {
    method: 'POST',
    body: JSON.stringify(payload ?? null),
  });
  const text = await r.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = text;
  }
  const err = body as { errorType?: string; errorMessage?: string } | null;
  if (!r.ok || r.headers.get('x-amz-function-error') || (err && typeof err === 'object' && typeof err.errorMessage === 'string')) {
    throw Object.assign(new Error(err?.errorMessage ?? `${fn} answered ${r.status}`), { name: err?.errorType ?? 'Lambda.Unknown' });
  }
  return body;
}
