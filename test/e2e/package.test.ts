/**
 * What `serverless package` would deploy: every function has a role of its own holding only the
 * statements serverless.yml lists for it (least privilege), on the runtime and memory of the seed, with
 * the native binaries of the architecture it is deployed on.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import JSZip from 'jszip';
import { marketDataStreamFor } from '../../matching-host/server/config';
import { ensureDevSecrets, LOCAL_SECRETS } from '../../scripts/local/dev-secrets';
import { packageStage, removePackages } from '../support/serverless-package';

afterAll(removePackages);
/** the package folder: the zip, the template */
let out = '';

/**
 * The Node-API version an aarch64 native module asks for: what its node_api_module_get_api_version_v1
 * returns, read from its first instruction (`mov w0, #n`), found through the ELF's dynamic symbols.
 */
function nodeApiVersionOf(elf: Buffer): number {
  const shoff = Number(elf.readBigUInt64LE(0x28));
  const sections = Array.from({ length: elf.readUInt16LE(0x3c) }, (_, i) => {
    const o = shoff + i * elf.readUInt16LE(0x3a);
    const n = (at: number): number => Number(elf.readBigUInt64LE(o + at));
    return { type: elf.readUInt32LE(o + 4), addr: n(0x10), offset: n(0x18), size: n(0x20), link: elf.readUInt32LE(o + 0x28) };
  });
  const dynsym = sections.find((x) => x.type === 11); // SHT_DYNSYM
  if (!dynsym) throw new Error('no dynamic symbols');
  const names = sections[dynsym.link];
  for (let o = dynsym.offset; o < dynsym.offset + dynsym.size; o += 24) {
    const start = names.offset + elf.readUInt32LE(o);
    if (elf.toString('latin1', start, elf.indexOf(0, start)) !== 'node_api_module_get_api_version_v1') continue;
    const at = Number(elf.readBigUInt64LE(o + 8));
    const code = sections.find((x) => x.type === 1 && x.addr <= at && at < x.addr + x.size); // SHT_PROGBITS
    if (!code) throw new Error('node_api_module_get_api_version_v1 is in no section');
    const insn = elf.readUInt32LE(code.offset + at - code.addr);
    // MOVZ (32-bit), hw 0: the version is its 16-bit immediate
    if ((insn & 0xffe00000) >>> 0 !== 0x52800000) throw new Error(`unexpected first instruction ${insn.toString(16)}`);
    return (insn >>> 5) & 0xffff;
  }
  throw new Error('no node_api_module_get_api_version_v1: the module does not say its Node-API version');
}

interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
}

