/**
 * The AWS stacks as `serverless package` compiles them for the primary (`prod`, us-east-1) and the
 * DR region (`dr`, us-west-2), with no AWS account: they validate against the CloudFormation
 * resource specification, and they hold the architecture's numbers.
 */
import { join } from 'node:path';
import { checkTemplate, formatProblem } from '../../scripts/aws/cfn-spec-check';
import { readCfnYaml } from '../../scripts/aws/cfn-yaml';
import { packageStage, removePackages, type PackagedStage } from '../support/serverless-package';

const ROOT = join(__dirname, '..', '..');

interface Resource {
  Type: string;
  Condition?: string;
  Properties: Record<string, unknown>;
}
interface Template {
  Resources: Record<string, Resource>;
  Conditions?: Record<string, unknown>;
}
type Packaged = PackagedStage<Template>;

afterAll(removePackages);

const stages: Record<string, Packaged> = {};
/** the network, a stack of its own (its deploy command: the file's header) */
const network = readCfnYaml(join(ROOT, 'resources', 'network-stack.yml')) as unknown as Template & {
  Outputs: Record<string, { Export: { Name: { 'Fn::Sub': string } } }>;
};
beforeAll(() => {
  stages.prod = packageStage<Template>('prod', '.esbuild-aws-stacks-test');
  stages.dr = packageStage<Template>('dr', '.esbuild-aws-stacks-test');
}, 480_000);

const ofType = (t: Template, type: string): [string, Resource][] => Object.entries(t.Resources).filter(([, r]) => r.Type === type);
const one = (t: Template, type: string): Resource => {
  const all = ofType(t, type);
  expect(all).toHaveLength(1);
  return all[0][1];
};

