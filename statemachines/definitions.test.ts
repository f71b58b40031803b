/**
 * Every state machine of resources/statemachines.yml: its ASL definition (with the substitutions
 * CloudFormation makes) is valid by asl-validator, every Task calls a function serverless.yml
 * deploys and retries what the Lambda service fails with (not the function), and every state is
 * reachable.
 */
import aslValidator from 'asl-validator';
import { serverlessFunctions } from '../scripts/local/serverless-yaml';
import { stateMachines } from '../scripts/local/step-functions';

const functions = Object.keys(serverlessFunctions());

describe.each(stateMachines().map((m) => [m.name, m] as const))('%s', (_, machine) => {
  it('is valid ASL', () => {
    const r = aslValidator(machine.definition, { checkPaths: true, checkArn: true });
    expect(r.errorsText()).toBe('');
    expect(r.isValid).toBe(true);
  });

  // a runbook must survive the load it exists for: an invocation the service (or locally the
  // invoker, which names its give-up the same way) could not complete is tried again, not caught
  it("retries the Lambda service's transient errors in every Task", () => {
    const transient = ['Lambda.ServiceException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'];
    const states = machine.definition.States as Record<string, { Type: string; Retry?: { ErrorEquals: string[]; MaxAttempts?: number }[] }>;
    const without = Object.entries(states)
      .filter(([, s]) => s.Type === 'Task')
      .filter(([, s]) => {
        const retried = (s.Retry ?? []).filter((r) => r.MaxAttempts !== 0).flatMap((r) => r.ErrorEquals);
        return !retried.includes('States.ALL') && !transient.every((e) => retried.includes(e));
      })
      .map(([name]) => name);
    expect(without).toEqual([]);
  });

  it('calls only functions serverless.yml deploys, and reaches every state', () => {
    type State = {
      Type: string;
      Resource?: string;
      Parameters?: { FunctionName?: string };
      Next?: string;
      Default?: string;
      Catch?: { Next: string }[];
      Choices?: { Next: string }[];
    };
    const states = machine.definition.States as Record<string, State>;
    let tasks = 0;
    for (const s of Object.values(states)) {
      if (s.Type !== 'Task') continue;
      // a Lambda ARN, or an integration (waitForTaskToken) naming the function in its Parameters
      const fn = s.Resource?.startsWith('arn:aws:lambda:') ? s.Resource : s.Parameters?.FunctionName;
      expect(fn).toMatch(/^arn:aws:lambda:/);
      expect(functions).toContain(String(fn).replace(/^.*:function:exchange-local-/, ''));
      tasks++;
    }
    expect(tasks).toBeGreaterThan(0);
    const reached = new Set<string>();
    const visit = (name: string): void => {
      if (reached.has(name)) return;
      reached.add(name);
      const s = states[name];
      for (const next of [s.Next, s.Default, ...(s.Catch ?? []).map((c) => c.Next), ...(s.Choices ?? []).map((c) => c.Next)])
        if (next) visit(next);
    };
    visit(machine.definition.StartAt as string);
    expect([...reached].sort()).toEqual(Object.keys(states).sort());
  });
});
