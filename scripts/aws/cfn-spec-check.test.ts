/**
 * The offline template check: what the CloudFormation specification refuses is reported with where it is,
 * what it allows (intrinsic functions standing for values, AWS::NoValue, custom resources) is not, and the
 * project's own compiled template passes.
 */
import { checkTemplate, formatProblem, taggable, type Problem } from './cfn-spec-check';
import { packageStage, removePackages } from '../../test/support/serverless-package';

type Template = { Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; [k: string]: unknown }> } & Record<
  string,
  unknown
>;

/** A small template of the kinds of resources serverless compiles, valid as it stands. */
function valid(): Template {
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: 'test',
    Parameters: { Stage: { Type: 'String', Default: 'local' }, Subnets: { Type: 'CommaDelimitedList' } },
    Mappings: { Sizes: { local: { Memory: 1024 } } },
    Conditions: {
      IsLocal: { 'Fn::Equals': [{ Ref: 'Stage' }, 'local'] },
      NotLocal: { 'Fn::Not': [{ Condition: 'IsLocal' }] },
      Either: { 'Fn::Or': [{ Condition: 'IsLocal' }, { Condition: 'NotLocal' }] },
      Both: { 'Fn::And': [{ Condition: 'IsLocal' }, { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'] }] },
    },
    Resources: {
      Role: {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Principal: { Service: ['lambda.amazonaws.com'] }, Action: ['sts:AssumeRole'] }],
          },
          Policies: [
            {
              PolicyName: { 'Fn::Join': ['-', [{ Ref: 'AWS::StackName' }, 'fn']] },
              PolicyDocument: {
                Version: '2012-10-17',
                Statement: [{ Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: { 'Fn::GetAtt': ['Table', 'Arn'] } }],
              },
            },
          ],
          Tags: [{ Key: 'service', Value: 'exchange' }],
        },
      },
      Table: {
        Type: 'AWS::DynamoDB::Table',
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: {
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: 'true' },
          StreamSpecification: { 'Fn::If': ['IsLocal', { Ref: 'AWS::NoValue' }, { StreamViewType: 'NEW_IMAGE' }] },
        },
      },
      Fn: {
        Type: 'AWS::Lambda::Function',
        DependsOn: ['Role', 'Table'],
        Properties: {
          Code: { S3Bucket: { 'Fn::Sub': 'deploy-${AWS::AccountId}-${Stage}' }, S3Key: 'fn.zip' },
          Role: { 'Fn::GetAtt': ['Role', 'Arn'] },
          Handler: 'index.handler',
          Runtime: 'nodejs20.x',
          MemorySize: { 'Fn::FindInMap': ['Sizes', { Ref: 'Stage' }, 'Memory'] },
          Timeout: '29',
          Environment: { Variables: { TABLE: { Ref: 'Table' }, STREAM: { 'Fn::GetAtt': 'Table.StreamArn' }, N: 3 } },
          VpcConfig: {
            SubnetIds: { Ref: 'Subnets' },
            SecurityGroupIds: { 'Fn::If': ['NotLocal', [{ 'Fn::ImportValue': 'sg' }], { Ref: 'AWS::NoValue' }] },
          },
          Layers: { 'Fn::Split': [',', { 'Fn::ImportValue': 'layers' }] },
          ReservedConcurrentExecutions: { 'Fn::If': ['Both', 5, { Ref: 'AWS::NoValue' }] },
          Description: { 'Fn::Base64': 'x' },
          TracingConfig: { Mode: 'Active' },
        },
      },
      Machine: {
        Type: 'AWS::StepFunctions::StateMachine',
        Properties: {
          RoleArn: { 'Fn::GetAtt': ['Role', 'Arn'] },
          Definition: { StartAt: 'A', States: { A: { Type: 'Task', Resource: { 'Fn::GetAtt': ['Fn', 'Arn'] }, End: true } } },
        },
      },
      Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16', EnableDnsSupport: 'true' } },
      Subnet: {
        Type: 'AWS::EC2::Subnet',
        Condition: 'Either',
        Properties: {
          VpcId: { Ref: 'Vpc' },
          CidrBlock: { 'Fn::Select': [0, { 'Fn::Cidr': [{ 'Fn::GetAtt': ['Vpc', 'CidrBlock'] }, 4, 8] }] },
          AvailabilityZone: { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] },
          Tags: [{ Key: 'Name', Value: { 'Fn::Transform': { Name: 'Upper', Parameters: { Text: { Ref: 'Stage' } } } } }],
        },
      },
      Seed: { Type: 'Custom::Seed', Properties: { ServiceToken: { 'Fn::GetAtt': ['Fn', 'Arn'] }, Anything: [1, { x: 2 }] } },
      Alarm: {
        Type: 'AWS::CloudWatch::Alarm',
        Condition: 'NotLocal',
        Properties: {
          ComparisonOperator: 'GreaterThanThreshold',
          EvaluationPeriods: 1,
          Threshold: '0.5',
          MetricName: 'Errors',
          Namespace: 'AWS/Lambda',
          Period: 60,
          Statistic: 'Sum',
          ActionsEnabled: true,
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: 'Fn' } }],
          AlarmActions: [{ 'Fn::Sub': ['arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:${Topic}', { Topic: 'alerts' }] }],
        },
      },
    },
    Outputs: {
      FnArn: { Value: { 'Fn::GetAtt': ['Fn', 'Arn'] }, Export: { Name: { 'Fn::Sub': '${AWS::StackName}-FnArn' } } },
      SeedValue: { Value: { 'Fn::GetAtt': ['Seed', 'Whatever'] }, Condition: 'IsLocal' },
    },
  };
}

