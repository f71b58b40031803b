import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkTemplate, formatProblem } from './cfn-spec-check';
import { nest, NestedStacksPlugin, select, templateFileName, templateUrl, type Template } from './nested-stacks';

const URL = { 'Fn::Sub': 'https://s3.${AWS::Region}.${AWS::URLSuffix}/${ServerlessDeploymentBucket}/dir/file.json' };

/** a function, its log group and version, an alias on it, and what uses them */
function root(): Template {
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Parameters: { Stage: { Type: 'String' }, Subnets: { Type: 'CommaDelimitedList' } },
    Conditions: { IsProd: { 'Fn::Equals': [{ Ref: 'Stage' }, 'prod'] } },
    Resources: {
      ServerlessDeploymentBucket: { Type: 'AWS::S3::Bucket' },
      Topic: { Type: 'AWS::SNS::Topic', Condition: 'IsProd' },
      FnLogGroup: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/aws/lambda/svc-fn' } },
      ApiLogGroup: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/aws/api-gateway/svc' } },
      Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: {} } },
      Fn: {
        Type: 'AWS::Lambda::Function',
        DependsOn: ['FnLogGroup', 'Role'],
        Properties: { Role: { 'Fn::GetAtt': ['Role', 'Arn'] }, Code: { ZipFile: 'x' }, Handler: 'h', Runtime: 'nodejs22.x' },
      },
      FnVersion: { Type: 'AWS::Lambda::Version', Properties: { FunctionName: { Ref: 'Fn' } } },
      FnAlias: {
        Type: 'AWS::Lambda::Alias',
        DependsOn: 'Role',
        Properties: { FunctionName: { Ref: 'Fn' }, FunctionVersion: { 'Fn::GetAtt': ['FnVersion', 'Version'] }, Name: 'live' },
        UpdatePolicy: { CodeDeployLambdaAliasUpdate: { ApplicationName: { Ref: 'Stage' }, DeploymentGroupName: 'g' } },
      },
      Permission: {
        Type: 'AWS::Lambda::Permission',
        DependsOn: 'FnAlias',
        Properties: { FunctionName: { Ref: 'FnAlias' }, Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com' },
      },
      Alarm: {
        Type: 'AWS::CloudWatch::Alarm',
        Condition: 'IsProd',
        Properties: {
          AlarmDescription: { 'Fn::Sub': 'version ${FnVersion.Version} of ${Fn} in ${AWS::Region}' },
          AlarmActions: [{ 'Fn::If': ['IsProd', { Ref: 'Topic' }, { Ref: 'AWS::NoValue' }] }],
          ComparisonOperator: 'GreaterThanThreshold',
          EvaluationPeriods: 1,
          Threshold: 0,
        },
      },
    },
    Outputs: { Qualified: { Value: { Ref: 'FnVersion' } } },
  };
}

