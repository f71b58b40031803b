/**
 * The edge (resources/edge.yml) and operations (resources/operations.yml) as `serverless package`
 * compiles them, and the tags every taggable resource carries (scripts/aws/serverless-tag-resources.js).
 */
import { installedTagShapes } from '../../scripts/aws/tag-resources';
import { packageStage, removePackages } from '../support/serverless-package';

afterAll(removePackages);

interface Resource {
  Type: string;
  Condition?: string;
  Properties: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
}
interface Template {
  Resources: Record<string, Resource>;
  Parameters: Record<string, { Type: string; Default?: unknown }>;
  Conditions: Record<string, unknown>;
}

const TOPIC = { Ref: 'AlarmTopic' };
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const ALL_VIEWER_EXCEPT_HOST = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

describe('serverless package: edge, operations and tags (stage local)', () => {
  let template: Template;
  let resources: Record<string, Resource>;
  const ofType = (type: string): [string, Resource][] => Object.entries(resources).filter(([, r]) => r.Type === type);

  beforeAll(() => {
    template = packageStage<Template>('local', '.esbuild-edge-ops-test').template;
    resources = template.Resources;
  }, 300_000);

  describe('the REST API stage', () => {
    it('is its own resource, on this package’s deployment, throttled at 500 rps base and 1,000 burst', () => {
      const stage = resources.ApiGatewayStage;
      expect(stage.Type).toBe('AWS::ApiGateway::Stage');
      const [[deploymentId, deployment]] = ofType('AWS::ApiGateway::Deployment');
      expect(stage.Properties.DeploymentId).toEqual({ Ref: deploymentId });
      // one owner of the stage: the deployment no longer makes it
      expect(deployment.Properties.StageName).toBeUndefined();
      expect(stage.Properties).toMatchObject({ StageName: 'local', TracingEnabled: true });
      expect(stage.Properties.MethodSettings).toEqual([
        expect.objectContaining({
          ResourcePath: '/*',
          HttpMethod: '*',
          ThrottlingRateLimit: 500,
          ThrottlingBurstLimit: 1000,
          DataTraceEnabled: false,
        }),
      ]);
    });

    it('logs each request as JSON with its id, address, status and latency', () => {
      const log = resources.ApiGatewayStage.Properties.AccessLogSetting as { DestinationArn: unknown; Format: string };
      expect(log.DestinationArn).toEqual({ 'Fn::GetAtt': ['ApiGatewayLogGroup', 'Arn'] });
      expect(JSON.parse(log.Format)).toMatchObject({
        requestId: '$context.requestId',
        ip: '$context.identity.sourceIp',
        status: '$context.status',
        latency: '$context.responseLatency',
      });
      expect(resources.ApiGatewayLogGroup.Type).toBe('AWS::Logs::LogGroup');
    });

    it('is regional (CloudFront is the edge) and adds no function of serverless’s own', () => {
      expect(resources.ApiGatewayRestApi.Properties.EndpointConfiguration).toEqual({ Types: ['REGIONAL'] });
      expect(Object.values(resources).filter((r) => r.Type.startsWith('Custom::'))).toEqual([]);
    });
  });

  it('keeps the WebSocket stage’s throttling and logs it as JSON, errors only', () => {
    const stage = resources.WebsocketsDeploymentStage.Properties;
    expect(stage.DefaultRouteSettings).toEqual({
      ThrottlingRateLimit: 500,
      ThrottlingBurstLimit: 1000,
      LoggingLevel: 'ERROR',
      DataTraceEnabled: false,
    });
    expect((stage.RouteSettings as Record<string, unknown>).$connect).toEqual({ ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 });
    const format = JSON.parse((stage.AccessLogSettings as { Format: string }).Format) as Record<string, string>;
    expect(Object.keys(format)).toEqual(expect.arrayContaining(['requestId', 'ip', 'status', 'latency', 'connectionId']));
  });

  describe('CloudFront', () => {
    interface Behavior {
      PathPattern?: string;
      TargetOriginId: string;
      ViewerProtocolPolicy: string;
      CachePolicyId: unknown;
      OriginRequestPolicyId: string;
      AllowedMethods: string[];
    }
    let config: {
      Origins: { Id: string; OriginPath?: string; CustomOriginConfig: Record<string, unknown> }[];
      DefaultCacheBehavior: Behavior;
      CacheBehaviors: Behavior[];
      ViewerCertificate: { 'Fn::If': [string, Record<string, unknown>, Record<string, unknown>] };
      WebACLId: unknown;
      Restrictions: unknown;
      Logging: { Bucket: unknown };
      Aliases: unknown;
    };
    beforeAll(() => {
      config = resources.EdgeDistribution.Properties.DistributionConfig as typeof config;
    });

    it('speaks HTTPS only, to viewers and to both APIs, TLS 1.2 at least', () => {
      for (const b of [config.DefaultCacheBehavior, ...config.CacheBehaviors]) expect(b.ViewerProtocolPolicy).toBe('https-only');
      expect(config.Origins.map((o) => o.Id)).toEqual(['rest-api', 'websocket-api']);
      for (const o of config.Origins)
        expect(o.CustomOriginConfig).toMatchObject({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] });
      expect(config.Origins[0].OriginPath).toBe('/local');
      // the custom domain's certificate (a parameter): TLS 1.2 (2021 ciphers); none: CloudFront's own
      expect(config.ViewerCertificate['Fn::If'][0]).toBe('EdgeHasCertificate');
      expect(config.ViewerCertificate['Fn::If'][1]).toMatchObject({
        AcmCertificateArn: { Ref: 'EdgeCertificateArn' },
        MinimumProtocolVersion: 'TLSv1.2_2021',
        SslSupportMethod: 'sni-only',
      });
      expect(config.Aliases).toEqual({ 'Fn::If': ['EdgeHasCustomDomain', [{ Ref: 'EdgeDomainName' }], { Ref: 'AWS::NoValue' }] });
    });

    it('caches public market data for seconds, keyed on path and query; nothing else', () => {
      expect(config.DefaultCacheBehavior).toMatchObject({
        TargetOriginId: 'rest-api',
        CachePolicyId: CACHING_DISABLED,
        OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST,
      });
      expect(config.DefaultCacheBehavior.AllowedMethods).toEqual(expect.arrayContaining(['POST', 'DELETE', 'PATCH', 'PUT']));
      const markets = config.CacheBehaviors.find((b) => b.PathPattern === '/v1/markets*');
      expect(markets).toMatchObject({ TargetOriginId: 'rest-api', CachePolicyId: { Ref: 'MarketDataCachePolicy' } });
      expect(markets?.AllowedMethods).toEqual(['GET', 'HEAD', 'OPTIONS']);
      const policy = (resources.MarketDataCachePolicy.Properties.CachePolicyConfig ?? {}) as {
        MinTTL: number;
        DefaultTTL: number;
        MaxTTL: number;
        ParametersInCacheKeyAndForwardedToOrigin: Record<string, unknown>;
      };
      // the functions answer no-store: MinTTL is what the edge keeps them for
      expect(policy.MinTTL).toBeGreaterThan(0);
      expect(policy.MaxTTL).toBeLessThanOrEqual(5);
      expect(policy.ParametersInCacheKeyAndForwardedToOrigin).toMatchObject({
        QueryStringsConfig: { QueryStringBehavior: 'all' },
        HeadersConfig: { HeaderBehavior: 'none' },
        CookiesConfig: { CookieBehavior: 'none' },
      });
      const ws = config.CacheBehaviors.find((b) => b.TargetOriginId === 'websocket-api');
      expect(ws).toMatchObject({ PathPattern: '/local', CachePolicyId: CACHING_DISABLED, OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST });
    });

    it('blocks the countries a parameter lists (none by default), and logs to a private, encrypted bucket', () => {
      expect(template.Parameters.EdgeBlockedCountries).toMatchObject({ Type: 'CommaDelimitedList', Default: '' });
      expect(config.Restrictions).toEqual({
        GeoRestriction: {
          'Fn::If': [
            'EdgeHasBlockedCountries',
            { RestrictionType: 'blacklist', Locations: { Ref: 'EdgeBlockedCountries' } },
            { RestrictionType: 'none' },
          ],
        },
      });
      expect(config.Logging.Bucket).toEqual({ 'Fn::GetAtt': ['EdgeLogBucket', 'DomainName'] });
      const bucket = resources.EdgeLogBucket.Properties;
      expect(bucket.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerPreferred' }] });
      expect(bucket.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(bucket.BucketEncryption).toBeDefined();
      expect(bucket.LifecycleConfiguration).toBeDefined();
    });

    it('is guarded by the WAF web ACL in us-east-1 (CLOUDFRONT scope), the REST stage by a regional one elsewhere', () => {
      expect(config.WebACLId).toEqual({ 'Fn::If': ['EdgeIsUsEast1', { 'Fn::GetAtt': ['EdgeWebAcl', 'Arn'] }, { Ref: 'AWS::NoValue' }] });
      const acl = resources.EdgeWebAcl;
      expect(acl).toMatchObject({ Condition: 'EdgeIsUsEast1', Properties: { Scope: 'CLOUDFRONT' } });
      type Rule = { Name: string; Statement: Record<string, { Name?: string; Limit?: unknown; AggregateKeyType?: string }> };
      const rules = acl.Properties.Rules as (Rule | { 'Fn::If': [string, Rule, unknown] })[];
      const plain = rules.filter((r): r is Rule => 'Name' in r);
      const managed = plain.flatMap((r) => (r.Statement.ManagedRuleGroupStatement ? [r.Statement.ManagedRuleGroupStatement.Name] : []));
      expect(managed.sort()).toEqual([
        'AWSManagedRulesAmazonIpReputationList',
        'AWSManagedRulesCommonRuleSet',
        'AWSManagedRulesKnownBadInputsRuleSet',
        'AWSManagedRulesSQLiRuleSet',
      ]);
      expect(plain.find((r) => r.Statement.RateBasedStatement)?.Statement.RateBasedStatement).toEqual({
        AggregateKeyType: 'IP',
        Limit: { Ref: 'EdgeRateLimitPerIp' },
      });
      const geo = rules.find((r): r is { 'Fn::If': [string, Rule, unknown] } => 'Fn::If' in r);
      expect(geo?.['Fn::If'][0]).toBe('EdgeHasBlockedCountries');
      expect(geo?.['Fn::If'][1].Statement.GeoMatchStatement).toEqual({ CountryCodes: { Ref: 'EdgeBlockedCountries' } });
      // distinct priorities, every rule with its metrics
      const all = [...plain, ...(geo ? [geo['Fn::If'][1]] : [])] as (Rule & { Priority: number; VisibilityConfig: object })[];
      expect(new Set(all.map((r) => r.Priority)).size).toBe(all.length);
      for (const r of all) expect(r.VisibilityConfig).toMatchObject({ CloudWatchMetricsEnabled: true });
      // elsewhere (DR): the same rules, REGIONAL, on the REST API's stage
      expect(resources.EdgeRegionalWebAcl).toMatchObject({ Condition: 'EdgeIsOtherRegion', Properties: { Scope: 'REGIONAL' } });
      expect(resources.EdgeRegionalWebAcl.Properties.Rules).toEqual(acl.Properties.Rules);
      expect(JSON.stringify(resources.EdgeRegionalWebAclAssociation.Properties.ResourceArn)).toContain('{"Ref":"ApiGatewayStage"}');
      expect(template.Conditions.EdgeIsUsEast1).toEqual({ 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'] });
    });
  });

  describe('operations', () => {
    const alarm = (id: string): Record<string, unknown> => resources[id].Properties;

    it('sends every alarm to the alarm topic, when it fires and when it clears', () => {
      const alarms = ofType('AWS::CloudWatch::Alarm');
      expect(alarms.length).toBeGreaterThanOrEqual(20);
      for (const [id, a] of alarms) expect({ id, ...a.Properties }).toMatchObject({ id, AlarmActions: [TOPIC], OKActions: [TOPIC] });
      // the settlement alarms of resources/statemachines.yml too
      for (const id of ['SettlementParkedAlarm', 'ConflictingTradeIdsAlarm', 'OrderEventsRefusedAlarm', 'ReconciliationDifferencesAlarm'])
        expect(alarm(id).AlarmActions).toEqual([TOPIC]);
    });

    it('encrypts the topic with a key CloudWatch and Budgets may use, and e-mails it when an address is given', () => {
      expect(resources.AlarmTopic.Properties.KmsMasterKeyId).toEqual({ Ref: 'AlarmTopicKey' });
      const key = JSON.stringify(resources.AlarmTopicKey.Properties.KeyPolicy);
      expect(key).toContain('cloudwatch.amazonaws.com');
      expect(key).toContain('budgets.amazonaws.com');
      expect(resources.AlarmTopicKey.Properties.EnableKeyRotation).toBe(true);
      expect(resources.AlarmEmailSubscription).toMatchObject({
        Condition: 'OpsHasAlarmEmail',
        Properties: { Protocol: 'email', Endpoint: { Ref: 'AlarmEmail' } },
      });
      expect(template.Parameters.AlarmEmail.Default).toBe('');
    });

    it('alarms on more than 1 % of REST requests answered 5xx over 5 minutes', () => {
      const a = alarm('RestApi5xxRateAlarm') as {
        Metrics: { Id: string; Expression?: string; MetricStat?: { Metric: { MetricName: string }; Period: number } }[];
      };
      expect(a).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 1 });
      expect(a.Metrics.find((m) => m.Expression)?.Expression).toBe('100 * errors / requests');
      expect(a.Metrics.filter((m) => m.MetricStat).map((m) => [m.MetricStat?.Metric.MetricName, m.MetricStat?.Period])).toEqual([
        ['5XXError', 300],
        ['Count', 300],
      ]);
    });

    it('alarms on REST p99 latency above 100 ms', () => {
      expect(alarm('RestApiLatencyP99Alarm')).toMatchObject({
        Namespace: 'AWS/ApiGateway',
        MetricName: 'Latency',
        ExtendedStatistic: 'p99',
        Threshold: 100,
        ComparisonOperator: 'GreaterThanThreshold',
        Dimensions: [
          { Name: 'ApiName', Value: 'local-exchange' },
          { Name: 'Stage', Value: 'local' },
        ],
      });
      // the name the dimension assumes is the API's
      expect(resources.ApiGatewayRestApi.Properties.Name).toBe('local-exchange');
    });

    it('alarms on the matching hosts: each one down, no lease, replication and DR lag, too few followers, unreplicated acks', () => {
      // the gauges the host exports (matching-host/server/metrics.ts), as the CloudWatch agent names them
      const job = [{ Name: 'job', Value: 'matching-host' }];
      // per host: with two hosts in a region, the other's samples would hide a silent one
      for (const [id, slot] of [
        ['HostADownAlarm', 'a'],
        ['HostBDownAlarm', 'b'],
      ])
        expect(alarm(id)).toMatchObject({
          Namespace: 'Exchange/MatchingHost',
          MetricName: 'exchange_host_up',
          Dimensions: [...job, { Name: 'host_id', Value: { 'Fn::Sub': `\${AWS::Region}${slot}` } }],
          Threshold: 1,
          ComparisonOperator: 'LessThanThreshold',
          TreatMissingData: 'breaching',
        });
      expect(resources.HostBDownAlarm.Condition).toBe('HasStandbyHost');
      // neither host of the region holds a valid lease: the maximum over both is 0
      expect(alarm('HostLeaseLostAlarm')).toMatchObject({
        MetricName: 'exchange_host_lease_valid',
        Dimensions: job,
        Statistic: 'Maximum',
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'breaching',
      });
      expect(resources.HostLeaseLostAlarm.Condition).toBe('OpsHostStartsPrimary');
      // the DR replica's lag in milliseconds, 3 of 5 minutes above 5 s: well inside the 1-minute RPO
      expect(alarm('HostDrLagAlarm')).toMatchObject({
        MetricName: 'exchange_host_dr_lag_ms',
        Dimensions: job,
        Statistic: 'Maximum',
        Period: 60,
        EvaluationPeriods: 5,
        DatapointsToAlarm: 3,
        Threshold: 5000,
        ComparisonOperator: 'GreaterThanThreshold',
      });
      // no load balancer decides anything about the hosts any more: nothing alarms on its targets
      expect(ofType('AWS::CloudWatch::Alarm').filter(([, r]) => JSON.stringify(r).includes('AWS/NetworkELB'))).toEqual([]);
      expect(alarm('HostReplicationLagAlarm')).toMatchObject({
        MetricName: 'exchange_host_replication_lag_commands',
        Threshold: 5000,
        Dimensions: job,
      });
      // the synchronous standby (the DR replica's absence is its growing lag)
      expect(alarm('HostNoStandbyAlarm')).toMatchObject({
        MetricName: 'exchange_host_replicas',
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
      });
      // a count since the host started: the alarm watches what it adds
      expect(alarm('HostUnreplicatedAcksAlarm')).toMatchObject({
        Threshold: 0,
        Metrics: [
          { Id: 'acks', MetricStat: { Metric: { MetricName: 'exchange_host_unreplicated_acks', Dimensions: job } } },
          { Id: 'added', Expression: 'DIFF(acks)', ReturnData: true },
        ],
      });
    });

    it('alarms on anything in the order events’ dead-letter queue and on reconciliation differences', () => {
      expect(alarm('OrderEventsDlqAlarm')).toMatchObject({
        Namespace: 'AWS/AmazonMQ',
        MetricName: 'MessageCount',
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      });
      expect(alarm('OrderEventsDlqAlarm').Dimensions).toContainEqual({ Name: 'Queue', Value: 'order-events.dlq' });
      expect(alarm('ReconciliationDifferencesAlarm')).toMatchObject({
        Namespace: 'Exchange',
        MetricName: 'ReconciliationDifferences',
        Threshold: 0,
      });
    });

    it('alarms on Aurora, Redis and the broker', () => {
      expect(alarm('AuroraCpuAlarm')).toMatchObject({ Namespace: 'AWS/RDS', MetricName: 'CPUUtilization', Threshold: 80 });
      expect(alarm('AuroraCpuAlarm').Dimensions).toContainEqual({ Name: 'DBClusterIdentifier', Value: { Ref: 'AuroraCluster' } });
      expect(alarm('AuroraFreeableMemoryAlarm')).toMatchObject({ MetricName: 'FreeableMemory', ComparisonOperator: 'LessThanThreshold' });
      expect(alarm('AuroraReplicaLagAlarm')).toMatchObject({ MetricName: 'AuroraReplicaLagMaximum', Threshold: 1000 });
      expect(alarm('RedisMemoryAlarm')).toMatchObject({
        Namespace: 'AWS/ElastiCache',
        MetricName: 'DatabaseMemoryUsagePercentage',
        Threshold: 80,
      });
      expect(alarm('RedisEngineCpuAlarm')).toMatchObject({ MetricName: 'EngineCPUUtilization', Threshold: 80 });
      expect(JSON.stringify(alarm('RedisMemoryAlarm').Dimensions)).toContain('RedisReplicationGroup');
      expect(alarm('BrokerCpuAlarm')).toMatchObject({ Namespace: 'AWS/AmazonMQ', Threshold: 80 });
      expect(alarm('BrokerMemoryAlarm')).toMatchObject({ Threshold: 80 });
    });

    it('has one dashboard over the order path, the host, the stores and the dead-letter queue', () => {
      const [[, dashboard], ...others] = ofType('AWS::CloudWatch::Dashboard');
      expect(others).toEqual([]);
      const [body, vars] = (dashboard.Properties.DashboardBody as { 'Fn::Sub': [string, Record<string, unknown>] })['Fn::Sub'];
      const parsed = JSON.parse(body.replace(/\$\{[^}]+\}/g, 'x')) as { widgets: { properties: { title?: string } }[] };
      const titles = parsed.widgets.map((w) => w.properties.title).filter(Boolean);
      expect(titles.length).toBeGreaterThanOrEqual(10);
      for (const metric of [
        'Latency',
        '5XXError',
        'exchange_host_commands_total',
        'exchange_host_replication_lag_commands',
        'exchange_host_up',
        'exchange_host_lease_valid',
        'exchange_host_dr_lag_ms',
        'AuroraReplicaLagMaximum',
        'DatabaseMemoryUsagePercentage',
        'RabbitMQMemUsed',
        'IteratorAge',
        'order-events.dlq',
      ])
        expect(body).toContain(metric);
      expect(vars).toMatchObject({ OrdersPlace: { Ref: 'OrdersPlaceLambdaFunction' }, AuroraCluster: { Ref: 'AuroraCluster' } });
    });

    it('budgets the month’s cost: 80 % actual and 100 % forecast notify the topic (and the e-mail)', () => {
      const budget = resources.MonthlyBudget;
      // one per stage (each stack its own stage's tag), in whichever region it is deployed
      expect(budget.Condition).toBeUndefined();
      expect(budget.Properties.Budget).toMatchObject({
        BudgetType: 'COST',
        TimeUnit: 'MONTHLY',
        BudgetLimit: { Amount: { Ref: 'MonthlyBudgetUsd' }, Unit: 'USD' },
        CostFilters: { TagKeyValue: [{ 'Fn::Join': ['$', ['user:stage', 'local']] }] },
      });
      const notices = budget.Properties.NotificationsWithSubscribers as { Notification: Record<string, unknown>; Subscribers: unknown[] }[];
      expect(notices.map((n) => n.Notification)).toEqual([
        { NotificationType: 'ACTUAL', ComparisonOperator: 'GREATER_THAN', Threshold: 80, ThresholdType: 'PERCENTAGE' },
        { NotificationType: 'FORECASTED', ComparisonOperator: 'GREATER_THAN', Threshold: 100, ThresholdType: 'PERCENTAGE' },
      ]);
      for (const n of notices) {
        expect(n.Subscribers).toContainEqual({ SubscriptionType: 'SNS', Address: TOPIC });
        expect(JSON.stringify(n.Subscribers)).toContain('{"SubscriptionType":"EMAIL","Address":{"Ref":"AlarmEmail"}}');
      }
      expect(template.Parameters.MonthlyBudgetUsd).toMatchObject({ Type: 'Number' });
    });
  });

  it('tags every taggable resource with project, stage, owner and cost-centre', () => {
    const shapes = installedTagShapes();
    const want = { project: 'exchange', stage: 'local', owner: 'exchange-platform', 'cost-centre': 'exchange' };
    const untagged: string[] = [];
    let tagged = 0;
    for (const [id, r] of Object.entries(resources)) {
      if (!shapes.get(r.Type)) continue;
      tagged++;
      const tags = r.Properties.Tags;
      const have: Record<string, unknown> = Array.isArray(tags)
        ? Object.fromEntries((tags as { Key: string; Value: unknown }[]).map((t) => [t.Key, t.Value]))
        : ((tags ?? {}) as Record<string, unknown>);
      for (const [key, value] of Object.entries(want)) if (have[key] !== value) untagged.push(`${id} (${r.Type}) ${key}`);
    }
    expect(untagged).toEqual([]);
    // functions, roles, log groups, tables, both APIs, the state machines, the alarms …
    expect(tagged).toBeGreaterThan(250);
    for (const type of [
      'AWS::Lambda::Function',
      'AWS::IAM::Role',
      'AWS::Logs::LogGroup',
      'AWS::ApiGatewayV2::Api',
      'AWS::CloudWatch::Alarm',
    ])
      expect(ofType(type).length).toBeGreaterThan(0);
  });
});
