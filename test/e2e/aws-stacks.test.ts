/**
 * The AWS stacks as `serverless package` compiles them for the primary (`prod`, us-east-1) and the
 * DR region (`dr`, us-west-2), with no AWS account: they validate against the CloudFormation
 * resource specification, and they hold the architecture's numbers. Each stage is a root stack and
 * its nested stacks (scripts/aws/nested-stacks.ts); the architecture is read from all of them at
 * once (the package's merged view).
 */
import { join } from 'node:path';
import { checkTemplate, formatProblem } from '../../scripts/aws/cfn-spec-check';
import { readCfnYaml } from '../../scripts/aws/cfn-yaml';
import { packageStage, removePackages, type PackagedStage } from '../support/serverless-package';

const ROOT = join(__dirname, '..', '..');

interface Resource {
  Type: string;
  Condition?: string;
  DependsOn?: string[];
  Properties: Record<string, unknown>;
}
interface Template {
  Resources: Record<string, Resource>;
  Conditions?: Record<string, unknown>;
}
type Packaged = PackagedStage<Template>;

/**
 * What CloudFormation would make of a value in one stage and region: conditions decided (`peer`:
 * whether the other region's endpoint service was given), the network stack's exports as its
 * outputs say, the peer endpoint's DNS entries a placeholder. Enough for the host group's JSON.
 */
interface Deploy {
  region: string;
  stage: string;
  peer: boolean;
}
const PEER_ENDPOINT = 'vpce-0peer-x.vpce-svc-0peer.example.vpce.amazonaws.com';

function evaluate(v: unknown, d: Deploy, t: Template): unknown {
  if (Array.isArray(v)) return v.map((x) => evaluate(x, d, t));
  if (v === null || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  const [key] = Object.keys(o);
  const a = o[key] as never;
  const sub = (text: string, vars: Record<string, unknown>): string =>
    text.replace(/\$\{([^}!]+)\}/g, (_, name: string) => {
      if (name in vars) return String(vars[name]);
      if (name === 'AWS::Region') return d.region;
      if (name === 'Stage') return d.stage;
      return `<${name}>`;
    });
  switch (key) {
    case 'Ref':
      return a === 'AWS::Region' ? d.region : a === 'Stage' ? d.stage : `<${String(a)}>`;
    case 'Fn::If':
      return evaluate(condition(a[0], d, t) ? a[1] : a[2], d, t);
    case 'Fn::Join':
      return (evaluate(a[1], d, t) as unknown[]).join(a[0]);
    case 'Fn::Select':
      return (evaluate(a[1], d, t) as unknown[])[a[0]];
    case 'Fn::Split':
      return String(evaluate(a[1], d, t)).split(a[0]);
    case 'Fn::Sub':
      return typeof a === 'string' ? sub(a, {}) : sub(a[0], evaluate(a[1], d, t) as Record<string, unknown>);
    case 'Fn::GetAtt':
      if (a[0] === 'PeerHostEndpoint' && a[1] === 'DnsEntries') return [`Z0PEER:${PEER_ENDPOINT}`];
      return `<${String(a[0])}.${String(a[1])}>`;
    case 'Fn::ImportValue': {
      const name = evaluate(a, d, t) as string;
      const output = Object.values(network.Outputs).find((x) => evaluate(x.Export.Name, d, t) === name);
      if (!output) throw new Error(`nothing exports ${name}`);
      return evaluate(output.Value, d, t);
    }
    default:
      return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, evaluate(x, d, t)]));
  }
}

function condition(name: string, d: Deploy, t: Template): boolean {
  if (name === 'HasPeerHost') return d.peer;
  const test = (c: unknown): boolean => {
    const [[key, a]] = Object.entries(c as Record<string, never>);
    switch (key) {
      case 'Condition':
        return condition(a, d, t);
      case 'Fn::Equals':
        return evaluate((a as unknown[])[0], d, t) === evaluate((a as unknown[])[1], d, t);
      case 'Fn::Not':
        return !test((a as unknown[])[0]);
      case 'Fn::And':
        return (a as unknown[]).every(test);
      case 'Fn::Or':
        return (a as unknown[]).some(test);
      default:
        throw new Error(`condition ${name}: ${key}?`);
    }
  };
  return test(t.Conditions?.[name]);
}

afterAll(removePackages);

