/**
 * Invoking a deployed function by name the way the local Step Functions endpoint asks, in-process:
 * the name (exchange-local-<key>) is looked up in serverless.yml, and its handler module required.
 * What the handler throws is thrown as is (its name is the Lambda error type).
 */
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { serverlessFunctions } from '../../scripts/local/serverless-yaml';
import type { Invoker } from '../../scripts/local/step-functions';

const ROOT = join(__dirname, '..', '..');

export function inProcessInvoker(stage = 'local'): Invoker {
  const functions = serverlessFunctions();
  return async (name, input) => {
    const key = name.replace(`exchange-${stage}-`, '');
    const fn = functions[key];
    if (!fn) throw new Error(`no function ${name} in serverless.yml`);
    const [file, exported] = [fn.handler.slice(0, fn.handler.lastIndexOf('.')), fn.handler.slice(fn.handler.lastIndexOf('.') + 1)];
    const mod = (await import(join(ROOT, file))) as Record<string, (event: unknown, context: Context) => Promise<unknown>>;
    const context = {
      awsRequestId: `local-${Date.now()}`,
      functionName: name,
      invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
      getRemainingTimeInMillis: () => 30_000,
    } as unknown as Context;
    return mod[exported](input, context);
  };
}