describe('serverless package (stage local)', () => {
  let resources: Record<string, Resource> = {};

  beforeAll(async () => {
    // the secrets whose values must appear nowhere in the package (see below)
    await ensureDevSecrets();
    const packaged = packageStage<{ Resources: Record<string, Resource> }>('local', '.esbuild-package-test');
    out = packaged.dir;
    resources = packaged.template.Resources;
  }, 300_000);

  const MANAGE = JSON.stringify({
    'Fn::Join': ['', ['arn:aws:execute-api:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':*/*/POST/@connections/*']],
  });
  /** closing a socket from the server's side: its session ended, or it kept sending past its budget */
  const CLOSE = {
    action: 'execute-api:ManageConnections',
    resource: JSON.stringify({
      'Fn::Join': ['', ['arn:aws:execute-api:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':*/*/DELETE/@connections/*']],
    }),
  };
  /** What a function may do beyond logs and tracing: only what its code calls, on its own table. */
  /** the control table by name (a global table: the DR stage holds a replica, not a resource of its own) */
  /** a table by name: the global tables (control, audit, order history) are replicas in the DR stage, not resources of its own */
  const tableArn = (name: string): string =>
    JSON.stringify({ 'Fn::Sub': `arn:\${AWS::Partition}:dynamodb:\${AWS::Region}:\${AWS::AccountId}:table/${name}` });
  const CONTROL = tableArn('exchange-local-control');
  const AUDIT = tableArn('exchange-local-audit');
  const HISTORY = tableArn('exchange-local-order-history');
  /** the stores' credentials every function may read (stage local: a name that is no secret) */
  const STORE_SECRETS = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:exchange/local/none';
  const BROKER_SECRET_READ = {
    action: 'secretsmanager:GetSecretValue',
    resource: JSON.stringify('arn:aws:secretsmanager:us-east-1:000000000000:secret:exchange-local-mq-000000'),
  };
  const CONTROL_READ = { action: 'dynamodb:GetItem', resource: CONTROL };
  const sub = (arn: string): string => JSON.stringify({ 'Fn::Sub': arn });
  /** the order history's byOrder index only (not the table: that would be every event of the account) */
  const BY_ORDER_QUERY = {
    action: 'dynamodb:Query',
    resource: tableArn('exchange-local-order-history/index/byOrder'),
  };
  const DR_MACHINES = JSON.stringify([
    { 'Fn::GetAtt': ['DrFailoverStateMachine', 'Arn'] },
    { 'Fn::GetAtt': ['DrFailbackStateMachine', 'Arn'] },
  ]);
  /** the secrets in Secrets Manager, read at run time (functions/shared/secret-store.ts) */
  const secretRead = (name: string): { action: string; resource: string } => ({
    action: 'secretsmanager:GetSecretValue',
    resource: JSON.stringify({
      'Fn::Join': [
        '',
        ['arn:aws:secretsmanager:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:secret:exchange/local/${name}-*`],
      ],
    }),
  });
  const DATA_KEYS_READ = secretRead('data-keys');
  const SIGNING_KEY_READ = secretRead('jwt-signing');
  const AUDIT_PUT = { action: 'dynamodb:PutItem', resource: AUDIT };
  const arn = (service: string, rest: string): string =>
    JSON.stringify({ 'Fn::Sub': `arn:\${AWS::Partition}:${service}:\${AWS::Region}:\${AWS::AccountId}:${rest}` });
  const RELEASE_HOOK = [
    { action: 'codedeploy:GetDeployment', resource: arn('codedeploy', 'deploymentgroup:exchange-local/*') },
    { action: 'codedeploy:PutLifecycleEventHookExecutionStatus', resource: arn('codedeploy', 'deploymentgroup:exchange-local/*') },
    { action: 'codedeploy:GetApplicationRevision', resource: arn('codedeploy', 'application:exchange-local') },
    { action: 'lambda:InvokeFunction', resource: arn('lambda', 'function:exchange-local-*:*') },
  ];
  const EXTRA: Record<string, { action: string; resource: string }[]> = {
    // the functions that read or write users open MFA secrets with the data keys; those that issue tokens sign too
    ...Object.fromEntries(
      ['AuthRegister', 'AuthLogout', 'AuthMfaEnroll', 'AuthMe', 'AdminListUsers', 'AdminGetUser'].map((f) => [
        `${f}LambdaFunction`,
        [DATA_KEYS_READ],
      ]),
    ),
    ...Object.fromEntries(
      ['AuthLogin', 'AuthRefresh', 'AuthLoginMfa', 'AuthMfaStepUp'].map((f) => [`${f}LambdaFunction`, [DATA_KEYS_READ, SIGNING_KEY_READ]]),
    ),
    // MFA turned on or off, or reset by an admin, is audited, and ends sessions: their sockets close
    ...Object.fromEntries(
      ['AuthMfaVerify', 'AuthMfaDisable', 'AdminResetMfa'].map((f) => [`${f}LambdaFunction`, [DATA_KEYS_READ, AUDIT_PUT, CLOSE]]),
    ),
    // the functions that call the matching host read which region is active and who holds its lease (only those items)
    ...Object.fromEntries(
      [
        'AccountsTransfer',
        'AccountsBalances',
        'AccountsLedger',
        'OpsHostStatus',
        'SfnReconcile',
        'SfnSettlementValidate',
        'SfnDrRollback',
        // the DR tasks that deal with a region's host find it by the region's lease
        'SfnDrCatchUp',
        'SfnDrVerify',
        'SfnDrPromote',
        'SfnDrFollowNewPrimary',
      ].map((f) => [`${f}LambdaFunction`, [CONTROL_READ]]),
    ),
    // and FencePrimary fences the region it leaves in its lease too
    SfnDrFencePrimaryLambdaFunction: [CONTROL_READ, { action: 'dynamodb:PutItem', resource: CONTROL }],
    // open orders from the host; closed ones and every order's fills from the history's byOrder index
    OrdersGetLambdaFunction: [CONTROL_READ, BY_ORDER_QUERY],
    // the functions that publish to the broker read its credentials at run time
    SfnSettlementAnnounceLambdaFunction: [BROKER_SECRET_READ],
    SfnSettlementParkLambdaFunction: [BROKER_SECRET_READ],
    SfnDrRequestApprovalLambdaFunction: [BROKER_SECRET_READ, { action: 'dynamodb:PutItem', resource: CONTROL }],
    SfnDrSwitchLambdaFunction: [CONTROL_READ, { action: 'dynamodb:PutItem', resource: CONTROL }],
    SfnDrNotifyLambdaFunction: [
      BROKER_SECRET_READ,
      { action: 'dynamodb:PutItem', resource: AUDIT },
      { action: 'dynamodb:DeleteItem', resource: CONTROL },
    ],
    SfnDrAssessLambdaFunction: [CONTROL_READ, CONTROL_READ, { action: 'dynamodb:PutItem', resource: CONTROL }],
    // the host release: the lock and the lease (control), the audit, its notices; in AWS each host's build
    // (SSM), its instance's replacement (its group, by name) and the watched alarms, this stage's only
    SfnHostReleaseLambdaFunction: [
      CONTROL_READ,
      BROKER_SECRET_READ,
      ...['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'].map((action) => ({ action, resource: CONTROL })),
      { action: 'dynamodb:PutItem', resource: AUDIT },
      {
        action: 'ssm:PutParameter',
        resource: sub('arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/exchange/local/hosts/*'),
      },
      { action: 'autoscaling:DescribeAutoScalingGroups', resource: '"*"' },
      {
        action: 'autoscaling:TerminateInstanceInAutoScalingGroup',
        resource: sub(
          'arn:${AWS::Partition}:autoscaling:${AWS::Region}:${AWS::AccountId}:autoScalingGroup:*:autoScalingGroupName/exchange-local-host-*',
        ),
      },
      {
        action: 'cloudwatch:DescribeAlarms',
        resource: sub('arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:exchange-local-*'),
      },
    ],
    OpsDrFailoverLambdaFunction: [
      { action: 'states:StartExecution', resource: DR_MACHINES },
      { action: 'dynamodb:PutItem', resource: AUDIT },
    ],
    OpsDrFailbackLambdaFunction: [
      { action: 'states:StartExecution', resource: DR_MACHINES },
      { action: 'dynamodb:PutItem', resource: AUDIT },
    ],
    OpsDrApproveLambdaFunction: [
      { action: 'states:SendTaskSuccess', resource: DR_MACHINES },
      { action: 'states:SendTaskFailure', resource: DR_MACHINES },
      CONTROL_READ,
      { action: 'dynamodb:DeleteItem', resource: CONTROL },
      { action: 'dynamodb:PutItem', resource: CONTROL },
      { action: 'dynamodb:PutItem', resource: AUDIT },
    ],
    OpsDrStatusLambdaFunction: [
      ...['DescribeExecution', 'GetExecutionHistory'].map((a) => ({
        action: `states:${a}`,
        resource: JSON.stringify([
          {
            'Fn::Join': [
              '',
              ['arn:aws:states:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':execution:exchange-local-dr-*:*'],
            ],
          },
        ]),
      })),
      CONTROL_READ,
    ],
    AccountsDepositLambdaFunction: [CONTROL_READ, { action: 'dynamodb:PutItem', resource: AUDIT }],
    AccountsWithdrawLambdaFunction: [CONTROL_READ, { action: 'dynamodb:PutItem', resource: AUDIT }],
    AccountsResumeTransfersLambdaFunction: [CONTROL_READ, { action: 'dynamodb:PutItem', resource: AUDIT }],
    OrdersPlaceLambdaFunction: [CONTROL_READ, { action: 'dynamodb:PutItem', resource: AUDIT }],
    OrdersCancelLambdaFunction: [CONTROL_READ, { action: 'dynamodb:PutItem', resource: AUDIT }],
    OrdersCancelAllLambdaFunction: [CONTROL_READ, { action: 'dynamodb:PutItem', resource: AUDIT }],
    OrdersCancelAfterLambdaFunction: [CONTROL_READ, { action: 'dynamodb:PutItem', resource: AUDIT }],
    // answers the order after the replace as GET does (with its fills, or from the history once it left the book)
    OrdersReplaceLambdaFunction: [CONTROL_READ, { action: 'dynamodb:PutItem', resource: AUDIT }, BY_ORDER_QUERY],
    OpsHaltLambdaFunction: [CONTROL_READ, { action: 'dynamodb:PutItem', resource: AUDIT }],
    OpsResumeLambdaFunction: [CONTROL_READ, { action: 'dynamodb:PutItem', resource: AUDIT }],
    OrdersListLambdaFunction: [CONTROL_READ, { action: 'dynamodb:Query', resource: HISTORY }],
    OrdersFillsLambdaFunction: [CONTROL_READ, { action: 'dynamodb:Query', resource: HISTORY }],
    StreamsOrderEventsLambdaFunction: [
      { action: 'dynamodb:BatchWriteItem', resource: HISTORY },
      { action: 'dynamodb:PutItem', resource: AUDIT },
      { action: 'dynamodb:GetItem', resource: 'ConnectionsTable' },
      { action: 'dynamodb:DeleteItem', resource: 'ConnectionsTable' },
      CLOSE,
      { action: 'execute-api:ManageConnections', resource: MANAGE },
      { action: 'states:StartExecution', resource: JSON.stringify({ Ref: 'SettlementStateMachine' }) },
      {
        action: 'mq:DescribeBroker',
        resource: JSON.stringify('arn:aws:mq:us-east-1:000000000000:broker:exchange-local:b-00000000-0000-0000-0000-000000000000'),
      },
      {
        action: 'secretsmanager:GetSecretValue',
        resource: JSON.stringify('arn:aws:secretsmanager:us-east-1:000000000000:secret:exchange-local-mq-000000'),
      },
      ...[
        'CreateNetworkInterface',
        'DeleteNetworkInterface',
        'DescribeNetworkInterfaces',
        'DescribeSecurityGroups',
        'DescribeSubnets',
        'DescribeVpcs',
      ].map((a) => ({ action: `ec2:${a}`, resource: '"*"' })),
    ],
    AdminSetRolesLambdaFunction: [CONTROL_READ, AUDIT_PUT, DATA_KEYS_READ, CLOSE],
    // ending a session (logout, refresh-token reuse) closes the sockets it vouched for
    AuthLogoutLambdaFunction: [DATA_KEYS_READ, CLOSE],
    AuthRefreshLambdaFunction: [DATA_KEYS_READ, SIGNING_KEY_READ, CLOSE],
    WsConnectLambdaFunction: [{ action: 'dynamodb:PutItem', resource: 'ConnectionsTable' }],
    // the framed routes close a socket that keeps sending past its budget, or whose session ended
    WsOrdersLambdaFunction: [CONTROL_READ, CLOSE],
    WsCancelOrderLambdaFunction: [CONTROL_READ, CLOSE],
    WsDefaultLambdaFunction: [CLOSE],
    WsDisconnectLambdaFunction: [
      { action: 'dynamodb:GetItem', resource: 'ConnectionsTable' },
      { action: 'dynamodb:DeleteItem', resource: 'ConnectionsTable' },
    ],
    WsSubscriptionsLambdaFunction: [
      { action: 'dynamodb:GetItem', resource: 'ConnectionsTable' },
      { action: 'dynamodb:UpdateItem', resource: 'ConnectionsTable' },
      { action: 'execute-api:ManageConnections', resource: MANAGE },
      CLOSE,
    ],
    SfnSettlementMarkSettledLambdaFunction: [{ action: 'dynamodb:UpdateItem', resource: HISTORY }],
    StreamsMarketDataFanoutLambdaFunction: [
      { action: 'execute-api:ManageConnections', resource: MANAGE },
      { action: 'dynamodb:GetItem', resource: 'ConnectionsTable' },
      { action: 'dynamodb:DeleteItem', resource: 'ConnectionsTable' },
      ...['SubscribeToShard', 'DescribeStreamConsumer'].map((a) => ({
        action: `kinesis:${a}`,
        resource: JSON.stringify({ Ref: 'StreamsMarketDataFanoutMarketDataStreamConsumerStreamConsumer' }),
      })),
      // added by the stream event itself, for this stream only
      ...['GetRecords', 'GetShardIterator', 'DescribeStream', 'ListStreams'].map((a) => ({
        action: `kinesis:${a}`,
        resource: 'MarketDataStream',
      })),
    ],
    StreamsHeartbeatLambdaFunction: [
      { action: 'execute-api:ManageConnections', resource: MANAGE },
      { action: 'dynamodb:GetItem', resource: 'ConnectionsTable' },
      { action: 'dynamodb:DeleteItem', resource: 'ConnectionsTable' },
    ],
    // CodeDeploy's release hooks: this stage's deployments, and its functions' versions and aliases only
    ...Object.fromEntries(['ReleasePreTraffic', 'ReleasePostTraffic'].map((f) => [`${f}LambdaFunction`, RELEASE_HOOK])),
  };

  it('lets a function (or a host) touch only its own items of the control record (active region, leases, DR approvals, the runbook lock)', () => {
    // the matching hosts write only their own region's lease
    const OWN_LEASE = JSON.stringify({ 'Fn::Sub': 'lease#${AWS::Region}' });
    const ITEMS = ['active-region', 'lease#*', 'approval#*', 'runbook-lock', OWN_LEASE];
    let n = 0;
    for (const r of Object.values(resources).filter((x) => x.Type === 'AWS::IAM::Role')) {
      const statements = (
        (r.Properties.Policies ?? []) as {
          PolicyDocument: { Statement: { Resource: unknown; Condition?: Record<string, Record<string, unknown[]>> }[] };
        }[]
      ).flatMap((p) => p.PolicyDocument.Statement);
      for (const st of statements.filter((x) => JSON.stringify(x.Resource).includes('exchange-local-control'))) {
        n++;
        const [[operator, condition], ...more] = Object.entries(st.Condition ?? {});
        expect(more).toEqual([]);
        const keys = condition['dynamodb:LeadingKeys'].map((k) => (typeof k === 'string' ? k : JSON.stringify(k)));
        for (const key of keys) expect(ITEMS).toContain(key);
        // a pattern is only a pattern under StringLike (StringEquals would take the * literally)
        expect(operator).toBe(keys.some((k) => k.includes('*')) ? 'ForAllValues:StringLike' : 'ForAllValues:StringEquals');
      }
    }
    expect(n).toBeGreaterThan(20);
  });

  it('gives every function its own role: logs and tracing, plus only the statements it needs', () => {
    const functions = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThanOrEqual(14);
    const roleNames = new Set<string>();
    for (const [name, f] of functions) {
      const role = (f.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      roleNames.add(role);
      const policies = resources[role].Properties.Policies as {
        PolicyDocument: { Statement: { Action: string[] | string; Resource: unknown }[] };
      }[];
      const statements = policies.flatMap((p) => p.PolicyDocument.Statement);
      const extra: { action: string; resource: string }[] = [];
      for (const st of statements)
        for (const a of Array.isArray(st.Action) ? st.Action : [st.Action]) {
          if (/^(logs:(CreateLogStream|CreateLogGroup|PutLogEvents|TagResource)|xray:(PutTraceSegments|PutTelemetryRecords))$/.test(a))
            continue;
          // a resource named by Fn::GetAtt, alone or as the one element of a list
          const r = (Array.isArray(st.Resource) && st.Resource.length === 1 ? st.Resource[0] : st.Resource) as {
            'Fn::GetAtt'?: [string, string];
          };
          const target = r['Fn::GetAtt']?.[0] ?? JSON.stringify(st.Resource);
          // every role may read the stores' credentials (provider.iam.role); locally there are none
          if (a === 'secretsmanager:GetSecretValue' && target.includes(STORE_SECRETS)) continue;
          extra.push({ action: a, resource: target });
        }
      const key = (x: { action: string; resource: string }): string => `${x.action} ${x.resource}`;
      expect({ name, extra: extra.map(key).sort() }).toEqual({ name, extra: (EXTRA[name] ?? []).map(key).sort() });
      expect(statements.flatMap((st) => st.Action)).toContain('xray:PutTraceSegments');
    }
    expect(roleNames.size).toBe(functions.length);
  });

  it('feeds the market-data fan-out through an enhanced fan-out consumer (pushed, not polled once a second)', () => {
    const mapping = Object.values(resources).find(
      (r) => r.Type === 'AWS::Lambda::EventSourceMapping' && JSON.stringify(r.Properties.FunctionName).includes('StreamsMarketDataFanout'),
    );
    const consumer = (mapping?.Properties.EventSourceArn as { Ref?: string }).Ref ?? '';
    expect(resources[consumer]?.Type).toBe('AWS::Kinesis::StreamConsumer');
  });

  it('gives the secret store’s references only to the functions that use them', () => {
    const holders = (name: string): string[] =>
      Object.entries(resources)
        .filter(
          ([, r]) =>
            r.Type === 'AWS::Lambda::Function' &&
            name in ((r.Properties.Environment as { Variables: Record<string, unknown> }).Variables ?? {}),
        )
        .map(([n]) => n)
        .sort();
    expect(holders('JWT_SIGNING_SECRET')).toEqual([
      'AuthLoginLambdaFunction',
      'AuthLoginMfaLambdaFunction',
      'AuthMfaStepUpLambdaFunction',
      'AuthRefreshLambdaFunction',
    ]);
    const sealing = holders('DATA_KEYS_SECRET');
    expect(sealing.every((n) => /^(Auth|Admin)/.test(n))).toBe(true);
    expect(sealing).toHaveLength(14);
    // public, read at run time (packaging needs no account): every function may verify
    expect(holders('PUBLIC_KEYS_SECRET').length).toBe(Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::Function').length);
    expect(holders('JWT_VERIFY_JWKS')).toEqual([]);
  });

  it('lets only the functions of a role read that role’s host certificate, and puts no key material in the template', () => {
    const byRole: Record<string, string[]> = {
      trading: [
        'OrdersPlace',
        'OrdersGet',
        'OrdersList',
        'OrdersCancel',
        'OrdersCancelAll',
        'OrdersCancelAfter',
        'OrdersReplace',
        'WsOrders',
        'WsCancelOrder',
      ],
      accounts: ['AccountsDeposit', 'AccountsWithdraw', 'AccountsBalances', 'AccountsResumeTransfers'],
      ops: ['OpsHostStatus', 'OpsHalt', 'OpsResume'],
      settlement: ['SfnReconcile'],
      dr: [
        'SfnDrAssess',
        'SfnDrFencePrimary',
        'SfnDrCatchUp',
        'SfnDrVerify',
        'SfnDrPromote',
        'SfnDrFollowNewPrimary',
        'SfnDrRollback',
        'SfnHostRelease',
      ],
    };
    // the host-client secrets' policies (the public keys' policy lets every function of the stage read them)
    const policies = Object.values(resources).filter(
      (r) => r.Type === 'AWS::SecretsManager::ResourcePolicy' && String(r.Properties.SecretId).includes('/host-client/'),
    );
    expect(policies).toHaveLength(Object.keys(byRole).length);
    for (const [role, functions] of Object.entries(byRole)) {
      const p = policies.find((x) => x.Properties.SecretId === `exchange/local/host-client/${role}`);
      expect(p).toBeDefined();
      const [allow, deny] = (p?.Properties.ResourcePolicy as { Statement: { Effect: string; Principal: unknown; Condition?: unknown }[] })
        .Statement;
      const roles = functions.map((f) => ({ 'Fn::GetAtt': [`${f}IamRoleLambdaExecution`, 'Arn'] }));
      expect(allow).toMatchObject({ Effect: 'Allow', Principal: { AWS: roles } });
      expect(deny).toMatchObject({ Effect: 'Deny', Principal: '*', Condition: { ArnNotEquals: { 'aws:PrincipalArn': roles } } });
      // every role named is a function's role in this template
      for (const r of roles) expect(resources[r['Fn::GetAtt'][0]]?.Type).toBe('AWS::IAM::Role');
    }
    expect(JSON.stringify(resources)).not.toMatch(/BEGIN (RSA |EC )?(PRIVATE KEY|CERTIFICATE)/);
  });

  it('puts no secret into the template or a function’s environment: the signing key and data keys are read at run time', () => {
    // the template as CloudFormation would get it, and every other file the package holds but the code bundle
    const texts = readdirSync(out)
      .filter((f) => f.endsWith('.json'))
      .map((f) => readFileSync(join(out, f), 'utf8'));
    expect(texts.length).toBeGreaterThan(0);
    const local = JSON.parse(readFileSync(LOCAL_SECRETS, 'utf8')) as { jwtSigningJwk: string; dataKeys: string };
    const privateKey = (JSON.parse(local.jwtSigningJwk) as { d: string }).d;
    const dataKeys = Object.values(JSON.parse(local.dataKeys) as Record<string, string>);
    expect(privateKey.length).toBeGreaterThan(20);
    for (const text of texts) {
      for (const secret of [privateKey, ...dataKeys]) expect(text.includes(secret)).toBe(false);
      // no private JWK member anywhere (a key pasted by hand would carry one), nor the secrets' own variables
      expect(text).not.toMatch(/\\?"d\\?"\s*:/);
      expect(text).not.toMatch(/JWT_SIGNING_JWK|"DATA_KEYS"|DATA_KEY_ID/);
    }
    // what the functions get instead: where to read them
    const env = (
      Object.values(resources).find((r) => r.Type === 'AWS::Lambda::Function' && JSON.stringify(r).includes('JWT_SIGNING_SECRET'))
        ?.Properties.Environment as { Variables: Record<string, string> }
    ).Variables;
    expect(env).toMatchObject({ JWT_SIGNING_SECRET: 'file:.data/local-secrets.json', DATA_KEYS_SECRET: 'file:.data/local-secrets.json' });
  });

  it('ships the matching-host contract with the functions that call the host', () => {
    const listing = spawnSync('unzip', ['-l', join(out, 'exchange.zip')], { encoding: 'utf8' });
    expect(listing.stdout).toContain('matching-host/proto/matching_host.proto');
  });

  it('throttles the WebSocket stage as a whole, the handshake tighter: refused frames cost an invocation each', () => {
    const stage = resources.WebsocketsDeploymentStage;
    expect(stage.Type).toBe('AWS::ApiGatewayV2::Stage');
    const defaults = stage.Properties.DefaultRouteSettings as { ThrottlingRateLimit: number; ThrottlingBurstLimit: number };
    expect(defaults.ThrottlingRateLimit).toBeGreaterThan(0);
    expect(defaults.ThrottlingRateLimit).toBeLessThanOrEqual(500);
    expect(defaults.ThrottlingBurstLimit).toBeLessThanOrEqual(1000);
    const connect = (stage.Properties.RouteSettings as Record<string, { ThrottlingRateLimit: number }>).$connect;
    expect(connect.ThrottlingRateLimit).toBeLessThan(defaults.ThrottlingRateLimit);
  });

  it('makes none of the release machinery offline: no live aliases (serverless’s own provisioned ones, as before), no CodeDeploy, no nested stacks', () => {
    const types = new Set(Object.values(resources).map((r) => r.Type));
    for (const type of ['AWS::CodeDeploy::Application', 'AWS::CodeDeploy::DeploymentGroup', 'AWS::CloudFormation::Stack'])
      expect({ type, made: types.has(type) }).toEqual({ type, made: false });
    // only serverless's own `provisioned` aliases of the order path, as before
    const aliases = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::Lambda::Alias');
    expect(aliases.map(([id, r]) => [id, r.Properties.Name])).toEqual(
      ['Authorizer', 'OrdersPlace', 'OrdersCancel', 'WsOrders', 'WsCancelOrder'].map((f) => [`${f}ProvConcLambdaAlias`, 'provisioned']),
    );
    expect(readdirSync(out).filter((f) => f.includes('nested'))).toEqual([]);
  });

  it('runs every function on nodejs22.x, arm64, with 1024 MB', () => {
    const functions = Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThan(0);
    for (const f of functions) expect(f.Properties).toMatchObject({ Runtime: 'nodejs22.x', MemorySize: 1024, Architectures: ['arm64'] });
  });

  it('ships argon2 with the native binary of the architecture deployed (arm64, glibc), and nothing built on this machine', async () => {
    const zip = await JSZip.loadAsync(readFileSync(join(out, 'exchange.zip')));
    const names = Object.keys(zip.files);
    const argon2 = 'node_modules/argon2/';
    // a build/ of node-gyp's is this machine's (x86-64), and node-gyp-build would load it before any prebuild
    expect(names.filter((n) => n.startsWith(`${argon2}build/`))).toEqual([]);
    const prebuild = `${argon2}prebuilds/linux-arm64/argon2.armv8.glibc.node`;
    expect(names).toContain(prebuild);
    // an aarch64 ELF asking for no glibc newer than Amazon Linux 2023's (2.34, the nodejs22.x runtime's)
    const binary = await zip.file(prebuild)!.async('nodebuffer');
    expect(binary.subarray(0, 4).toString('latin1')).toBe('\x7fELF');
    expect(binary.readUInt16LE(18)).toBe(183); // EM_AARCH64
    const glibc = [...binary.toString('latin1').matchAll(/GLIBC_(\d+)\.(\d+)/g)].map((m) => Number(m[1]) * 1000 + Number(m[2]));
    expect(Math.max(...glibc)).toBeLessThanOrEqual(2034);
    // and no Node-API newer than nodejs22.x's (10, since Node 22.14; Node 20 has 9, hence the runtime)
    expect(nodeApiVersionOf(binary)).toBeLessThanOrEqual(10);
    // the offline stack's pointer to this machine's own argon2 build never reaches a deployed function
    expect(JSON.stringify(resources)).not.toContain('ARGON2_PREBUILD');

    // what the function's require('argon2') would load on Lambda: the zip's argon2 (its files, as listed) and
    // the node-gyp-build it ships, resolving as on linux/arm64 with glibc
    const dir = mkdtempSync(join(tmpdir(), 'argon2-zip-'));
    try {
      for (const n of names.filter((x) => x.startsWith(argon2) && !zip.files[x].dir)) {
        mkdirSync(join(dir, dirname(n)), { recursive: true });
        writeFileSync(join(dir, n), await zip.files[n].async('nodebuffer'));
      }
      const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, npm_config_arch: 'arm64', npm_config_platform: 'linux' };
      const r = spawnSync(
        process.execPath,
        [
          '-e',
          `process.stdout.write(require(require.resolve('node-gyp-build', { paths: [process.argv[1]] })).resolve(process.argv[1]))`,
          join(dir, argon2),
        ],
        { env, encoding: 'utf8' },
      );
      expect(r.stderr).toBe('');
      expect(relative(dir, r.stdout)).toBe(prebuild);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the market data stream after the stage, as the host names the stream it publishes to', () => {
    const stream = Object.values(resources).find((r) => r.Type === 'AWS::Kinesis::Stream');
    expect(stream?.Properties.Name).toBe('exchange-local-market-data');
    expect(stream?.Properties.Name).toBe(marketDataStreamFor('local'));
  });

  it('batches the order-event history a second at most, and pushes market data as it comes', () => {
    const mapping = (fn: string): Record<string, unknown> | undefined =>
      Object.values(resources).find(
        (r) => r.Type === 'AWS::Lambda::EventSourceMapping' && JSON.stringify(r.Properties.FunctionName).includes(`"${fn}LambdaFunction"`),
      )?.Properties;
    // a rabbitmq event names it maximumBatchingWindow, a stream event batchWindow: both become this
    expect(mapping('StreamsOrderEvents')).toMatchObject({ BatchSize: 100, MaximumBatchingWindowInSeconds: 1 });
    expect(mapping('StreamsMarketDataFanout')).toMatchObject({ BatchSize: 500, MaximumBatchingWindowInSeconds: 0 });
  });
});