const stages: Record<string, Packaged> = {};
/** the network, a stack of its own (its deploy command: the file's header) */
const network = readCfnYaml(join(ROOT, 'resources', 'network-stack.yml')) as unknown as Template & {
  Outputs: Record<string, { Value: unknown; Export: { Name: { 'Fn::Sub': string } } }>;
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
  /** every resource of the stage, its nested stacks' too */
  const t = (): Template => stages[stage].merged;
  const templates = (): [string, Template][] => [['root', stages[stage].template], ...Object.entries(stages[stage].nested)];

  it('validates against the CloudFormation resource specification, the root and each nested stack', () => {
    expect(Object.keys(stages[stage].nested).sort()).toEqual(['FunctionLogs', 'Releases']);
    for (const [name, template] of templates())
      expect({ name, problems: checkTemplate(template).map(formatProblem) }).toEqual({ name, problems: [] });
  });

  it('runs in its region', () => {
    expect(stages[stage].region).toBe(stage === 'dr' ? 'us-west-2' : 'us-east-1');
  });

  it('fits CloudFormation’s limits with room to grow: the root at most 460 resources, each nested stack under 500, the network in a stack of its own', () => {
    const count = (template: Template, section: string): number =>
      Object.keys((template as unknown as Record<string, object>)[section] ?? {}).length;
    expect(count(stages[stage].template, 'Resources')).toBeLessThanOrEqual(460);
    for (const [name, template] of templates()) {
      expect({ name, resources: count(template, 'Resources') < 500 }).toEqual({ name, resources: true });
      for (const section of ['Parameters', 'Outputs'])
        expect({ name, section, within: count(template, section) <= 200 }).toEqual({ name, section, within: true });
      // what CloudFormation reads of a template in S3 (uploaded minified)
      expect({ name, bytes: JSON.stringify(template).length < 1_000_000 }).toEqual({ name, bytes: true });
    }
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

  it('keeps the order path warm through its live alias, scaling its provisioned concurrency at 70 % utilisation; DR tasks and settlement always have room', () => {
    const provisioned = Object.fromEntries(
      ofType(t(), 'AWS::Lambda::Alias')
        .filter(([, r]) => r.Properties.ProvisionedConcurrencyConfig !== undefined)
        .map(([id, r]) => [
          id,
          [r.Properties.Name, (r.Properties.ProvisionedConcurrencyConfig as Record<string, number>).ProvisionedConcurrentExecutions],
        ]),
    );
    expect(provisioned).toEqual({
      AuthorizerLiveAlias: ['live', 5],
      OrdersPlaceLiveAlias: ['live', 5],
      OrdersCancelLiveAlias: ['live', 5],
      WsOrdersLiveAlias: ['live', 5],
      WsCancelOrderLiveAlias: ['live', 5],
    });
    const targets = ofType(t(), 'AWS::ApplicationAutoScaling::ScalableTarget');
    expect(targets).toHaveLength(5);
    for (const fn of ['authorizer', 'ordersPlace', 'ordersCancel', 'wsOrders', 'wsCancelOrder'])
      expect(targets.map(([, r]) => r.Properties.ResourceId)).toContain(`function:exchange-${stage}-${fn}:live`);
    // registered once the alias exists: after the nested stack that makes it
    for (const [id, r] of targets) expect({ id, after: r.DependsOn }).toEqual({ id, after: ['Releases'] });
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
    // settlement's announce and park, the DR runbooks' approval and notify, the host release (its notices)
    expect(holders.length).toBe(5);
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

  describe('the matching host group (matching-host/server/dr/README.md)', () => {
    const region = (): string => stages[stage].region;
    const deploy = (peer: boolean): Deploy => ({ region: region(), stage, peer });
    /** the resources a deploy of this stage makes (their conditions hold) */
    const made = (type: string, peer = false): [string, Resource][] =>
      ofType(t(), type).filter(([, r]) => r.Condition === undefined || condition(r.Condition, deploy(peer), t()));
    const userData = (): [string, Record<string, unknown>] => {
      const data = one(t(), 'AWS::EC2::LaunchTemplate').Properties.LaunchTemplateData as {
        UserData: { 'Fn::Base64': { 'Fn::Sub': [string, Record<string, unknown>] } };
      };
      return data.UserData['Fn::Base64']['Fn::Sub'];
    };
    const peerRegion = (): string => (stage === 'dr' ? 'us-east-1' : 'us-west-2');
    const own = (slot: string): string => `${region()}${slot}.hosts.exchange-${stage}.internal:50051`;

    it('runs each host on a dedicated c5.2xlarge: two in two AZs where the group starts as primary, the DR replica alone', () => {
      const data = one(t(), 'AWS::EC2::LaunchTemplate').Properties.LaunchTemplateData as Record<string, unknown>;
      expect(data.InstanceType).toBe('c5.2xlarge');
      expect(data.Placement).toEqual({ Tenancy: 'dedicated' });
      expect(data.MetadataOptions).toMatchObject({ HttpTokens: 'required' });
      const groups = made('AWS::AutoScaling::AutoScalingGroup');
      expect(groups.map(([, g]) => g.Properties.VPCZoneIdentifier)).toEqual(
        stage === 'dr'
          ? [[{ 'Fn::ImportValue': 'exchange-dr-PrivateSubnetA' }]]
          : [[{ 'Fn::ImportValue': 'exchange-prod-PrivateSubnetA' }], [{ 'Fn::ImportValue': 'exchange-prod-PrivateSubnetB' }]],
      );
      for (const [, g] of groups) {
        // EC2 health: a host replaying a long journal must not be replaced
        expect(g.Properties).toMatchObject({ MinSize: '1', MaxSize: '1', HealthCheckType: 'EC2' });
        expect(g.Properties.LaunchTemplate).toMatchObject({ LaunchTemplateId: { Ref: 'HostLaunchTemplate' } });
      }
      // a new launch template replaces one host at a time, never both
      expect(t().Resources.HostAutoScalingGroupB.DependsOn).toEqual(['HostAutoScalingGroupA']);
    });

    it('keeps each host’s journal on an encrypted volume of its own in its AZ, and its address on a network interface of its own', () => {
      const volumes = made('AWS::EC2::Volume').map(([, v]) => v.Properties);
      expect(volumes).toHaveLength(stage === 'dr' ? 1 : 2);
      for (const v of volumes) expect(v).toMatchObject({ Encrypted: true, VolumeType: 'gp3' });
      expect(new Set(volumes.map((v) => JSON.stringify(v.AvailabilityZone))).size).toBe(volumes.length);
      const [script, vars] = userData();
      // the instance finds its slot by its AZ: that AZ's volume and network interface (the network stack's)
      expect(script).toContain('${ZoneA}) SLOT=a; VOLUME=${JournalVolumeA}; INTERFACE=${InterfaceA};');
      expect(script).toContain('${ZoneB}) SLOT=b; VOLUME=${VolumeB}; INTERFACE=${InterfaceB};');
      expect(vars).toMatchObject({
        ZoneA: { 'Fn::ImportValue': `exchange-${stage}-PrivateSubnetAZone` },
        ZoneB: { 'Fn::ImportValue': `exchange-${stage}-PrivateSubnetBZone` },
        InterfaceA: { 'Fn::ImportValue': `exchange-${stage}-HostInterfaceA` },
        InterfaceB: { 'Fn::ImportValue': `exchange-${stage}-HostInterfaceB` },
      });
      expect(evaluate(vars.VolumeB, deploy(false), t())).toBe(stage === 'dr' ? '' : '<JournalVolumeB>');
      expect(script).toContain('attach-volume --region ${AWS::Region} --volume-id $VOLUME');
      expect(script).toContain(
        'attach-network-interface --region ${AWS::Region} --network-interface-id $INTERFACE --instance-id $INSTANCE --device-index 1',
      );
    });

    it('configures every host for the group: its id, every member, the lease table and key, whom it follows, how, and whether it fails over', () => {
      const [script, vars] = userData();
      expect(script).toContain('HOST_ID=${AWS::Region}$SLOT');
      for (const line of [
        'HOST_ID=$HOST_ID',
        "HOST_MEMBERS='${HostMembers}'",
        // the control table is a global table: the DR region uses prod's replica
        'HOST_LEASE_TABLE=exchange-prod-control',
        'HOST_LEASE_KEY=${AWS::Region}',
        'HOST_FOLLOW=${Follow}',
        'HOST_FAILOVER=${Failover}',
        'HOST_FOLLOW_MODE=${FollowMode}',
        'HOST_ROLE=$ROLE',
        'HOST_TLS_DIR=/etc/exchange/tls',
        'HOST_EVENT_SIGNING_KEY_FILE=',
        // the bundle npm run build:host makes, run by its own start script (the engine's node flags)
        'ExecStart=/opt/exchange-host/matching-host/run-host.sh',
      ])
        expect(script).toContain(line);
      // the lease and HOST_MEMBERS say whom to follow; the peer (the other region's first host) is
      // how a host that returns to a region a runbook fenced finds the primary
      expect(script).toContain('HOST_PEER_ADDRESS=${PeerAddress}');
      expect(evaluate(vars.PeerAddress, deploy(true), t())).toBe(`${PEER_ENDPOINT}:50051`);
      expect(evaluate(vars.PeerAddress, deploy(false), t())).toBe('');
      expect(script).not.toMatch(/HOST_REPLICATE_FROM|HOST_REPLICATION=/);
      // real money: a deposit never credits simulated funds (staging's simulatedFunding turns it on)
      expect(script).toContain('HOST_DEPOSITS=off\n');
      // host a starts as the primary where the group does; b, and the DR replica, as followers
      expect(script).toContain(`INTERFACE=\${InterfaceA}; ROLE=${stage === 'dr' ? 'standby' : 'primary'} ;;`);
      expect(script).toContain('INTERFACE=${InterfaceB}; ROLE=standby ;;');
      expect(evaluate({ Follow: vars.Follow, Failover: vars.Failover, FollowMode: vars.FollowMode }, deploy(true), t())).toEqual(
        stage === 'dr'
          ? { Follow: 'us-east-1', Failover: 'off', FollowMode: 'async' }
          : { Follow: 'us-east-1', Failover: 'auto', FollowMode: 'sync' },
      );
      // every member by its id: this region's by private name, the other's through the endpoint, one port per host
      const members = (peer: boolean): unknown => JSON.parse(evaluate(vars.HostMembers, deploy(peer), t()) as string);
      expect(members(false)).toEqual(stage === 'dr' ? { 'us-west-2a': own('a') } : { 'us-east-1a': own('a'), 'us-east-1b': own('b') });
      expect(members(true)).toEqual(
        stage === 'dr'
          ? { 'us-west-2a': own('a'), 'us-east-1a': `${PEER_ENDPOINT}:50051`, 'us-east-1b': `${PEER_ENDPOINT}:50052` }
          : { 'us-east-1a': own('a'), 'us-east-1b': own('b'), 'us-west-2a': `${PEER_ENDPOINT}:50051` },
      );
    });

    it('lets the hosts read any region’s lease and write only their own region’s, and no other item of the control table', () => {
      const statements = (
        t().Resources.HostRole.Properties.Policies as {
          PolicyDocument: { Statement: { Action: string | string[]; Resource: unknown; Condition?: unknown }[] };
        }[]
      )
        .flatMap((p) => p.PolicyDocument.Statement)
        .filter((st) => JSON.stringify(st.Action).includes('dynamodb:'));
      const table = { 'Fn::Sub': 'arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/exchange-prod-control' };
      expect(statements).toEqual([
        {
          Effect: 'Allow',
          Action: 'dynamodb:GetItem',
          Resource: table,
          Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['lease#*'] } },
        },
        {
          Effect: 'Allow',
          Action: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
          Resource: table,
          Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [{ 'Fn::Sub': 'lease#${AWS::Region}' }] } },
        },
      ]);
    });

    it('gives the functions every host by region and id (MATCHING_HOSTS), and lets them read the leases that name the primary', () => {
      const env = (t().Resources.SfnDrAssessLambdaFunction.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      const hosts = (peer: boolean): unknown => JSON.parse(evaluate(env.MATCHING_HOSTS, deploy(peer), t()) as string);
      const ownHosts = stage === 'dr' ? { 'us-west-2a': own('a') } : { 'us-east-1a': own('a'), 'us-east-1b': own('b') };
      expect(hosts(false)).toEqual({ [region()]: ownHosts });
      expect(hosts(true)).toEqual({
        [region()]: ownHosts,
        [peerRegion()]:
          stage === 'dr'
            ? { 'us-east-1a': `${PEER_ENDPOINT}:50051`, 'us-east-1b': `${PEER_ENDPOINT}:50052` }
            : { 'us-west-2a': `${PEER_ENDPOINT}:50051` },
      });
      // they dial the hosts directly: no function is pointed at the load balancer
      for (const [id, f] of ofType(t(), 'AWS::Lambda::Function'))
        expect({ id, nlb: JSON.stringify(f.Properties.Environment).includes('HostLoadBalancer') }).toEqual({ id, nlb: false });
      const role = t().Resources.OrdersPlaceIamRoleLambdaExecution.Properties.Policies as { PolicyDocument: { Statement: unknown[] } }[];
      expect(role.flatMap((p) => p.PolicyDocument.Statement)).toContainEqual(
        expect.objectContaining({
          Action: ['dynamodb:GetItem'],
          Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['active-region', 'lease#*'] } },
        }),
      );
    });

    it('lets the other region reach each host through a listener of its own on an internal NLB that passes TLS through and chooses nothing', () => {
      expect(one(t(), 'AWS::ElasticLoadBalancingV2::LoadBalancer').Properties).toMatchObject({
        Type: 'network',
        Scheme: 'internal',
        SecurityGroups: [{ 'Fn::ImportValue': `exchange-${stage}-LoadBalancerSecurityGroup` }],
        // the peer region arrives through PrivateLink: admitted by its certificate's role
        EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic: 'off',
      });
      const listeners = made('AWS::ElasticLoadBalancingV2::Listener').map(([, l]) => [
        l.Properties.Protocol,
        l.Properties.Port,
        (l.Properties.DefaultActions as { TargetGroupArn: unknown }[])[0].TargetGroupArn,
      ]);
      expect(listeners).toEqual(
        [
          ['TCP', 50051, { Ref: 'HostTargetGroupA' }],
          ['TCP', 50052, { Ref: 'HostTargetGroupB' }],
        ].slice(0, stage === 'dr' ? 1 : 2),
      );
      // each target group holds one host; a standby is as healthy as the primary (TCP, not /health)
      expect(t().Resources.HostAutoScalingGroupA.Properties.TargetGroupARNs).toEqual([{ Ref: 'HostTargetGroupA' }]);
      expect(t().Resources.HostAutoScalingGroupB.Properties.TargetGroupARNs).toEqual([{ Ref: 'HostTargetGroupB' }]);
      for (const [, g] of made('AWS::ElasticLoadBalancingV2::TargetGroup')) {
        expect(g.Properties).toMatchObject({ Protocol: 'TCP', Port: 50051, HealthCheckProtocol: 'TCP' });
        expect(g.Properties.HealthCheckPath).toBeUndefined();
      }
      expect(one(t(), 'AWS::EC2::VPCEndpointService').Properties.NetworkLoadBalancerArns).toEqual([{ Ref: 'HostLoadBalancer' }]);
      expect(t().Resources.PeerHostEndpoint.Condition).toBe('HasPeerHost');
      // the endpoint to the peer admits this region's hosts and functions on both peer ports
      const ingress = t().Resources.PeerHostEndpointSecurityGroup.Properties.SecurityGroupIngress as Record<string, unknown>[];
      expect(ingress).toHaveLength(2);
      for (const rule of ingress) expect(rule).toMatchObject({ FromPort: 50051, ToPort: 50052 });
    });

    it('alarms on the DR replica’s lag, on each host, and, where the group starts as primary, on the lease lost', () => {
      const alarms = Object.fromEntries(made('AWS::CloudWatch::Alarm', true).map(([id, a]) => [id, a.Properties]));
      expect(alarms.HostDrLagAlarm).toMatchObject({ MetricName: 'exchange_host_dr_lag_ms', Threshold: 5000, DatapointsToAlarm: 3 });
      expect(Object.keys(alarms).filter((id) => /^Host.DownAlarm$/.test(id))).toEqual(
        stage === 'dr' ? ['HostADownAlarm'] : ['HostADownAlarm', 'HostBDownAlarm'],
      );
      expect('HostLeaseLostAlarm' in alarms).toBe(stage !== 'dr');
      // replicas counts the synchronous standby only; the DR replica's absence is its lag growing
      expect(alarms.HostNoStandbyAlarm.Threshold).toBe(1);
    });

    it('releases blue-green (statemachines/host-release.asl.json): it watches alarms this stack makes, replaces hosts by groups this stack names', () => {
      const env = t().Resources.SfnHostReleaseLambdaFunction.Properties.Environment as { Variables: Record<string, unknown> };
      const watched = JSON.parse(String(evaluate(env.Variables.HOST_RELEASE_ALARMS, deploy(true), t()))) as string[];
      const alarms = made('AWS::CloudWatch::Alarm', true).map(([, a]) => evaluate(a.Properties.AlarmName, deploy(true), t()));
      expect(watched.length).toBeGreaterThan(1);
      for (const name of watched) expect(alarms).toContain(name);
      // the pair: its hosts, the lease and the REST alarms; the DR replica: its host and its lag
      expect(watched).toContain(`exchange-${stage}-host-a-down`);
      expect(watched).toContain(stage === 'dr' ? `exchange-${stage}-host-dr-lag` : `exchange-${stage}-host-lease-lost`);
      const groups = JSON.parse(String(evaluate(env.Variables.HOST_ASG_NAMES, deploy(true), t()))) as Record<string, string>;
      const named = made('AWS::AutoScaling::AutoScalingGroup').map(([, g]) =>
        evaluate(g.Properties.AutoScalingGroupName, deploy(true), t()),
      );
      expect(Object.values(groups).sort()).toEqual([...named].sort());
      expect(Object.keys(groups)).toEqual(stage === 'dr' ? ['us-west-2a'] : ['us-east-1a', 'us-east-1b']);
      const machine = t().Resources.HostReleaseStateMachine.Properties;
      expect(machine).toMatchObject({ StateMachineName: `exchange-${stage}-host-release`, StateMachineType: 'STANDARD' });
      // the instance reads its build from the parameter the release sets
      expect(userData()[0]).toContain(`/exchange/${stage}/hosts/$HOST_ID/bundle-version`);
    });
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

  it('admits gRPC to the hosts from the functions, each other and the load balancer (the peer region), and nothing into the load balancer', () => {
    const rules = Object.values(ofKind('AWS::EC2::SecurityGroupIngress'));
    const into = (group: string): string[] =>
      rules
        .filter((r) => JSON.stringify(r.GroupId) === JSON.stringify({ Ref: group }))
        .map((r) => `${String(r.FromPort)} ${JSON.stringify(r.SourceSecurityGroupId ?? r.CidrIp)}`)
        .sort();
    expect(into('HostSecurityGroup')).toEqual([
      '50051 {"Ref":"HostSecurityGroup"}',
      '50051 {"Ref":"LambdaSecurityGroup"}',
      '50051 {"Ref":"LoadBalancerSecurityGroup"}',
      '9464 {"Ref":"MonitoringSecurityGroup"}',
    ]);
    expect(into('LoadBalancerSecurityGroup')).toEqual([]);
  });

  it('gives each AZ’s host an address that outlives its instances: an interface in its subnet, named by host id in a private zone', () => {
    const interfaces = ofKind('AWS::EC2::NetworkInterface');
    expect(Object.fromEntries(Object.entries(interfaces).map(([id, i]) => [id, [i.SubnetId, i.GroupSet]]))).toEqual({
      HostInterfaceA: [{ Ref: 'PrivateSubnetA' }, [{ Ref: 'HostSecurityGroup' }]],
      HostInterfaceB: [{ Ref: 'PrivateSubnetB' }, [{ Ref: 'HostSecurityGroup' }]],
    });
    const zones = Object.values(ofKind('AWS::Route53::HostedZone'));
    expect(zones).toHaveLength(1);
    expect(zones[0]).toMatchObject({ Name: { 'Fn::Sub': 'hosts.exchange-${Stage}.internal' }, VPCs: [{ VPCId: { Ref: 'Vpc' } }] });
    const records = ofKind('AWS::Route53::RecordSet');
    expect(Object.fromEntries(Object.entries(records).map(([id, r]) => [id, [r.Name, r.Type, r.ResourceRecords]]))).toEqual({
      HostRecordA: [
        { 'Fn::Sub': '${AWS::Region}a.hosts.exchange-${Stage}.internal' },
        'A',
        [{ 'Fn::GetAtt': ['HostInterfaceA', 'PrimaryPrivateIpAddress'] }],
      ],
      HostRecordB: [
        { 'Fn::Sub': '${AWS::Region}b.hosts.exchange-${Stage}.internal' },
        'A',
        [{ 'Fn::GetAtt': ['HostInterfaceB', 'PrimaryPrivateIpAddress'] }],
      ],
    });
    // the names the stage's stack imports are the records' names
    for (const slot of ['A', 'B']) expect(network.Outputs[`HostName${slot}`].Value).toEqual(records[`HostRecord${slot}`].Name);
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
