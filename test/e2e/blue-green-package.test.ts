/**
 * Releases (resources/README.md) as `serverless package` compiles them for prod and dr: every
 * function but the hooks behind its `live` alias, shifted by CodeDeploy (canary, automatic rollback
 * on the alarms, which exist in the templates), both hooks on every alias, and every caller invoking
 * the alias, never the function unqualified.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageStage, removePackages, type PackagedStage } from '../support/serverless-package';

interface Resource {
  Type: string;
  DependsOn?: string | string[];
  Properties: Record<string, unknown>;
  UpdatePolicy?: Record<string, Record<string, unknown>>;
}
interface Template {
  Resources: Record<string, Resource>;
  Parameters?: Record<string, unknown>;
  Outputs?: Record<string, { Value: unknown }>;
}

afterAll(removePackages);
const stages: Record<string, PackagedStage<Template>> = {};
beforeAll(() => {
  stages.prod = packageStage<Template>('prod', '.esbuild-blue-green-test');
  stages.dr = packageStage<Template>('dr', '.esbuild-blue-green-test');
}, 480_000);

const HOOKS = ['ReleasePreTrafficLambdaFunction', 'ReleasePostTrafficLambdaFunction'];
const ofType = (t: Template, type: string): [string, Resource][] => Object.entries(t.Resources).filter(([, r]) => r.Type === type);

/**
 * A value as the text CloudFormation would make of it, what it cannot know yet in <>: `<Fn.Arn>` for
 * an Fn::GetAtt (or a Sub's ${Fn.Arn}), `<Id>` for a Ref. An ARN qualified with the alias reads `<XLambdaFunction.Arn>:live`.
 */
