/**
 * Invoking a function's version or alias for a release probe. A function held to its reserved
 * concurrency (the sweeps: one at a time) or a version still being readied refuses for a moment:
 * retried within the deadline, after which the probe fails (and the release with it).
 */
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { probe } from '../../shared/probe';
import type { Invocation } from '../release-probes';
import type { Invoker } from '../release-service';

const BUSY = new Set(['TooManyRequestsException', 'ResourceNotReadyException', 'ResourceConflictException']);
const busy = (e: unknown): boolean => BUSY.has((e as { name?: string } | null)?.name ?? '');

export class LambdaInvoker implements Invoker {
  constructor(private readonly client: Pick<LambdaClient, 'send'>) {}

  async invoke(functionName: string, qualifier: string, payload: unknown, deadlineMs: number): Promise<Invocation> {
    const abortSignal = AbortSignal.timeout(deadlineMs);
    const out = await probe(
      `invoking ${functionName}:${qualifier}`,
      () =>
        this.client.send(
          new InvokeCommand({ FunctionName: functionName, Qualifier: qualifier, Payload: Buffer.from(JSON.stringify(payload)) }),
          { abortSignal },
        ),
      { attempts: 5, initialDelayMs: 1000, maxDelayMs: 8000, retryable: (e) => busy(e) && !abortSignal.aborted },
    );
    const text = out.Payload ? Buffer.from(out.Payload).toString('utf8') : '';
    let answer: unknown = text;
    try {
      answer = text ? (JSON.parse(text) as unknown) : null;
    } catch {
      // not JSON: kept as text, which no verdict takes for an answer
    }
    return {
      ...(out.ExecutedVersion === undefined ? {} : { executedVersion: out.ExecutedVersion }),
      ...(out.FunctionError === undefined ? {} : { functionError: out.FunctionError }),
      payload: answer,
    };
  }
}
