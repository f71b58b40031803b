/**
 * resources/github-deploy-role.yml, the stack an administrator deploys once per account so GitHub
 * Actions can deploy: valid CloudFormation (cfn-lint, and the CloudFormation specification check the
 * stacks use), a trust that admits one GitHub environment of one repository and nothing else, and
 * a deploy role that can only hand CloudFormation its role, never act on the stacks' resources itself.
 */
import { validateJsonObject } from 'cfn-lint';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkTemplate, formatProblem } from '../../scripts/aws/cfn-spec-check';
import { readCfnYaml } from '../../scripts/aws/cfn-yaml';

const ROOT = join(__dirname, '..', '..');
const template = readCfnYaml(join(ROOT, 'resources', 'github-deploy-role.yml'));

interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: Record<string, unknown>;
  Action: string | string[];
  Resource?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}
interface Role {
  Type: string;
  Properties: {
    RoleName: string;
    AssumeRolePolicyDocument: { Statement: Statement[] };
    Policies: { PolicyDocument: { Statement: Statement[] } }[];
  };
}
const resources = template.Resources as Record<string, Role>;
const deployRole = resources.DeployRole.Properties;
const cfnRole = resources.CloudFormationRole.Properties;
const statements = (role: Role['Properties']): Statement[] => role.Policies.flatMap((p) => p.PolicyDocument.Statement);
const actions = (s: Statement): string[] => [s.Action].flat();
/** cfn-lint resolves a template in place; JSON's copy (not structuredClone, whose objects are of another realm under jest, which cfn-lint takes for no objects) */
const copy = <T>(t: T): T => JSON.parse(JSON.stringify(t)) as T;

/** A value with Fn::Sub resolved against the parameters given and the pseudo parameters of account 123456789012. */
function resolve(value: unknown, parameters: Record<string, string>): unknown {
  const known: Record<string, string> = { ...parameters, 'AWS::AccountId': '123456789012', 'AWS::Partition': 'aws' };
  if (Array.isArray(value)) return value.map((v) => resolve(v, parameters));
  if (value !== null && typeof value === 'object') {
    const sub = (value as Record<string, unknown>)['Fn::Sub'];
    if (typeof sub === 'string')
      return sub.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
        if (!(name in known)) throw new Error(`\${${name}} is no parameter`);
        return known[name];
      });
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, parameters)]));
  }
  return value;
}

