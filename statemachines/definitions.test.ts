/**
 * Every state machine of resources/statemachines.yml: its ASL definition (with the substitutions
 * CloudFormation makes) is valid by asl-validator, every Task calls a function serverless.yml
 * deploys, and every state is reachable.
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