/** the problems of the valid template after `edit`, as `resource path: message` */
function problemsAfter(edit: (t: Template) => void): string[] {
  const t = valid();
  edit(t);
  return checkTemplate(t).map(formatProblem);
}

describe('checkTemplate', () => {
  it('passes a valid template, intrinsic functions standing for values of every shape', () => {
    expect(checkTemplate(valid())).toEqual([]);
  });

  it('reports a resource type the specification does not have, and a SAM type', () => {
    expect(
      problemsAfter((t) => {
        t.Resources.Queue = { Type: 'AWS::SQS::Queueue', Properties: {} };
        t.Resources.Sam = { Type: 'AWS::Serverless::Function', Properties: {} };
      }),
    ).toEqual([
      'Queue Type: unknown resource type AWS::SQS::Queueue',
      expect.stringMatching(/^Sam Type: AWS::Serverless::Function is a SAM type/),
    ]);
  });

  it('reports an unknown property, at the resource and inside a property type', () => {
    expect(
      problemsAfter((t) => {
        t.Resources.Fn.Properties!.Memory = 512;
        t.Resources.Fn.Properties!.TracingConfig = { Mode: 'Active', Sampling: 1 };
        (t.Resources.Role.Properties!.Tags as unknown[]).push({ Key: 'a', Value: 'b', Propagate: true });
      }),
    ).toEqual([
      'Role Properties.Tags[1].Propagate: unknown property Propagate of Tag',
      'Fn Properties.TracingConfig.Sampling: unknown property Sampling of AWS::Lambda::Function.TracingConfig',
      'Fn Properties.Memory: unknown property Memory of AWS::Lambda::Function',
    ]);
  });

  it('reports a missing required property, also when AWS::NoValue takes it away, and inside a property type', () => {
    expect(
      problemsAfter((t) => {
        delete t.Resources.Fn.Properties!.Role;
        t.Resources.Table.Properties!.KeySchema = { Ref: 'AWS::NoValue' };
        t.Resources.Fn.Properties!.Environment = { Variables: { A: 'x' }, Unknown: undefined };
        t.Resources.Role.Properties!.Tags = [{ Key: 'only' }];
        delete t.Resources.Seed.Properties!.ServiceToken;
      }),
    ).toEqual([
      'Role Properties.Tags[0].Value: missing required property Value of Tag',
      'Table Properties.KeySchema: missing required property KeySchema of AWS::DynamoDB::Table',
      'Fn Properties.Role: missing required property Role of AWS::Lambda::Function',
      'Seed Properties.ServiceToken: missing required property ServiceToken',
    ]);
  });

  it('reports a value of the wrong primitive type, collection or shape', () => {
    expect(
      problemsAfter((t) => {
        const p = t.Resources.Fn.Properties!;
        p.MemorySize = '1 GB';
        p.Timeout = 2.5;
        p.Handler = { file: 'index' };
        p.Layers = 'arn:aws:lambda:layer';
        p.VpcConfig = { SubnetIds: [1, ['nested']] };
        t.Resources.Alarm.Properties!.ActionsEnabled = 'yes';
        t.Resources.Alarm.Properties!.Threshold = 'half';
        t.Resources.Alarm.Properties!.Dimensions = { Name: 'FunctionName', Value: 'x' };
        t.Resources.Machine.Properties!.Definition = 42;
        t.Resources.Table.Properties!.PointInTimeRecoverySpecification = true;
      }),
    ).toEqual([
      'Table Properties.PointInTimeRecoverySpecification: must be an object, not boolean true',
      'Fn Properties.Handler: must be a string (String), not an object',
      'Fn Properties.MemorySize: must be an integer (Integer), not string "1 GB"',
      'Fn Properties.Timeout: must be an integer (Integer), not number 2.5',
      'Fn Properties.VpcConfig.SubnetIds[1]: must be a string (String), not a list',
      'Fn Properties.Layers: must be a list, not string "arn:aws:lambda:layer"',
      'Machine Properties.Definition: must be an object or its JSON text (Json), not number 42',
      'Alarm Properties.Threshold: must be a number (Double), not string "half"',
      'Alarm Properties.ActionsEnabled: must be a boolean (Boolean), not string "yes"',
      'Alarm Properties.Dimensions: must be a list, not an object',
    ]);
  });

  it('reports Fn::GetAtt to an attribute the type does not have, or to no resource', () => {
    expect(
      problemsAfter((t) => {
        t.Resources.Fn.Properties!.Role = { 'Fn::GetAtt': ['Role', 'Name'] };
        t.Resources.Fn.Properties!.Environment = {
          Variables: { A: { 'Fn::GetAtt': 'Tabel.Arn' }, B: { 'Fn::Sub': '${Table.StreamArn}/${Table.Stream}' } },
        };
      }),
    ).toEqual([
      'Fn Properties.Role.Fn::GetAtt: Fn::GetAtt Role.Name: AWS::IAM::Role has no attribute Name (it has Arn, RoleId)',
      'Fn Properties.Environment.Variables.A.Fn::GetAtt: Fn::GetAtt Tabel.Arn: there is no resource Tabel',
      'Fn Properties.Environment.Variables.B.Fn::Sub: Fn::GetAtt Table.Stream: AWS::DynamoDB::Table has no attribute Stream (it has Arn, StreamArn)',
    ]);
  });

  it('reports a Ref, Fn::Sub variable, DependsOn, condition or mapping naming nothing', () => {
    expect(
      problemsAfter((t) => {
        t.Resources.Fn.Properties!.Handler = { Ref: 'Handler' };
        t.Resources.Fn.Properties!.Code = { S3Bucket: { 'Fn::Sub': 'b-${Bucket}-${!Literal}' }, S3Key: 'k' };
        t.Resources.Fn.DependsOn = 'Tabel';
        t.Resources.Alarm.Condition = 'IsProd';
        t.Resources.Table.Properties!.StreamSpecification = {
          'Fn::If': ['IsProd', { StreamViewType: 'KEYS_ONLY' }, { Ref: 'AWS::NoValue' }],
        };
        t.Resources.Fn.Properties!.MemorySize = { 'Fn::FindInMap': ['Size', 'local', 'Memory'] };
        (t.Outputs as Record<string, unknown>).Stage = { Value: { Ref: 'Stages' } };
        (t.Conditions as Record<string, unknown>).OnTable = { 'Fn::Equals': [{ Ref: 'Table' }, 'x'] };
      }),
    ).toEqual([
      'OnTable Fn::Equals[0].Ref: a condition cannot refer to the resource Table',
      'Table Properties.StreamSpecification.Fn::If[0]: no condition IsProd in Conditions',
      'Fn DependsOn: depends on Tabel, which is no resource of the template',
      expect.stringMatching(/^Fn Properties.Code.S3Bucket.Fn::Sub: Fn::Sub names \$\{Bucket\}, which is no resource/),
      'Fn Properties.Handler.Ref: Ref to Handler, which is no resource, parameter or pseudo parameter of the template',
      'Fn Properties.MemorySize.Fn::FindInMap[0]: no mapping Size in Mappings',
      'Alarm Condition: no condition IsProd in Conditions',
      'Stage Value.Ref: Ref to Stages, which is no resource, parameter or pseudo parameter of the template',
    ]);
  });

  it('reports unknown sections, resource attributes, intrinsic functions, and a function of the wrong kind for the value', () => {
    expect(
      problemsAfter((t) => {
        t.Output = {};
        t.Resources.Table.DeletionPolicy = 'Keep';
        t.Resources.Table.Depends = ['Role'];
        t.Resources.Fn.Properties!.Handler = { 'Fn::Concat': ['a', 'b'] };
        t.Resources.Fn.Properties!.Layers = { 'Fn::Join': [',', ['a', 'b']] };
        t.Resources.Fn.Properties!.Runtime = { 'Fn::GetAZs': '' };
        t.Resources.Fn.Properties!.Description = { 'Fn::Equals': ['a', 'b'] };
      }),
    ).toEqual([
      'Output: unknown top-level section Output',
      'Table Depends: unknown resource attribute Depends',
      'Table DeletionPolicy: string "Keep" is not one of Delete, Retain, RetainExceptOnCreate, Snapshot',
      'Fn Properties.Handler.Fn::Concat: unknown intrinsic function Fn::Concat',
      'Fn Properties.Runtime: Fn::GetAZs gives a list, where a single value is expected',
      'Fn Properties.Layers: Fn::Join gives a string, where a list is expected',
      "Fn Properties.Description.Fn::Equals: Fn::Equals belongs in Conditions (or an Fn::If's condition), not in a value",
    ]);
  });

  it('says where each problem is: logical id, path and message', () => {
    const t = valid();
    t.Resources.Fn.Properties!.VpcConfig = { SubnetIds: [{ Ref: 'PrivateSubnet' }] };
    expect(checkTemplate(t)).toEqual<Problem[]>([
      {
        resource: 'Fn',
        path: 'Properties.VpcConfig.SubnetIds[0].Ref',
        message: 'Ref to PrivateSubnet, which is no resource, parameter or pseudo parameter of the template',
      },
    ]);
  });
});

describe('taggable', () => {
  it('gives the shape of a resource type’s Tags, or undefined when it has none', () => {
    expect(taggable('AWS::Lambda::Function')).toEqual({
      shape: 'list',
      itemFields: ['Key', 'Value'],
      requiredItemFields: ['Key', 'Value'],
    });
    expect(taggable('AWS::ApiGatewayV2::Api')).toEqual({ shape: 'map' });
    expect(taggable('AWS::SSM::Parameter')).toEqual({ shape: 'map' }); // Json, documented as a map
    expect(taggable('AWS::AutoScaling::AutoScalingGroup')).toMatchObject({ itemFields: ['Key', 'PropagateAtLaunch', 'Value'] });
    expect(taggable('AWS::Lambda::Permission')).toBeUndefined();
    expect(taggable('AWS::No::Such')).toBeUndefined();
  });
});

describe('the compiled template of the project (serverless package, stage local)', () => {
  afterAll(removePackages);

  it('has nothing the CloudFormation specification refuses', () => {
    const { template } = packageStage<Template>('local', '.esbuild-cfn-check');
    expect(Object.keys(template.Resources).length).toBeGreaterThan(100);
    expect(checkTemplate(template).map(formatProblem)).toEqual([]);
  }, 300_000);
});
