/**
 * What `npm start` shows of its components' output when not verbose: warnings, errors and one line
 * per failed request or invocation, each on one line; not the banners, route tables, per-request
 * traces, metrics (EMF) or info logs that serverless offline and the services print by the hundred.
 * `npm start -- --verbose` (or EXCHANGE_VERBOSE=1) shows everything as it comes.
 */

/** Pino's levels (the matching host) and powertools' (the functions). */
const PINO_LEVELS: Record<number, string> = { 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const SHOWN_LEVELS = new Set(['WARN', 'ERROR', 'CRITICAL', 'FATAL']);

/** serverless offline's own lines that say nothing went wrong */
const EDGE_ROUTINE = [
  /^\s*$/,
  /^Running Authorization function for /,
  /^Authorization function returned a successful response/,
  /^\(λ: [^)]+\) RequestId: /,
  /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|ANY) \/\S* \(λ: [^)]+\)$/,
  // a caller without a valid token: a 401 to the caller, nothing to act on here
  /^× (Identity Source is null|Authorization function returned an error response|Unauthorized)/,
  // the second line serverless offline prints for the same failed invocation
  /^× \[\d{3}\] - /,
  /^\(Use `node --trace-warnings/,
  /^(route|action) '[^']+'$/,
  /^route '[^']+ \(λ: [^)]+\)'$/,
  // schedules that ran (a failed one says "Failed to execute scheduled function")
  /^Successfully invoked scheduled function: /,
  /^received connection$/,
  // a WebSocket handshake refused: the caller's fault, answered to the caller
  /^Authorization response (did not include a principalId|didn't authorize user)/,
  /^(Got SIG\w+ signal\. Offline Halting\.\.\.|Halting offline server)$/,
  /^Offline \[[^\]]+\] listening on /,
  // start-up: the function list and the route table (routes such as /v1/ops/dr/failover included)
  /^\s+\* \w+: \S+$/,
  /^[│┌└]/,
  /^Configuring (Authorization|JWT Authorization): /,
];

type Json = Record<string, unknown>;

function parseJson(line: string): Json | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const v: unknown = JSON.parse(line);
    return v && typeof v === 'object' ? (v as Json) : undefined;
  } catch {
    return undefined;
  }
}

/** "WARN message (key=value, …)" from a structured log line, or undefined when below WARN. */
function structured(j: Json, skip: Set<string>): string | undefined {
  const level = typeof j.level === 'number' ? PINO_LEVELS[j.level] : typeof j.level === 'string' ? j.level.toUpperCase() : undefined;
  if (!level || !SHOWN_LEVELS.has(level)) return undefined;
  const m = j.msg ?? j.message;
  const message = typeof m === 'string' ? m : JSON.stringify(m ?? '');
  const err = (j.error ?? j.err) as { message?: unknown } | string | undefined;
  const details = Object.entries(j)
    .filter(([k]) => !skip.has(k))
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  const errText = typeof err === 'string' ? err : typeof err?.message === 'string' ? err.message : undefined;
  const fn = typeof j.function_name === 'string' ? `${j.function_name.replace(/^exchange-[^-]+-/, '')}: ` : '';
  return `${level} ${fn}${message}${errText ? `: ${errText}` : ''}${details.length ? ` (${details.join(', ')})` : ''}`;
}

/** keys every log line carries, or that say too much for one line */
const COMMON_KEYS = new Set([
  'level',
  'time',
  'timestamp',
  'msg',
  'message',
  'service',
  'error',
  'err',
  'pid',
  'hostname',
  'cold_start',
  'function_arn',
  'function_name',
  'function_memory_size',
  'function_request_id',
  'sampling_rate',
  'xray_trace_id',
]);

/**
 * A filter for one component's lines: the line to show (one line), or undefined to hide it.
 * Until the component is ready (`ready()`), only warnings and errors pass: its start-up banner is
 * summed up by the stack's own lines.
 */
export function consoleFilter(component: 'edge' | 'host' | 'service'): { line: (text: string) => string | undefined; ready: () => void } {
  let ready = false;
  return {
    ready: () => void (ready = true),
    line: (text) => {
      const trimmed = text.trimEnd();
      const j = parseJson(trimmed);
      if (j) {
        if ('_aws' in j) return undefined; // an EMF metric
        return structured(j, COMMON_KEYS);
      }
      if (component === 'edge' && EDGE_ROUTINE.some((r) => r.test(trimmed))) return undefined;
      if (!ready) return /warn|error|fail|×/i.test(trimmed) ? trimmed : undefined;
      return trimmed;
    },
  };
}

/**
 * The stack's own messages, with a message that repeats (a heartbeat failing every 5 s) shown once
 * a minute with how often it came meanwhile.
 */
export function repeatSuppressor(write: (line: string) => void, windowMs = 60_000, now: () => number = Date.now): (line: string) => void {
  const last = new Map<string, { at: number; suppressed: number }>();
  return (line) => {
    const seen = last.get(line);
    const t = now();
    if (seen && t - seen.at < windowMs) {
      seen.suppressed++;
      return;
    }
    write(seen?.suppressed ? `${line} (and ${seen.suppressed} more times in the last ${Math.round((t - seen.at) / 1000)} s)` : line);
    last.set(line, { at: t, suppressed: 0 });
    if (last.size > 1000) last.delete(last.keys().next().value as string);
  };
}
