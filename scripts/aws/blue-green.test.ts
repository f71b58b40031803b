import {
  addDeployments,
  addLiveAliases,
  checkSettings,
  qualifyInvocations,
  releasedFunctions,
  takeProvisionedConcurrency,
  type BlueGreenSettings,
  type FunctionObject,
  type Naming,
} from './blue-green';
import type { CfnResource } from './tag-resources';

const naming: Naming = {
  getNormalizedFunctionName: (k) => k[0].toUpperCase() + k.slice(1),
  getLambdaLogicalId: (k) => `${k[0].toUpperCase()}${k.slice(1)}LambdaFunction`,
};

const settings = (): BlueGreenSettings => ({
  enabled: true,
  alias: 'live',
  application: 'svc-prod',
  deploymentConfig: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
  preTrafficHook: 'pre',
  postTrafficHook: 'post',
  alarms: ['ApiAlarm'],
  alarmTopic: 'Topic',
  errorsAnswer: ['auth'],
});

/** a compiled template as serverless leaves it after the functions: each with its version */
function compiled(): { resources: Record<string, CfnResource>; functions: Record<string, FunctionObject> } {
  const functions: Record<string, FunctionObject> = {
    orders: { provisionedConcurrency: 5, versionLogicalId: 'OrdersLambdaVersionAbc' },
    task: { versionLogicalId: 'TaskLambdaVersionDef' },
    auth: { versionLogicalId: 'AuthLambdaVersionGhi' },
    pre: {},
    post: {},
  };
  const resources: Record<string, CfnResource> = {
    Topic: { Type: 'AWS::SNS::Topic' },
    ApiAlarm: { Type: 'AWS::CloudWatch::Alarm', Properties: {} },
  };
  for (const key of Object.keys(functions)) resources[naming.getLambdaLogicalId(key)] = { Type: 'AWS::Lambda::Function', Properties: {} };
  return { resources, functions };
}

