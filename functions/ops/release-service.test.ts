import { logger } from '../shared/observability';
import type { Invocation } from './release-probes';
import { ReleaseService, type Deployments, type HookStatus, type Invoker, type ReleaseTarget } from './release-service';

const EVENT = { DeploymentId: 'd-ABC123', LifecycleEventHookExecutionId: 'hook-1' };
const target = (functionName = 'exchange-prod-sfnDrPromote'): ReleaseTarget => ({ functionName, alias: 'live', version: '8' });

/** CodeDeploy as the hook sees it: the deployment's target, and the reports it gets */
class FakeDeployments implements Deployments {
  reports: [string, string, HookStatus][] = [];
  constructor(
    private readonly released: ReleaseTarget | Error,
    private readonly reportFails = false,
  ) {}
  target(deploymentId: string): Promise<ReleaseTarget> {
    if (deploymentId !== EVENT.DeploymentId) return Promise.reject(new Error(`no deployment ${deploymentId}`));
    return this.released instanceof Error ? Promise.reject(this.released) : Promise.resolve(this.released);
  }
  report(deploymentId: string, hookExecutionId: string, status: HookStatus): Promise<void> {
    if (this.reportFails) return Promise.reject(new Error('ThrottlingException'));
    this.reports.push([deploymentId, hookExecutionId, status]);
    return Promise.resolve();
  }
}

/** Lambda as the hook sees it: what each invocation asked, and the answer given */
class FakeInvoker implements Invoker {
  calls: { functionName: string; qualifier: string; payload: unknown }[] = [];
  constructor(private readonly answer: (qualifier: string) => Invocation | Error) {}
  invoke(functionName: string, qualifier: string, payload: unknown): Promise<Invocation> {
    this.calls.push({ functionName, qualifier, payload });
    const a = this.answer(qualifier);
    return a instanceof Error ? Promise.reject(a) : Promise.resolve(a);
  }
}

const dryRunAnswer = (version: string): Invocation => ({
  executedVersion: version,
  payload: { releaseProbe: 'ok', functionName: 'exchange-prod-sfnDrPromote', functionVersion: version },
});

function service(deployments: Deployments, invoker: Invoker): ReleaseService {
  return new ReleaseService({ deployments, invoker, functionPrefix: 'exchange-prod-', probeDeadlineMs: 1000 });
}

describe('the release hooks', () => {
  let errors: jest.SpyInstance;
  beforeEach(() => {
    errors = jest.spyOn(logger, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('before traffic: sends the new version itself its probe, and lets the release go on when it answers soundly', async () => {
    const deployments = new FakeDeployments(target());
    const invoker = new FakeInvoker((q) => dryRunAnswer(q));
    await service(deployments, invoker).hook('BeforeAllowTraffic', EVENT);
    // a DR task acts on any real event: it gets the dry run
    expect(invoker.calls).toEqual([{ functionName: 'exchange-prod-sfnDrPromote', qualifier: '8', payload: { releaseProbe: 'dry-run' } }]);
    expect(deployments.reports).toEqual([['d-ABC123', 'hook-1', 'Succeeded']]);
  });

  it('after traffic: probes through the alias, which must run the new version', async () => {
    const deployments = new FakeDeployments(target('exchange-prod-ordersPlace'));
    const invoker = new FakeInvoker(() => ({ executedVersion: '8', payload: { statusCode: 400, body: '{"code":"VALIDATION_ERROR"}' } }));
    await service(deployments, invoker).hook('AfterAllowTraffic', EVENT);
    expect(invoker.calls.map((c) => [c.qualifier, (c.payload as { body: string }).body])).toEqual([['live', '[]']]);
    expect(deployments.reports).toEqual([['d-ABC123', 'hook-1', 'Succeeded']]);

    expect(errors).not.toHaveBeenCalled();

    // the alias still runs the old version: the shift did not happen
    const stale = new FakeDeployments(target('exchange-prod-ordersPlace'));
    await service(stale, new FakeInvoker(() => ({ executedVersion: '7', payload: { statusCode: 200 } }))).hook('AfterAllowTraffic', EVENT);
    expect(stale.reports).toEqual([['d-ABC123', 'hook-1', 'Failed']]);
    // what an operator reads: which function, which phase, why
    expect(errors).toHaveBeenCalledWith(
      expect.stringContaining('release probe failed'),
      expect.objectContaining({ functionName: 'exchange-prod-ordersPlace', phase: 'AfterAllowTraffic', reason: 'version 7 ran, not 8' }),
    );
  });

  it('stops the release when the new version answers its probe with a fault', async () => {
    for (const answer of [
      { executedVersion: '8', payload: { statusCode: 502, body: 'internal error' } },
      {
        executedVersion: '8',
        functionError: 'Unhandled',
        payload: { errorType: 'Runtime.ImportModuleError', errorMessage: 'Cannot find module' },
      },
    ]) {
      const deployments = new FakeDeployments(target('exchange-prod-authLogin'));
      await service(deployments, new FakeInvoker(() => answer)).hook('BeforeAllowTraffic', EVENT);
      expect(deployments.reports).toEqual([['d-ABC123', 'hook-1', 'Failed']]);
    }
  });

  it('stops the release when it cannot probe: a function of another stage or without a probe, no target, the invoke failing', async () => {
    const cases: [Deployments, Invoker][] = [
      [new FakeDeployments(target('exchange-dr-ordersPlace')), new FakeInvoker((q) => dryRunAnswer(q))],
      [new FakeDeployments(target('exchange-prod-somethingNew')), new FakeInvoker((q) => dryRunAnswer(q))],
      [new FakeDeployments(new Error('AccessDeniedException')), new FakeInvoker((q) => dryRunAnswer(q))],
      [new FakeDeployments(target()), new FakeInvoker(() => new Error('invoking: gave up after 5 attempts'))],
    ];
    for (const [deployments, invoker] of cases) {
      await service(deployments, invoker).hook('BeforeAllowTraffic', EVENT);
      expect((deployments as FakeDeployments).reports).toEqual([['d-ABC123', 'hook-1', 'Failed']]);
    }
    // neither a function of another stage nor one without a probe was called at all
    const other = new FakeInvoker((q) => dryRunAnswer(q));
    await service(new FakeDeployments(target('exchange-dr-sfnDrPromote')), other).hook('BeforeAllowTraffic', EVENT);
    expect(other.calls).toEqual([]);
  });

  it('refuses what is no lifecycle event (there is nothing to report to), and throws when the report fails (the invocation is retried)', async () => {
    const s = service(new FakeDeployments(target()), new FakeInvoker((q) => dryRunAnswer(q)));
    await expect(s.hook('BeforeAllowTraffic', { DeploymentId: 'd-1' })).rejects.toThrow(/not a CodeDeploy lifecycle event/);
    await expect(s.hook('BeforeAllowTraffic', null)).rejects.toThrow(/not a CodeDeploy lifecycle event/);
    const failing = service(new FakeDeployments(target(), true), new FakeInvoker((q) => dryRunAnswer(q)));
    await expect(failing.hook('BeforeAllowTraffic', EVENT)).rejects.toThrow(/Throttling/);
  });
});