describe.each(['prod', 'dr'])('the %s stack', (stage) => {
  const t = (): Template => stages[stage].template;

  it('validates against the CloudFormation resource specification', () => {
    expect(checkTemplate(t()).map(formatProblem)).toEqual([]);
  });

  it('runs in its region', () => {
    expect(stages[stage].region).toBe(stage === 'dr' ? 'us-west-2' : 'us-east-1');
  });

  it('fits in one stack: under CloudFormation’s 500 resources, the network in a stack of its own', () => {
    expect(Object.keys(t().Resources).length).toBeLessThan(500);
    expect(ofType(t(), 'AWS::EC2::VPC')).toEqual([]);
  });

  it('takes from the network stack only what it exports', () => {
    const exports = new Set(Object.values(network.Outputs).map((o) => o.Export.Name['Fn::Sub'].replace('${Stage}', stage)));
    const imports = [...JSON.stringify(t()).matchAll(/"Fn::ImportValue":"([^"]+)"/g)].map((m) => m[1]);
    expect(imports.length).toBeGreaterThan(20);
    for (const name of new Set(imports)) expect({ name, exported: exports.has(name) }).toEqual({ name, exported: true });
  });

  it('runs every function in the private subnets with 1024 MB', () => {
    const functions = ofType(t(), 'AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThan(40);
    for (const [, f] of functions) {
      expect(f.Properties.MemorySize).toBe(1024);
      expect(f.Properties.VpcConfig).toEqual({
        SecurityGroupIds: [{ 'Fn::ImportValue': `exchange-${stage}-LambdaSecurityGroup` }],
        SubnetIds: [{ 'Fn::ImportValue': `exchange-${stage}-PrivateSubnetA` }, { 'Fn::ImportValue': `exchange-${stage}-PrivateSubnetB` }],
      });
    }
  });

  it('keeps the order path warm, scaling its provisioned concurrency at 70 % utilisation; DR tasks and settlement always have room', () => {
    const aliases = Object.fromEntries(
      ofType(t(), 'AWS::Lambda::Alias').map(([id, r]) => [
        id,
        (r.Properties.ProvisionedConcurrencyConfig as Record<string, number>)?.ProvisionedConcurrentExecutions,
      ]),
    );
    expect(aliases).toEqual({
      AuthorizerProvConcLambdaAlias: 5,
      OrdersPlaceProvConcLambdaAlias: 5,
      OrdersCancelProvConcLambdaAlias: 5,
      WsOrdersProvConcLambdaAlias: 5,
      WsCancelOrderProvConcLambdaAlias: 5,
    });
    const targets = ofType(t(), 'AWS::ApplicationAutoScaling::ScalableTarget').map(([, r]) => JSON.stringify(r.Properties.ResourceId));
    expect(targets).toHaveLength(5);
    for (const fn of ['authorizer', 'ordersPlace', 'ordersCancel', 'wsOrders', 'wsCancelOrder'])
      expect(targets).toContain(JSON.stringify(`function:exchange-${stage}-${fn}:provisioned`));
    for (const [, p] of ofType(t(), 'AWS::ApplicationAutoScaling::ScalingPolicy'))
      expect(p.Properties.TargetTrackingScalingPolicyConfiguration).toEqual({
        TargetValue: 0.7,
        PredefinedMetricSpecification: { PredefinedMetricType: 'LambdaProvisionedConcurrencyUtilization' },
      });
    const reserved = (id: string): unknown => t().Resources[id].Properties.ReservedConcurrentExecutions;
    expect(reserved('SfnDrPromoteLambdaFunction')).toBe(2);
    expect(reserved('SfnDrFencePrimaryLambdaFunction')).toBe(2);
    expect(reserved('StreamsOrderEventsLambdaFunction')).toBe(10);
  });

  it('lets every function read the stores’ credentials at run time (the database’s, rotated by RDS; the Redis token), and nothing else by default', () => {
    const roles = ofType(t(), 'AWS::IAM::Role').filter(([id]) => id.endsWith('IamRoleLambdaExecution') && id !== 'IamRoleLambdaExecution');
    expect(roles.length).toBeGreaterThan(40);
    const STORES = [{ 'Fn::GetAtt': ['AuroraCluster', 'MasterUserSecret.SecretArn'] }, { Ref: 'RedisAuthSecret' }];
    for (const [id, r] of roles) {
      const statements = (r.Properties.Policies as { PolicyDocument: { Statement: { Action: string[]; Resource: unknown }[] } }[]).flatMap(
        (p) => p.PolicyDocument.Statement,
      );
      expect({ id, stores: statements.filter((st) => JSON.stringify(st.Resource) === JSON.stringify(STORES)).length }).toEqual({
        id,
        stores: 1,
      });
    }
  });

  it('lets every function that is given the broker’s secret read it', () => {
    const holders = ofType(t(), 'AWS::Lambda::Function').filter(
      ([, f]) => 'BROKER_SECRET' in (f.Properties.Environment as { Variables: object }).Variables,
    );
    expect(holders.length).toBe(4);
    for (const [id, f] of holders) {
      const role = t().Resources[(f.Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]];
      const policy = JSON.stringify(role.Properties.Policies);
      expect({ id, reads: policy.includes('{"Ref":"BrokerSecret"}') }).toEqual({ id, reads: true });
    }
  });

  it('names the global tables by the primary stage in both regions (dr uses prod’s replicas)', () => {
    const env = (t().Resources.SfnDrAssessLambdaFunction.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect([env.CONTROL_TABLE, env.AUDIT_TABLE, env.ORDER_HISTORY_TABLE]).toEqual([
      'exchange-prod-control',
      'exchange-prod-audit',
      'exchange-prod-order-history',
    ]);
    expect(JSON.stringify(t())).not.toMatch(/table\/exchange-dr-(control|audit|order-history)/);
  });

  it('posts to WebSocket clients through the API’s own management endpoint', () => {
    const env = (t().Resources.StreamsMarketDataFanoutLambdaFunction.Properties.Environment as { Variables: Record<string, unknown> })
      .Variables;
    expect(env.WS_API_ENDPOINT).toEqual({ 'Fn::Sub': `https://\${WebsocketsApi}.execute-api.\${AWS::Region}.amazonaws.com/${stage}` });
  });

  it('puts no secret and no parameter-store lookup into a function’s environment', () => {
    for (const [name, f] of ofType(t(), 'AWS::Lambda::Function')) {
      const env = JSON.stringify((f.Properties.Environment as { Variables: unknown }).Variables);
      expect({ name, ssm: env.includes('ssm:'), file: env.includes('file:'), guest: /guest|:\/\/[^@"]+:[^@"]+@/.test(env) }).toEqual({
        name,
        ssm: false,
        file: false,
        guest: false,
      });
    }
  });

  it('runs the matching host on a dedicated c5.2xlarge behind an internal NLB that passes TLS through', () => {
    const data = one(t(), 'AWS::EC2::LaunchTemplate').Properties.LaunchTemplateData as Record<string, unknown>;
    expect(data.InstanceType).toBe('c5.2xlarge');
    expect(data.Placement).toEqual({ Tenancy: 'dedicated' });
    expect(data.MetadataOptions).toMatchObject({ HttpTokens: 'required' });
    const userData = JSON.stringify(data.UserData);
    expect(userData).toContain(`HOST_ROLE=${stage === 'dr' ? 'standby' : 'primary'}`);
    expect(userData).toContain('HOST_TLS_DIR=/etc/exchange/tls');
    // the bundle npm run build:host makes, run by its own start script (the engine's node flags)
    expect(userData).toContain('ExecStart=/opt/exchange-host/matching-host/run-host.sh');
    expect(userData).toContain('HOST_EVENT_SIGNING_KEY_FILE=');
    // the other region's host, through an endpoint to its endpoint service: watched, and followed by a standby
    expect(userData).toContain('HOST_PEER_ADDRESS=${PeerAddress}');
    expect(userData).toContain('HOST_REPLICATE_FROM=${ReplicateFrom}');
    expect(t().Conditions?.FollowsPeer).toEqual({
      'Fn::And': [{ Condition: 'HasPeerHost' }, { 'Fn::Equals': [stage === 'dr' ? 'standby' : 'primary', 'standby'] }],
    });
    expect(t().Resources.PeerHostEndpoint.Condition).toBe('HasPeerHost');
    expect(one(t(), 'AWS::EC2::Volume').Properties).toMatchObject({ Encrypted: true });
    const asg = one(t(), 'AWS::AutoScaling::AutoScalingGroup').Properties;
    expect(asg.VPCZoneIdentifier).toEqual([{ 'Fn::ImportValue': `exchange-${stage}-PrivateSubnetA` }]);
    // the load balancer routes to the primary only (a standby's /health is 503): the group must not replace a standby for that
    expect(asg.HealthCheckType).toBe('EC2');
    expect(one(t(), 'AWS::ElasticLoadBalancingV2::LoadBalancer').Properties).toMatchObject({
      Type: 'network',
      Scheme: 'internal',
      SecurityGroups: [{ 'Fn::ImportValue': `exchange-${stage}-LoadBalancerSecurityGroup` }],
      // the peer region's host arrives through PrivateLink: admitted by its certificate's role
      EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic: 'off',
    });
    // the DR runbooks and routing know both regions' hosts once the peer's endpoint exists
    const env = (t().Resources.SfnDrAssessLambdaFunction.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(JSON.stringify(env.MATCHING_HOSTS)).toContain('"Fn::If":["HasPeerHost"');
    expect(JSON.stringify(env.MATCHING_HOSTS)).toContain('PeerHostEndpoint');
    expect(one(t(), 'AWS::ElasticLoadBalancingV2::Listener').Properties).toMatchObject({ Protocol: 'TCP', Port: 50051 });
    expect(one(t(), 'AWS::ElasticLoadBalancingV2::TargetGroup').Properties).toMatchObject({
      HealthCheckProtocol: 'HTTP',
      HealthCheckPath: '/health',
    });
  });

  it('alarms on the load balancer’s unhealthy target only where the host starts as primary (a standby’s /health is 503)', () => {
    expect(t().Resources.HostUnhealthyTargetAlarm.Condition).toBe('OpsHostStartsPrimary');
    expect(t().Conditions?.OpsHostStartsPrimary).toEqual({ 'Fn::Equals': [stage === 'dr' ? 'standby' : 'primary', 'primary'] });
  });

  it('keeps Aurora Multi-AZ, encrypted, protected, with 35 days of backups, behind RDS Proxy', () => {
    expect(one(t(), 'AWS::RDS::DBCluster').Properties).toMatchObject({
      Engine: 'aurora-postgresql',
      StorageEncrypted: true,
      DeletionProtection: true,
      BackupRetentionPeriod: 35,
      ManageMasterUserPassword: true,
    });
    const instances = ofType(t(), 'AWS::RDS::DBInstance').map(([, r]) => r.Properties);
    expect(instances).toHaveLength(2);
    expect(new Set(instances.map((i) => JSON.stringify(i.AvailabilityZone))).size).toBe(2);
    for (const i of instances) expect(i.EnablePerformanceInsights).toBe(true);
    expect(one(t(), 'AWS::RDS::DBProxy').Properties).toMatchObject({ RequireTLS: true, EngineFamily: 'POSTGRESQL' });
  });

  it('keeps Redis in cluster mode, Multi-AZ, encrypted, with an auth token and no eviction', () => {
    expect(one(t(), 'AWS::ElastiCache::ReplicationGroup').Properties).toMatchObject({
      NumNodeGroups: 2,
      ReplicasPerNodeGroup: 1,
      MultiAZEnabled: true,
      AutomaticFailoverEnabled: true,
      AtRestEncryptionEnabled: true,
      TransitEncryptionEnabled: true,
    });
    expect(one(t(), 'AWS::ElastiCache::ReplicationGroup').Properties.AuthToken).toBeDefined();
    expect(one(t(), 'AWS::ElastiCache::ParameterGroup').Properties.Properties).toEqual({
      'cluster-enabled': 'yes',
      'maxmemory-policy': 'noeviction',
    });
  });

  it('runs the broker as a private RabbitMQ cluster across AZs', () => {
    expect(one(t(), 'AWS::AmazonMQ::Broker').Properties).toMatchObject({
      EngineType: 'RABBITMQ',
      DeploymentMode: 'CLUSTER_MULTI_AZ',
      PubliclyAccessible: false,
    });
  });

  it('keeps every table point-in-time recoverable and encrypted; what DR needs is global, replicated to us-west-2', () => {
    for (const [id, r] of ofType(t(), 'AWS::DynamoDB::Table')) {
      expect({ id, pitr: r.Properties.PointInTimeRecoverySpecification }).toEqual({ id, pitr: { PointInTimeRecoveryEnabled: true } });
      expect(r.Properties.SSESpecification).toEqual({ SSEEnabled: true });
    }
    const globals = ofType(t(), 'AWS::DynamoDB::GlobalTable');
    expect(globals.map(([id]) => id).sort()).toEqual(['AuditTable', 'ControlTable', 'OrderHistoryTable']);
    for (const [id, r] of globals) {
      // the primary creates them with a replica in the DR region; the DR stack uses those replicas
      expect({ id, condition: t().Conditions?.[r.Condition as string] }).toEqual({
        id,
        condition: { 'Fn::Not': [{ 'Fn::Equals': [stage, 'dr'] }] },
      });
      expect(r.Properties.SSESpecification).toEqual({ SSEEnabled: true });
      const replicas = JSON.stringify(r.Properties.Replicas);
      expect(replicas).toContain('us-west-2');
      expect(replicas.match(/"PointInTimeRecoveryEnabled":true/g)).toHaveLength(2);
    }
    expect(t().Conditions?.HasDrReplica).toEqual({ 'Fn::Equals': [stage, 'prod'] });
  });

  it('keeps market data 24 hours, encrypted, on shards sized for the burst', () => {
    expect(one(t(), 'AWS::Kinesis::Stream').Properties).toMatchObject({
      RetentionPeriodHours: 24,
      StreamEncryption: { EncryptionType: 'KMS' },
      ShardCount: 10,
    });
  });
});

describe('the network stack (resources/network-stack.yml, its own stack per stage)', () => {
  const resources = (): [string, Resource][] => Object.entries(network.Resources);
  const ofKind = (type: string): Record<string, Record<string, unknown>> =>
    Object.fromEntries(
      resources()
        .filter(([, r]) => r.Type === type)
        .map(([id, r]) => [id, r.Properties]),
    );

  it('validates against the CloudFormation resource specification', () => {
    expect(checkTemplate(network).map(formatProblem)).toEqual([]);
  });

  it('has 10.0.0.0/16, private 10.0.1.0/24 and 10.0.2.0/24, public 10.0.3.0/24 and 10.0.4.0/24, in two AZs', () => {
    expect(Object.values(ofKind('AWS::EC2::VPC')).map((v) => v.CidrBlock)).toEqual(['10.0.0.0/16']);
    const subnets = ofKind('AWS::EC2::Subnet');
    expect(Object.fromEntries(Object.entries(subnets).map(([id, p]) => [id, p.CidrBlock]))).toEqual({
      PrivateSubnetA: '10.0.1.0/24',
      PrivateSubnetB: '10.0.2.0/24',
      PublicSubnetA: '10.0.3.0/24',
      PublicSubnetB: '10.0.4.0/24',
    });
    expect(JSON.stringify(subnets.PrivateSubnetA.AvailabilityZone)).not.toBe(JSON.stringify(subnets.PrivateSubnetB.AvailabilityZone));
    expect(Object.keys(ofKind('AWS::EC2::NatGateway'))).toHaveLength(2);
    expect(Object.keys(ofKind('AWS::EC2::FlowLog'))).toHaveLength(1);
    const endpoints = Object.values(ofKind('AWS::EC2::VPCEndpoint')).map((e) => JSON.stringify(e.ServiceName));
    for (const service of ['dynamodb', 's3', 'secretsmanager', 'kinesis-streams', 'states', 'logs', 'monitoring'])
      expect(endpoints.some((e) => e.endsWith(`.${service}"}`))).toBe(true);
    // an execute-api endpoint would capture the WebSocket management API's address and refuse it (private APIs only)
    expect(endpoints.some((e) => e.endsWith('.execute-api"}'))).toBe(false);
  });

  it('admits gRPC to the host from its load balancer only, and to the load balancer from the functions only', () => {
    const rules = Object.values(ofKind('AWS::EC2::SecurityGroupIngress'));
    const into = (group: string): string[] =>
      rules
        .filter((r) => JSON.stringify(r.GroupId) === JSON.stringify({ Ref: group }))
        .map((r) => `${String(r.FromPort)} ${JSON.stringify(r.SourceSecurityGroupId ?? r.CidrIp)}`)
        .sort();
    expect(into('HostSecurityGroup')).toEqual([
      '50051 {"Ref":"LoadBalancerSecurityGroup"}',
      '9464 {"Ref":"LoadBalancerSecurityGroup"}',
      '9464 {"Ref":"MonitoringSecurityGroup"}',
    ]);
    expect(into('LoadBalancerSecurityGroup')).toEqual(['50051 {"Ref":"LambdaSecurityGroup"}']);
  });

  it('lets the broker’s own group reach it (the order-event consumer polls from there)', () => {
    expect(Object.values(ofKind('AWS::EC2::SecurityGroupIngress'))).toContainEqual(
      expect.objectContaining({
        GroupId: { Ref: 'BrokerSecurityGroup' },
        SourceSecurityGroupId: { Ref: 'BrokerSecurityGroup' },
        FromPort: 5671,
      }),
    );
  });
});