function text(v: unknown): string {
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(text).join(',')}]`;
  const o = (v ?? {}) as Record<string, unknown>;
  if ('Fn::Join' in o) {
    const [separator, parts] = o['Fn::Join'] as [string, unknown];
    return Array.isArray(parts) ? parts.map(text).join(separator) : `<join ${text(parts)}>`;
  }
  if ('Fn::GetAtt' in o) return `<${([] as unknown[]).concat(o['Fn::GetAtt']).join('.')}>`;
  if ('Ref' in o) return `<${String(o.Ref)}>`;
  if ('Fn::Sub' in o) return String(([] as unknown[]).concat(o['Fn::Sub'])[0]).replace(/\$\{([^}]+)\}/g, '<$1>');
  return `{${Object.entries(o)
    .map(([k, x]) => `${k}:${text(x)}`)
    .join(',')}}`;
}
/** a function's ARN qualified with the live alias, and nothing else */
const LIVE_ARN = /^<\w+LambdaFunction\.Arn>:live$/;

describe.each(['prod', 'dr'])('releases of the %s stack', (stage) => {
  const root = (): Template => stages[stage].template;
  const all = (): Template => stages[stage].merged;
  const functions = (): string[] => ofType(root(), 'AWS::Lambda::Function').map(([id]) => id);
  const released = (): string[] => functions().filter((id) => !HOOKS.includes(id));
  const base = (fn: string): string => fn.replace(/LambdaFunction$/, '');

  /**
   * What a value in a nested stack stands for in the root: a parameter is what the root's stack
   * resource passes it. A Ref of a root resource gives its logical id.
   */
  function fromRoot(stack: string, value: unknown): unknown {
    const ref = (value as { Ref?: string }).Ref;
    if (ref === undefined || !(ref in (stages[stage].nested[stack].Parameters ?? {}))) return value;
    return (root().Resources[stack].Properties.Parameters as Record<string, unknown>)[ref];
  }
  /** the root resource a nested stack's value refers to (through its parameter), or the nested resource it names */
  const target = (stack: string, value: unknown): string | undefined => (fromRoot(stack, value) as { Ref?: string }).Ref;
  const releases = (): Template => stages[stage].nested.Releases;

  it('puts every function but the hooks behind its live alias, on the version published with it, updated by CodeDeploy with both hooks', () => {
    expect(released().length).toBeGreaterThan(60);
    for (const fn of released()) {
      const alias = releases().Resources[`${base(fn)}LiveAlias`];
      expect({ fn, type: alias?.Type, name: alias?.Properties.Name }).toEqual({ fn, type: 'AWS::Lambda::Alias', name: 'live' });
      expect({ fn, of: target('Releases', alias.Properties.FunctionName) }).toEqual({ fn, of: fn });
      const version = (alias.Properties.FunctionVersion as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'];
      expect(releases().Resources[version[0]]).toMatchObject({ Type: 'AWS::Lambda::Version' });
      expect({ fn, versionOf: target('Releases', releases().Resources[version[0]].Properties.FunctionName) }).toEqual({
        fn,
        versionOf: fn,
      });
      const policy = alias.UpdatePolicy?.CodeDeployLambdaAliasUpdate ?? {};
      expect({ fn, application: policy.ApplicationName, group: policy.DeploymentGroupName }).toEqual({
        fn,
        application: { Ref: 'CodeDeployApplication' },
        group: { Ref: `${base(fn)}DeploymentGroup` },
      });
      expect({
        fn,
        before: target('Releases', policy.BeforeAllowTrafficHook),
        after: target('Releases', policy.AfterAllowTrafficHook),
      }).toEqual({
        fn,
        before: 'ReleasePreTrafficLambdaFunction',
        after: 'ReleasePostTrafficLambdaFunction',
      });
    }
    // the hooks are called unqualified by CodeDeploy: no version, no alias (they would need hooks of their own)
    for (const hook of HOOKS) expect(JSON.stringify(releases())).not.toContain(`"${hook.replace(/LambdaFunction$/, '')}LiveAlias"`);
    expect(ofType(all(), 'AWS::Lambda::Alias')).toHaveLength(released().length);
    expect(ofType(all(), 'AWS::Lambda::Version')).toHaveLength(released().length);
    expect(stages[stage].template.Resources.CodeDeployApplication).toBeUndefined();
    expect(releases().Resources.CodeDeployApplication.Properties).toEqual({
      ApplicationName: `exchange-${stage}`,
      ComputePlatform: 'Lambda',
      Tags: expect.any(Array) as unknown,
    });
  });

  it('shifts each alias with a deployment group of its own: 10 % for 5 minutes, rolled back on failure or an alarm', () => {
    const groups = ofType(releases(), 'AWS::CodeDeploy::DeploymentGroup');
    expect(groups.map(([id]) => id).sort()).toEqual(
      released()
        .map((fn) => `${base(fn)}DeploymentGroup`)
        .sort(),
    );
    for (const [id, g] of groups)
      expect({ id, ...g.Properties }).toMatchObject({
        id,
        ApplicationName: { Ref: 'CodeDeployApplication' },
        ServiceRoleArn: { 'Fn::GetAtt': ['CodeDeployServiceRole', 'Arn'] },
        DeploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
        DeploymentStyle: { DeploymentType: 'BLUE_GREEN', DeploymentOption: 'WITH_TRAFFIC_CONTROL' },
        AutoRollbackConfiguration: { Enabled: true, Events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM'] },
        AlarmConfiguration: { Enabled: true },
      });
  });

  it('names in every deployment group alarms that exist in the templates: the REST pages and gates, and the function’s own errors alarm', () => {
    const API = ['RestApi5xxRateAlarm', 'RestApiLatencyP99Alarm', 'RestApi5xxRateGateAlarm', 'RestApiLatencyP99GateAlarm'];
    for (const fn of released()) {
      const group = releases().Resources[`${base(fn)}DeploymentGroup`];
      const alarms = (group.Properties.AlarmConfiguration as { Alarms: { Name: unknown }[] }).Alarms;
      const named = alarms.map((a) => {
        // an alarm of this stack by Ref, or the root's through the stack's parameter
        const local = (a.Name as { Ref?: string }).Ref ?? '';
        if (releases().Resources[local]) return { stack: 'Releases', id: local, type: releases().Resources[local].Type };
        const id = target('Releases', a.Name) ?? '';
        return { stack: 'root', id, type: root().Resources[id]?.Type };
      });
      for (const n of named) expect({ fn, ...n }).toEqual({ fn, ...n, type: 'AWS::CloudWatch::Alarm' });
      const authorizer = fn === 'AuthorizerLambdaFunction' || fn === 'WsAuthorizerLambdaFunction';
      expect({ fn, alarms: named.map((n) => n.id) }).toEqual({
        fn,
        alarms: [...API, ...(authorizer ? [] : [`${base(fn)}ReleaseErrorsAlarm`])],
      });
    }
    // the gates can fire within the 5-minute canary: 1-minute periods
    for (const id of ['RestApi5xxRateGateAlarm', 'RestApiLatencyP99GateAlarm']) {
      const a = root().Resources[id].Properties as { Period?: number; Metrics?: { MetricStat?: { Period: number } }[] };
      const periods = a.Period !== undefined ? [a.Period] : (a.Metrics ?? []).flatMap((m) => (m.MetricStat ? [m.MetricStat.Period] : []));
      expect({ id, periods: [...new Set(periods)] }).toEqual({ id, periods: [60] });
    }
  });

  it('alarms per function on the errors of the very version its alias is being shifted to', () => {
    for (const fn of released().filter((f) => !/^(Ws)?AuthorizerLambdaFunction$/.test(f))) {
      const alarm = releases().Resources[`${base(fn)}ReleaseErrorsAlarm`].Properties as {
        Metrics: { MetricStat?: { Metric: { Dimensions: { Name: string; Value: unknown }[] } } }[];
        AlarmActions: unknown[];
      };
      const version = (releases().Resources[`${base(fn)}LiveAlias`].Properties.FunctionVersion as { 'Fn::GetAtt': unknown[] })[
        'Fn::GetAtt'
      ][0];
      for (const m of alarm.Metrics.filter((x) => x.MetricStat)) {
        const dims = Object.fromEntries((m.MetricStat?.Metric.Dimensions ?? []).map((d) => [d.Name, d.Value]));
        expect({ fn, version: dims.ExecutedVersion, function: target('Releases', dims.FunctionName) }).toEqual({
          fn,
          version: { 'Fn::GetAtt': [version, 'Version'] },
          function: fn,
        });
      }
      expect(target('Releases', alarm.AlarmActions[0])).toBe('AlarmTopic');
    }
  });

  describe('every caller invokes the live alias', () => {
    it('API Gateway: every REST and WebSocket integration and authorizer', () => {
      const uris = [
        ...ofType(root(), 'AWS::ApiGateway::Method').flatMap(([id, m]) => {
          const i = m.Properties.Integration as { Type?: string; Uri?: unknown } | undefined;
          return i?.Type === 'AWS_PROXY' ? [[id, i.Uri]] : [];
        }),
        ...ofType(root(), 'AWS::ApiGateway::Authorizer').map(([id, a]) => [id, a.Properties.AuthorizerUri]),
        ...ofType(root(), 'AWS::ApiGatewayV2::Integration').map(([id, i]) => [id, i.Properties.IntegrationUri]),
        ...ofType(root(), 'AWS::ApiGatewayV2::Authorizer').map(([id, a]) => [id, a.Properties.AuthorizerUri]),
      ];
      expect(uris.length).toBeGreaterThan(45);
      const INVOKES_LIVE = /:lambda:path\/2015-03-31\/functions\/<\w+LambdaFunction\.Arn>:live\/invocations$/;
      for (const [id, uri] of uris) expect({ id, uri: text(uri) }).toEqual({ id, uri: expect.stringMatching(INVOKES_LIVE) as unknown });
    });

    it('lambda:InvokeFunction permissions: on the alias, each REST one still only from the REST API', () => {
      const permissions = ofType(root(), 'AWS::Lambda::Permission');
      expect(permissions.length).toBeGreaterThan(45);
      for (const [id, p] of permissions) {
        // the alias's ARN, or the alias itself (its Ref: the nested stack's output)
        const fn = text(p.Properties.FunctionName);
        expect({ id, onAlias: LIVE_ARN.test(fn) || /^<Releases\.Outputs\.\w+LiveAlias>$/.test(fn) }).toEqual({ id, onAlias: true });
        if (id.endsWith('PermissionApiGateway'))
          expect({ id, source: text(p.Properties.SourceArn) }).toEqual({
            id,
            source: expect.stringContaining(':<ApiGatewayRestApi>/') as unknown,
          });
      }
    });

    it('event source mappings (Kinesis, Amazon MQ) and schedules, each registered after the aliases exist', () => {
      const mappings = ofType(root(), 'AWS::Lambda::EventSourceMapping');
      expect(mappings.map(([, m]) => text(m.Properties.FunctionName)).sort()).toEqual([
        '<StreamsMarketDataFanoutLambdaFunction.Arn>:live',
        '<StreamsOrderEventsLambdaFunction.Arn>:live',
      ]);
      for (const [id, m] of mappings)
        expect({ id, after: [m.DependsOn].flat() }).toEqual({ id, after: expect.arrayContaining(['Releases']) as unknown });
      const targets = ofType(root(), 'AWS::Events::Rule').flatMap(([id, r]) =>
        (r.Properties.Targets as { Arn: unknown }[]).map((t) => [id, t.Arn]),
      );
      expect(targets).toHaveLength(3);
      for (const [id, arn] of targets) expect({ id, arn: text(arn) }).toEqual({ id, arn: expect.stringMatching(LIVE_ARN) as unknown });
    });

    it('the settlement and DR state machines’ tasks, and their roles allow exactly those alias ARNs', () => {
      for (const [machine, role] of [
        ['SettlementStateMachine', 'SettlementStateMachineRole'],
        ['DrFailoverStateMachine', 'DrStateMachineRole'],
        ['DrFailbackStateMachine', 'DrStateMachineRole'],
      ]) {
        const tasks = Object.values(root().Resources[machine].Properties.DefinitionSubstitutions as Record<string, unknown>).map(text);
        expect(tasks.length).toBeGreaterThanOrEqual(5);
        for (const task of tasks) expect({ machine, task }).toEqual({ machine, task: expect.stringMatching(LIVE_ARN) as unknown });
        const invokes = (
          root().Resources[role].Properties.Policies as { PolicyDocument: { Statement: { Action: string[]; Resource: unknown[] }[] } }[]
        )
          .flatMap((p) => p.PolicyDocument.Statement)
          .filter((st) => st.Action.includes('lambda:InvokeFunction'))
          .flatMap((st) => st.Resource)
          .map(text);
        expect(invokes).toEqual(expect.arrayContaining(tasks));
        for (const r of invokes) expect({ role, r }).toEqual({ role, r: expect.stringMatching(LIVE_ARN) as unknown });
      }
    });

    it('nothing anywhere names a released function’s ARN unqualified (or qualified twice), and no function is handed another’s name to invoke', () => {
      const resources = Object.entries(root().Resources).map(([id, r]) => [id, text(r)]);
      for (const fn of released()) {
        // its ARN anywhere but as `<fn.Arn>:live`, once
        const wrong = new RegExp(`<${fn}\\.Arn>(?!:live(?![:\\w]))`);
        expect({ fn, unqualified: resources.filter(([, r]) => wrong.test(r)).map(([id]) => id) }).toEqual({ fn, unqualified: [] });
      }
      expect(resources.map(([, r]) => r).join('\n')).toContain('<OrdersPlaceLambdaFunction.Arn>:live/invocations');
      for (const [id, f] of ofType(root(), 'AWS::Lambda::Function'))
        expect({ id, names: /LambdaFunction"/.test(JSON.stringify(f.Properties.Environment)) }).toEqual({ id, names: false });
    });
  });

  it('lets the hooks read this stage’s deployments, report on them and invoke this stage’s versions and aliases only', () => {
    for (const hook of HOOKS) {
      const role = root().Resources[hook].Properties.Role as { 'Fn::GetAtt': string[] };
      const statements = (
        root().Resources[role['Fn::GetAtt'][0]].Properties.Policies as {
          PolicyDocument: { Statement: { Action: string[]; Resource: unknown }[] };
        }[]
      )
        .flatMap((p) => p.PolicyDocument.Statement)
        .filter((s) => s.Action.some((a) => /^(codedeploy|lambda):/.test(a)));
      const arn = (service: string, rest: string): unknown => ({
        'Fn::Sub': `arn:\${AWS::Partition}:${service}:\${AWS::Region}:\${AWS::AccountId}:${rest}`,
      });
      expect(statements.map((s) => [s.Action, s.Resource])).toEqual([
        [
          ['codedeploy:GetDeployment', 'codedeploy:PutLifecycleEventHookExecutionStatus'],
          arn('codedeploy', `deploymentgroup:exchange-${stage}/*`),
        ],
        [['codedeploy:GetApplicationRevision'], arn('codedeploy', `application:exchange-${stage}`)],
        [['lambda:InvokeFunction'], arn('lambda', `function:exchange-${stage}-*:*`)],
      ]);
      expect(
        (root().Resources[hook].Properties.Environment as { Variables: Record<string, unknown> }).Variables.RELEASE_FUNCTION_PREFIX,
      ).toBe(`exchange-${stage}-`);
    }
  });

  it('keeps the nested templates in the deployment bucket beside the compiled one, and the package holds them', () => {
    const state = JSON.parse(readFileSync(join(stages[stage].dir, 'serverless-state.json'), 'utf8')) as {
      package: { artifactDirectoryName: string };
    };
    for (const name of Object.keys(stages[stage].nested))
      expect(root().Resources[name].Properties.TemplateURL).toEqual({
        'Fn::Sub': `https://s3.\${AWS::Region}.\${AWS::URLSuffix}/\${ServerlessDeploymentBucket}/${state.package.artifactDirectoryName}/cloudformation-template-nested-${name}.json`,
      });
    // the functions' log groups: only their functions wait for them
    const logs = stages[stage].nested.FunctionLogs.Resources;
    expect(Object.keys(logs).sort()).toEqual(
      functions()
        .map((fn) => `${base(fn)}LogGroup`)
        .sort(),
    );
    for (const fn of functions()) expect([root().Resources[fn].DependsOn].flat()).toContain('FunctionLogs');
  });
});