describe('resources/github-deploy-role.yml', () => {
  it('validates against the CloudFormation resource specification', () => {
    expect(checkTemplate(template).map(formatProblem)).toEqual([]);
  });

  // cfn-lint's specification is from 2019: it knows no AWS::IAM::OIDCProvider (2020), which the check above validates
  const KNOWN_TO_CFN_LINT_ONLY_AS_UNKNOWN = ['Resource GitHubOidcProvider has an invalid Type of AWS::IAM::OIDCProvider.'];
  it.each([
    ['staging', ''],
    ['production', ''],
    ['production', 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com'],
  ])('passes cfn-lint for environment %s (existing provider: %s)', (environment, existing) => {
    const result = validateJsonObject(copy(template), {
      parameters: { GitHubRepository: 'open-exchange/exchange', GitHubEnvironment: environment, ExistingOidcProviderArn: existing },
    });
    expect(result.errors.crit.map((e) => e.message)).toEqual(KNOWN_TO_CFN_LINT_ONLY_AS_UNKNOWN);
    expect(result.errors.warn).toEqual([]);
  });

  it('is checked by a cfn-lint that finds what is wrong (a role without its trust)', () => {
    const broken = copy(template) as { Resources: Record<string, Role> };
    delete (broken.Resources.DeployRole.Properties as Partial<Role['Properties']>).AssumeRolePolicyDocument;
    const crit = validateJsonObject(broken, { parameters: { GitHubRepository: 'o/r', GitHubEnvironment: 'staging' } }).errors.crit;
    expect(crit.map((e) => e.message)).toContain('Required property AssumeRolePolicyDocument missing for type AWS::IAM::Role');
  });

  it('creates GitHub’s OIDC provider for sts.amazonaws.com, unless the account has one to reuse', () => {
    const provider = template.Resources as Record<string, { Type: string; Condition?: string; Properties: Record<string, unknown> }>;
    expect(provider.GitHubOidcProvider).toMatchObject({
      Type: 'AWS::IAM::OIDCProvider',
      Condition: 'CreatesOidcProvider',
      Properties: { Url: 'https://token.actions.githubusercontent.com', ClientIdList: ['sts.amazonaws.com'] },
    });
    expect((template.Conditions as Record<string, unknown>).CreatesOidcProvider).toEqual({
      'Fn::Equals': [{ Ref: 'ExistingOidcProviderArn' }, ''],
    });
    expect(deployRole.AssumeRolePolicyDocument.Statement[0].Principal).toEqual({
      Federated: { 'Fn::If': ['CreatesOidcProvider', { Ref: 'GitHubOidcProvider' }, { Ref: 'ExistingOidcProviderArn' }] },
    });
  });

  it('lets GitHub assume the deploy role only for a job in one environment of one repository: no branch, no pull request, no wildcard', () => {
    expect((template.Parameters as Record<string, { AllowedValues?: string[] }>).GitHubEnvironment.AllowedValues).toEqual([
      'staging',
      'production',
    ]);
    const trust = deployRole.AssumeRolePolicyDocument.Statement;
    expect(trust).toHaveLength(1);
    expect(trust[0]).toMatchObject({ Effect: 'Allow', Action: 'sts:AssumeRoleWithWebIdentity' });
    expect(Object.keys(trust[0].Condition ?? {}).sort()).toEqual(['StringEquals', 'StringLike']);
    expect(trust[0].Condition?.StringEquals).toEqual({ 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' });
    expect(Object.keys(trust[0].Condition?.StringLike ?? {})).toEqual(['token.actions.githubusercontent.com:sub']);
    for (const environment of ['staging', 'production']) {
      const subs = [
        resolve(trust[0].Condition?.StringLike['token.actions.githubusercontent.com:sub'], {
          GitHubRepository: 'open-exchange/exchange',
          GitHubEnvironment: environment,
        }),
      ].flat();
      expect(subs).toEqual([`repo:open-exchange/exchange:environment:${environment}`]);
      for (const sub of subs as string[]) expect(sub).toMatch(/^repo:[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+:environment:(staging|production)$/);
    }
  });

  it('lets CloudFormation alone assume CloudFormation’s role, from this account', () => {
    expect(cfnRole.RoleName).toBe('exchange-cloudformation-deploy');
    expect(cfnRole.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'cloudformation.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      },
    ]);
  });

  it('gives the deploy role no action on the stacks’ services: it hands CloudFormation its role, to CloudFormation only', () => {
    expect(deployRole.RoleName).toBe('exchange-github-deploy');
    const allowed = statements(deployRole)
      .filter((s) => s.Effect === 'Allow')
      .flatMap(actions);
    for (const action of allowed)
      expect(action).not.toMatch(/\*|^(iam:(?!PassRole)|ec2:|rds:|lambda:(?!GetFunction$)|dynamodb:|kms:|secretsmanager:)/);
    const pass = statements(deployRole).filter((s) => actions(s).includes('iam:PassRole'));
    expect(pass).toEqual([
      expect.objectContaining({
        Resource: { 'Fn::GetAtt': ['CloudFormationRole', 'Arn'] },
        Condition: { StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } },
      }),
    ]);
  });

  it('lets the deploy role change the stages’ stacks and their networks only, not this stack', () => {
    const stacks = statements(deployRole).find((s) => s.Sid === 'Stacks');
    const arns = resolve(stacks?.Resource, {}) as string[];
    expect(arns.map((a) => a.replace(/^arn:aws:cloudformation:\*:123456789012:stack\//, ''))).toEqual(
      ['staging', 'prod', 'dr'].flatMap((stage) => [`exchange-${stage}/*`, `exchange-${stage}-network/*`]),
    );
  });

  it('lets the deploy role start and watch the host release by its state machine’s name, exchange-<stage>-host-release', () => {
    const byAction = (action: string): unknown => resolve(statements(deployRole).find((s) => actions(s).includes(action))?.Resource, {});
    expect(byAction('states:StartExecution')).toBe('arn:aws:states:*:123456789012:stateMachine:exchange-*-host-release');
    expect(byAction('states:DescribeExecution')).toBe('arn:aws:states:*:123456789012:execution:exchange-*-host-release:*');
    expect(byAction('s3:AbortMultipartUpload')).toBe('arn:aws:s3:::exchange-*-hostartifactsbucket-*/host/*');
  });

  it('keeps CloudFormation’s role off the pipeline’s own roles, though their names match exchange-*', () => {
    const deny = statements(cfnRole).filter((s) => s.Effect === 'Deny');
    expect(deny).toHaveLength(1);
    expect(actions(deny[0])).toEqual(['iam:*']);
    expect(resolve(deny[0].Resource, {})).toEqual([
      'arn:aws:iam::123456789012:role/exchange-github-deploy',
      'arn:aws:iam::123456789012:role/exchange-cloudformation-deploy',
    ]);
    const iam = statements(cfnRole).filter((s) => s.Effect === 'Allow' && actions(s).some((a) => a.startsWith('iam:')));
    for (const s of iam)
      for (const arn of [resolve(s.Resource, {})].flat() as string[])
        expect(arn).toMatch(/^arn:aws:iam::123456789012:(role|instance-profile|policy)\/(exchange-\*|aws-service-role\/\*)$/);
  });

  it('names CloudFormation’s role as the deploy hands it over (scripts/ci/package-release.sh, .github/actions/deploy-stage)', () => {
    for (const file of ['scripts/ci/package-release.sh', '.github/actions/deploy-stage/action.yml'])
      expect(readFileSync(join(ROOT, file), 'utf8')).toContain(`:role/${cfnRole.RoleName}`);
    const outputs = template.Outputs as Record<string, { Value: unknown }>;
    expect(outputs.DeployRoleArn.Value).toEqual({ 'Fn::GetAtt': ['DeployRole', 'Arn'] });
  });
});
