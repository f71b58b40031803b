/** The DR command line outside the local stack: no operator is whoever a terminal says. */
import { operatorFor } from './dr';

describe('npm run dr:* names its operator', () => {
  it('refuses a requester named freely outside local: a runbook started with --by anyone would let one person be both pairs of eyes', () => {
    expect(() => operatorFor('start', ['--by', 'ops-alice'], false, 'mallory')).toThrow(/POST \/v1\/ops\/dr\/failover/);
    // nor the terminal's login name instead: it proves no more than --by does
    expect(() => operatorFor('start', [], false, 'mallory')).toThrow(/authenticated operator/);
  });

  it('refuses an approver named freely outside local', () => {
    expect(() => operatorFor('approve', ['failover-x', '--by', 'ops-bob'], false, 'mallory')).toThrow(/POST \/v1\/ops\/dr\/approvals/);
  });

  it('takes a name on the local stack, where one developer drills both operators', () => {
    expect(operatorFor('start', ['--by', 'ops-alice'], true, 'dev')).toBe('ops-alice');
    expect(operatorFor('approve', [], true, 'dev')).toBe('cli:dev');
  });
});