describe('blue-green: every function behind its live alias, released by CodeDeploy', () => {
  const released = ['orders', 'task', 'auth'];

  it('releases every function but the hooks, and refuses settings that name what is not there', () => {
    expect(releasedFunctions(['orders', 'pre', 'task', 'post'], settings())).toEqual(['orders', 'task']);
    const { functions } = compiled();
    expect(() => checkSettings(settings(), functions)).not.toThrow();
    expect(() => checkSettings({ ...settings(), preTrafficHook: 'nope' }, functions)).toThrow(/hook nope/);
    expect(() => checkSettings({ ...settings(), alias: '12' }, functions)).toThrow(/alias/);
    expect(() => checkSettings({ ...settings(), errorsAnswer: ['ghost'] }, functions)).toThrow(/ghost/);
  });

  it('takes provisioned concurrency off the functions for their live alias (serverless would make a `provisioned` alias)', () => {
    const { functions } = compiled();
    const taken = takeProvisionedConcurrency(functions, released);
    expect([...taken]).toEqual([['orders', 5]]);
    expect(functions.orders.provisionedConcurrency).toBeUndefined();
  });

  it('puts a live alias on each released function’s version, updated through CodeDeploy with both hooks, and points its events at it', () => {
    const { resources, functions } = compiled();
    addLiveAliases(resources, functions, released, new Map([['orders', 5]]), settings(), naming);
    expect(resources.OrdersLiveAlias).toEqual({
      Type: 'AWS::Lambda::Alias',
      Properties: {
        FunctionName: { Ref: 'OrdersLambdaFunction' },
        FunctionVersion: { 'Fn::GetAtt': ['OrdersLambdaVersionAbc', 'Version'] },
        Name: 'live',
        ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 5 },
      },
      UpdatePolicy: {
        CodeDeployLambdaAliasUpdate: {
          ApplicationName: { Ref: 'CodeDeployApplication' },
          DeploymentGroupName: { Ref: 'OrdersDeploymentGroup' },
          BeforeAllowTrafficHook: { Ref: 'PreLambdaFunction' },
          AfterAllowTrafficHook: { Ref: 'PostLambdaFunction' },
        },
      },
    });
    expect(resources.TaskLiveAlias.Properties).not.toHaveProperty('ProvisionedConcurrencyConfig');
    expect(functions.task.targetAlias).toEqual({ name: 'live', logicalId: 'TaskLiveAlias' });
    // the hooks are called unqualified by CodeDeploy: no alias of their own
    expect(resources.PreLiveAlias).toBeUndefined();
    expect(functions.pre.targetAlias).toBeUndefined();
    // without a version there is nothing to shift to
    const unversioned = compiled();
    delete unversioned.functions.task.versionLogicalId;
    expect(() => addLiveAliases(unversioned.resources, unversioned.functions, released, new Map(), settings(), naming)).toThrow(
      /versionFunctions/,
    );
  });

  it('gives each released function a canary deployment group that rolls back on failure and on its alarms, which exist', () => {
    const { resources, functions } = compiled();
    addDeployments(resources, functions, released, settings(), naming, 'svc-prod-');
    expect(resources.CodeDeployApplication.Properties).toEqual({ ApplicationName: 'svc-prod', ComputePlatform: 'Lambda' });
    expect(resources.OrdersDeploymentGroup.Properties).toEqual({
      ApplicationName: { Ref: 'CodeDeployApplication' },
      ServiceRoleArn: { 'Fn::GetAtt': ['CodeDeployServiceRole', 'Arn'] },
      DeploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
      DeploymentStyle: { DeploymentType: 'BLUE_GREEN', DeploymentOption: 'WITH_TRAFFIC_CONTROL' },
      AutoRollbackConfiguration: { Enabled: true, Events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM'] },
      AlarmConfiguration: { Enabled: true, Alarms: [{ Name: { Ref: 'ApiAlarm' } }, { Name: { Ref: 'OrdersReleaseErrorsAlarm' } }] },
    });
    // an authorizer's refusals are Lambda errors: only the API-wide alarms
    expect(resources.AuthReleaseErrorsAlarm).toBeUndefined();
    expect((resources.AuthDeploymentGroup.Properties?.AlarmConfiguration as { Alarms: unknown[] }).Alarms).toEqual([
      { Name: { Ref: 'ApiAlarm' } },
    ]);
    expect(resources.PreDeploymentGroup).toBeUndefined();
    const missing = compiled();
    expect(() => addDeployments(missing.resources, missing.functions, released, { ...settings(), alarms: ['Gone'] }, naming, 'p-')).toThrow(
      /no resource Gone/,
    );
    expect(() =>
      addDeployments(missing.resources, missing.functions, released, { ...settings(), alarms: ['Topic'] }, naming, 'p-'),
    ).toThrow(/not an alarm/);
  });

  it('alarms per function on the errors of the version being shifted to, within a minute', () => {
    const { resources, functions } = compiled();
    addDeployments(resources, functions, released, settings(), naming, 'svc-prod-');
    const alarm = resources.TaskReleaseErrorsAlarm.Properties as {
      Metrics: { Id: string; Expression?: string; MetricStat?: { Metric: { MetricName: string; Dimensions: unknown }; Period: number } }[];
      AlarmActions: unknown;
      Threshold: number;
      EvaluationPeriods: number;
    };
    const fn = { Ref: 'TaskLambdaFunction' };
    const stats = alarm.Metrics.filter((m) => m.MetricStat);
    expect(stats.map((m) => [m.MetricStat?.Metric.MetricName, m.MetricStat?.Period])).toEqual([
      ['Errors', 60],
      ['Invocations', 60],
    ]);
    for (const m of stats)
      expect(m.MetricStat?.Metric.Dimensions).toEqual([
        { Name: 'FunctionName', Value: fn },
        { Name: 'Resource', Value: { 'Fn::Join': [':', [fn, 'live']] } },
        { Name: 'ExecutedVersion', Value: { 'Fn::GetAtt': ['TaskLambdaVersionDef', 'Version'] } },
      ]);
    expect(alarm.Metrics.find((m) => m.Expression)?.Expression).toBe('100 * errors / invocations');
    expect(alarm).toMatchObject({ Threshold: 5, EvaluationPeriods: 1, AlarmActions: [{ Ref: 'Topic' }] });
  });

  it('lets CodeDeploy shift this stage’s aliases and call the two hooks, nothing more', () => {
    const { resources, functions } = compiled();
    addDeployments(resources, functions, released, settings(), naming, 'svc-prod-');
    const statements = (resources.CodeDeployServiceRole.Properties?.Policies as { PolicyDocument: { Statement: unknown[] } }[])[0]
      .PolicyDocument.Statement;
    expect(statements).toEqual([
      { Effect: 'Allow', Action: ['cloudwatch:DescribeAlarms'], Resource: '*' },
      {
        Effect: 'Allow',
        Action: ['lambda:GetAlias', 'lambda:UpdateAlias', 'lambda:GetProvisionedConcurrencyConfig'],
        Resource: [
          { 'Fn::Sub': 'arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:svc-prod-*' },
          { 'Fn::Sub': 'arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:svc-prod-*:*' },
        ],
      },
      {
        Effect: 'Allow',
        Action: ['lambda:InvokeFunction'],
        Resource: [{ 'Fn::GetAtt': ['PreLambdaFunction', 'Arn'] }, { 'Fn::GetAtt': ['PostLambdaFunction', 'Arn'] }],
      },
    ]);
  });

  describe('qualifying what resources/ invoke unqualified', () => {
    const aliases = new Map([['TaskLambdaFunction', 'TaskLiveAlias']]);
    const live = { 'Fn::Join': [':', [{ 'Fn::GetAtt': ['TaskLambdaFunction', 'Arn'] }, 'live']] };

    it('points state machine tasks, their roles and event source mappings at the alias; a mapping waits for it', () => {
      const resources: Record<string, CfnResource> = {
        Machine: {
          Type: 'AWS::StepFunctions::StateMachine',
          Properties: {
            DefinitionSubstitutions: { Task: { 'Fn::GetAtt': ['TaskLambdaFunction', 'Arn'] }, Other: { 'Fn::GetAtt': 'Q.Arn' } },
          },
        },
        Role: {
          Type: 'AWS::IAM::Role',
          Properties: { Policies: [{ PolicyDocument: { Statement: [{ Resource: [{ 'Fn::GetAtt': 'TaskLambdaFunction.Arn' }] }] } }] },
        },
        Mapping: {
          Type: 'AWS::Lambda::EventSourceMapping',
          DependsOn: 'Broker',
          Properties: { FunctionName: { 'Fn::GetAtt': ['TaskLambdaFunction', 'Arn'] } },
        },
        Sub: {
          Type: 'AWS::X::Y',
          Properties: { A: { 'Fn::Sub': 'x ${TaskLambdaFunction.Arn} ${TaskLambdaFunction.Arn}:live ${Other.Arn}' } },
        },
        Serverless: { Type: 'AWS::Lambda::Permission', Properties: { FunctionName: live } },
        // serverless's REST integration URI qualifies the ARN with the parts after it
        Method: {
          Type: 'AWS::ApiGateway::Method',
          Properties: {
            Integration: {
              Uri: { 'Fn::Join': ['', ['functions/', { 'Fn::GetAtt': ['TaskLambdaFunction', 'Arn'] }, ':', 'live', '/invocations']] },
            },
          },
        },
        Unqualified: {
          Type: 'AWS::ApiGateway::Method',
          Properties: {
            Integration: { Uri: { 'Fn::Join': ['', ['functions/', { 'Fn::GetAtt': ['TaskLambdaFunction', 'Arn'] }, '/invocations']] } },
          },
        },
        Own: { Type: 'AWS::Lambda::Alias', Properties: { FunctionName: { 'Fn::GetAtt': ['TaskLambdaFunction', 'Arn'] } } },
      };
      const changed = qualifyInvocations(resources, aliases, 'live', new Set(['Own']));
      expect(changed).toEqual(['Machine', 'Role', 'Mapping', 'Sub', 'Unqualified']);
      expect(resources.Method.Properties?.Integration).toEqual({
        Uri: { 'Fn::Join': ['', ['functions/', { 'Fn::GetAtt': ['TaskLambdaFunction', 'Arn'] }, ':', 'live', '/invocations']] },
      });
      expect(resources.Unqualified.Properties?.Integration).toEqual({ Uri: { 'Fn::Join': ['', ['functions/', live, '/invocations']] } });
      expect(resources.Machine.Properties?.DefinitionSubstitutions).toEqual({ Task: live, Other: { 'Fn::GetAtt': 'Q.Arn' } });
      // no dependency: it would tie every state machine (and the roles that start them) to the aliases' stack
      expect(resources.Machine.DependsOn).toBeUndefined();
      expect(JSON.stringify(resources.Role)).toContain(JSON.stringify(live));
      expect(resources.Mapping).toMatchObject({ Properties: { FunctionName: live }, DependsOn: ['Broker', 'TaskLiveAlias'] });
      expect(resources.Sub.Properties?.A).toEqual({
        'Fn::Sub': 'x ${TaskLambdaFunction.Arn}:live ${TaskLambdaFunction.Arn}:live ${Other.Arn}',
      });
      // serverless's own alias ARN, and the alias's own reference to its function, stay
      expect(resources.Serverless.Properties?.FunctionName).toEqual(live);
      expect(resources.Own.Properties?.FunctionName).toEqual({ 'Fn::GetAtt': ['TaskLambdaFunction', 'Arn'] });
    });

    it('changes nothing twice', () => {
      const resources: Record<string, CfnResource> = {
        Mapping: { Type: 'AWS::Lambda::EventSourceMapping', Properties: { FunctionName: { 'Fn::GetAtt': ['TaskLambdaFunction', 'Arn'] } } },
      };
      qualifyInvocations(resources, aliases, 'live', new Set());
      const once = structuredClone(resources);
      expect(qualifyInvocations(resources, aliases, 'live', new Set())).toEqual([]);
      expect(resources).toEqual(once);
    });
  });
});
