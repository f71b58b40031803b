import { installedTagShapes, tagResources, tagShapes, type CfnResource } from './tag-resources';

const TAGS = { project: 'exchange', stage: 'test', owner: 'ops', 'cost-centre': 'cc-1' };
const LIST = Object.entries(TAGS).map(([Key, Value]) => ({ Key, Value }));

describe('the CloudFormation specification’s tag shapes', () => {
  const shapes = installedTagShapes();

  it('knows the shape of the types this stack uses', () => {
    expect(shapes.get('AWS::Lambda::Function')).toBe('list');
    expect(shapes.get('AWS::IAM::Role')).toBe('list');
    expect(shapes.get('AWS::StepFunctions::StateMachine')).toBe('list');
    expect(shapes.get('AWS::AmazonMQ::Broker')).toBe('list');
    expect(shapes.get('AWS::AutoScaling::AutoScalingGroup')).toBe('list-propagate');
    expect(shapes.get('AWS::ApiGatewayV2::Api')).toBe('map');
    expect(shapes.get('AWS::ApiGatewayV2::Stage')).toBe('map');
    expect(shapes.get('AWS::SSM::Parameter')).toBe('map');
    // taggable since the specification was last published
    expect(shapes.get('AWS::CloudWatch::Alarm')).toBe('list');
    // no Tags property
    expect(shapes.get('AWS::Lambda::Permission')).toBeUndefined();
    expect(shapes.get('AWS::ApiGateway::Method')).toBeUndefined();
  });

  it('reads a list of a named item type with PropagateAtLaunch as list-propagate, Json and Map as map', () => {
    const own = tagShapes({
      ResourceTypes: {
        'X::A::List': { Properties: { Tags: { Type: 'List', ItemType: 'Tag' } } },
        'X::A::Asg': { Properties: { Tags: { Type: 'List', ItemType: 'TagProperty' } } },
        'X::A::Map': { Properties: { Tags: { Type: 'Map', PrimitiveItemType: 'String' } } },
        'X::A::Json': { Properties: { Tags: { PrimitiveType: 'Json' } } },
        'X::A::None': { Properties: { Name: { PrimitiveType: 'String' } } },
      },
      PropertyTypes: { 'X::A::Asg.TagProperty': { Properties: { Key: {}, Value: {}, PropagateAtLaunch: {} } } },
    });
    expect(Object.fromEntries([...own].filter(([t]) => t.startsWith('X::')))).toEqual({
      'X::A::List': 'list',
      'X::A::Asg': 'list-propagate',
      'X::A::Map': 'map',
      'X::A::Json': 'map',
    });
  });
});

describe('tagging a template', () => {
  const fixture = (): Record<string, CfnResource> => ({
    Fn: { Type: 'AWS::Lambda::Function', Properties: { Handler: 'h', Tags: [{ Key: 'owner', Value: 'trading-desk' }] } },
    Bare: { Type: 'AWS::SNS::Topic' },
    Ws: { Type: 'AWS::ApiGatewayV2::Api', Properties: { Name: 'ws', Tags: { stage: 'kept' } } },
    Param: { Type: 'AWS::SSM::Parameter', Properties: { Type: 'String', Value: 'v' } },
    Asg: { Type: 'AWS::AutoScaling::AutoScalingGroup', Properties: { MinSize: '1', MaxSize: '1' } },
    Permission: { Type: 'AWS::Lambda::Permission', Properties: { Action: 'lambda:InvokeFunction' } },
    Custom: { Type: 'Custom::Thing', Properties: { ServiceToken: 'arn' } },
    Conditional: { Type: 'AWS::S3::Bucket', Properties: { Tags: { 'Fn::If': ['C', [], []] } } },
  });

  it('adds the tags in each type’s shape, keeping the tags a resource has', () => {
    const resources = fixture();
    const skipped = tagResources(resources, TAGS);
    expect(resources.Fn.Properties?.Tags).toEqual([{ Key: 'owner', Value: 'trading-desk' }, ...LIST.filter((t) => t.Key !== 'owner')]);
    expect(resources.Fn.Properties?.Handler).toBe('h');
    expect(resources.Bare.Properties?.Tags).toEqual(LIST);
    expect(resources.Ws.Properties?.Tags).toEqual({ ...TAGS, stage: 'kept' });
    expect(resources.Param.Properties?.Tags).toEqual(TAGS);
    expect(resources.Asg.Properties?.Tags).toEqual(LIST.map((t) => ({ ...t, PropagateAtLaunch: true })));
    // not taggable: untouched
    expect(resources.Permission.Properties).toEqual({ Action: 'lambda:InvokeFunction' });
    expect(resources.Custom.Properties).toEqual({ ServiceToken: 'arn' });
    // tags only CloudFormation can evaluate are left as they are, and reported
    expect(resources.Conditional.Properties?.Tags).toEqual({ 'Fn::If': ['C', [], []] });
    expect(skipped).toEqual(['Conditional']);
  });

  it('is idempotent: tagging twice adds nothing', () => {
    const once = fixture();
    tagResources(once, TAGS);
    const twice = structuredClone(once);
    tagResources(twice, TAGS);
    expect(twice).toEqual(once);
  });

  it('takes intrinsic values (a parameter) as tag values', () => {
    const resources = fixture();
    tagResources(resources, { owner: { Ref: 'Owner' } });
    expect(resources.Bare.Properties?.Tags).toEqual([{ Key: 'owner', Value: { Ref: 'Owner' } }]);
  });
});