describe('nested stacks', () => {
  it('selects by type, logical id and property', () => {
    const r = root().Resources;
    expect(select(r, [{ type: 'AWS::Logs::LogGroup', properties: { LogGroupName: '^/aws/lambda/' } }])).toEqual(['FnLogGroup']);
    expect(select(r, [{ type: 'AWS::Lambda::Version' }, { type: 'AWS::Lambda::Alias', logicalId: 'Alias$' }])).toEqual([
      'FnVersion',
      'FnAlias',
    ]);
    expect(select(r, [{ type: 'AWS::Lambda::Alias', logicalId: '^Other' }])).toEqual([]);
  });

  it('moves resources out, the root’s references in as parameters and theirs out as outputs, and both templates stay valid', () => {
    const t = root();
    const nested = nest(t, 'Releases', ['FnVersion', 'FnAlias'], URL);
    expect(Object.keys(nested.Resources)).toEqual(['FnVersion', 'FnAlias']);
    // inside: the function, a root parameter and the role (a DependsOn, which the nested stack takes over)
    expect(nested.Parameters).toEqual({ Fn: { Type: 'String' }, Stage: { Type: 'String' } });
    expect(nested.Resources.FnVersion.Properties).toEqual({ FunctionName: { Ref: 'Fn' } });
    expect(nested.Resources.FnAlias.Properties?.FunctionVersion).toEqual({ 'Fn::GetAtt': ['FnVersion', 'Version'] });
    expect(nested.Resources.FnAlias.UpdatePolicy).toEqual({
      CodeDeployLambdaAliasUpdate: { ApplicationName: { Ref: 'Stage' }, DeploymentGroupName: 'g' },
    });
    expect(nested.Resources.FnAlias.DependsOn).toBeUndefined();
    expect(t.Resources.Releases).toEqual({
      Type: 'AWS::CloudFormation::Stack',
      Properties: { TemplateURL: URL, Parameters: { Fn: { Ref: 'Fn' }, Stage: { Ref: 'Stage' } } },
      DependsOn: ['Role'],
    });
    // outside: what refers to a moved resource reads the stack's output, and waits for the stack
    expect(t.Resources.Permission).toMatchObject({
      DependsOn: ['Releases'],
      Properties: { FunctionName: { 'Fn::GetAtt': ['Releases', 'Outputs.FnAlias'] } },
    });
    expect(t.Resources.Alarm.Properties?.AlarmDescription).toEqual({
      'Fn::Sub': [
        'version ${FnVersionVersion} of ${Fn} in ${AWS::Region}',
        { FnVersionVersion: { 'Fn::GetAtt': ['Releases', 'Outputs.FnVersionVersion'] } },
      ],
    });
    expect(t.Outputs?.Qualified.Value).toEqual({ 'Fn::GetAtt': ['Releases', 'Outputs.FnVersion'] });
    expect(nested.Outputs).toEqual({
      FnAlias: { Value: { Ref: 'FnAlias' } },
      FnVersionVersion: { Value: { 'Fn::GetAtt': ['FnVersion', 'Version'] } },
      FnVersion: { Value: { Ref: 'FnVersion' } },
    });
    // the root keeps its conditions where they were
    expect(t.Resources.Alarm.Condition).toBe('IsProd');
    for (const template of [t, nested]) expect(checkTemplate(template).map(formatProblem)).toEqual([]);
  });

  it('chains stacks: a later stack’s output feeds an earlier stack’s parameter', () => {
    const t = root();
    const releases = nest(t, 'Releases', ['FnVersion', 'FnAlias'], URL);
    const functions = nest(t, 'Functions', ['Fn', 'FnLogGroup'], URL);
    expect(t.Resources.Releases.Properties?.Parameters).toEqual({
      Fn: { 'Fn::GetAtt': ['Functions', 'Outputs.Fn'] },
      Stage: { Ref: 'Stage' },
    });
    expect(t.Resources.Functions.DependsOn).toEqual(['Role']);
    expect(functions.Resources.Fn.DependsOn).toEqual(['FnLogGroup']);
    expect(functions.Parameters).toEqual({ RoleArn: { Type: 'String' } });
    for (const template of [t, releases, functions]) expect(checkTemplate(template).map(formatProblem)).toEqual([]);
  });

  it('refuses what cannot cross a stack’s edge: conditions, lists, and names of nothing', () => {
    expect(() => nest(root(), 'N', ['Alarm'], URL)).toThrow(/Alarm has a condition/);
    const conditional = root();
    delete conditional.Resources.Alarm.Condition;
    expect(() => nest(conditional, 'N', ['Alarm'], URL)).toThrow(/Fn::If cannot cross/);
    const list = root();
    list.Resources.FnLogGroup.Properties = { Subnets: { Ref: 'Subnets' } };
    expect(() => nest(list, 'N', ['FnLogGroup'], URL)).toThrow(/CommaDelimitedList/);
    const attribute = root();
    attribute.Resources.FnLogGroup.Properties = {
      X: { 'Fn::GetAtt': ['Role', 'RoleId'] },
      Y: { 'Fn::GetAtt': ['ServerlessDeploymentBucket', 'Nope'] },
    };
    expect(() => nest(attribute, 'N', ['FnLogGroup'], URL)).toThrow(/Nope is not a string/);
    expect(() => nest(root(), 'N', ['Ghost'], URL)).toThrow(/no resource Ghost/);
    expect(() => nest(root(), 'Fn', ['FnVersion'], URL)).toThrow(/already has a Fn/);
    expect(() => nest(root(), 'N', [], URL)).toThrow(/no resources/);
  });

  it('refuses a stack over CloudFormation’s limits', () => {
    const t = root();
    for (let i = 0; i < 501; i++) t.Resources[`Log${i}`] = { Type: 'AWS::Logs::LogGroup' };
    expect(() => nest(t, 'Logs', select(t.Resources, [{ type: 'AWS::Logs::LogGroup', logicalId: '^Log' }]), URL)).toThrow(/501 resources/);
  });

  it('reads a nested template from the deployment bucket, beside the compiled one', () => {
    expect(templateUrl(undefined, 'serverless/svc/prod/123', 'Releases')).toEqual({
      'Fn::Sub':
        'https://s3.${AWS::Region}.${AWS::URLSuffix}/${ServerlessDeploymentBucket}/serverless/svc/prod/123/cloudformation-template-nested-Releases.json',
    });
    expect(templateUrl('my-bucket', 'd', 'Logs')).toEqual({
      'Fn::Sub': 'https://s3.${AWS::Region}.${AWS::URLSuffix}/my-bucket/d/cloudformation-template-nested-Logs.json',
    });
  });

  describe('the plugin', () => {
    let dir = '';
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'nested-stacks-'));
      mkdirSync(join(dir, '.serverless'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    const serverless = (template: Template, uploads: Record<string, unknown>[], enabled = true) => ({
      serviceDir: dir,
      service: {
        custom: { nestedStacks: { enabled, stacks: { Releases: [{ type: 'AWS::Lambda::Version' }, { type: 'AWS::Lambda::Alias' }] } } },
        package: { artifactDirectoryName: 'serverless/svc/prod/123' },
        provider: { stackTags: { stage: 'prod' }, compiledCloudFormationTemplate: template },
      },
      getProvider: () => ({
        getServerlessDeploymentBucketName: () => Promise.resolve('deploy-bucket'),
        request: (_service: 'S3', _method: 'upload', params: Record<string, unknown>) => {
          uploads.push(params);
          return Promise.resolve({});
        },
      }),
      classes: { Error },
    });
    const log = { log: { info: (): void => undefined } };

    it('writes each nested template beside the compiled one (packaged with it), tags its stack, and uploads it minified on deploy', async () => {
      const template = root();
      const uploads: Record<string, unknown>[] = [];
      const plugin = new NestedStacksPlugin(serverless(template, uploads), {}, log);
      await plugin.hooks['before:aws:package:finalize:saveServiceState']();
      const file = join(dir, '.serverless', templateFileName('Releases'));
      const written = JSON.parse(readFileSync(file, 'utf8')) as Template;
      expect(Object.keys(written.Resources)).toEqual(['FnVersion', 'FnAlias']);
      expect(template.Resources.Releases.Properties?.Tags).toEqual([{ Key: 'stage', Value: 'prod' }]);
      expect(JSON.stringify(template.Resources.Releases.Properties?.TemplateURL)).toContain(
        'serverless/svc/prod/123/cloudformation-template-nested-Releases.json',
      );
      // a package made elsewhere: serverless copies it back into .serverless before it deploys
      writeFileSync(join(dir, '.serverless', 'cloudformation-template-update-stack.json'), '{}');
      await plugin.hooks['after:aws:deploy:deploy:uploadArtifacts']();
      expect(uploads).toEqual([
        {
          Bucket: 'deploy-bucket',
          Key: 'serverless/svc/prod/123/cloudformation-template-nested-Releases.json',
          Body: JSON.stringify(written),
          ContentType: 'application/json',
        },
      ]);
    });

    it('does nothing when not enabled (stage local)', async () => {
      const template = root();
      const before = structuredClone(template);
      const uploads: Record<string, unknown>[] = [];
      const plugin = new NestedStacksPlugin(serverless(template, uploads, false), {}, log);
      await plugin.hooks['before:aws:package:finalize:saveServiceState']();
      await plugin.hooks['after:aws:deploy:deploy:uploadArtifacts']();
      expect(template).toEqual(before);
      expect(uploads).toEqual([]);
    });
  });
});
