/**
 * A serverless plugin: every function behind an alias (`live`) that CodeDeploy shifts to each
 * release's version, canary first, and shifts back when an alarm fires (resources/README.md, Releases).
 *
 * serverless@3 already knows how to point every event at an alias: a function's `targetAlias` (what
 * its `provisionedConcurrency` sets to the `provisioned` alias) qualifies the REST and WebSocket
 * integrations, the authorizers, their lambda:InvokeFunction permissions, schedules and event source
 * mappings. This plugin makes that alias the `live` one for every function, so serverless wires the
 * events, and does the rest:
 *
 * - before the functions are compiled it takes their `provisionedConcurrency` (else serverless would
 *   make a second alias) and gives it to the live alias;
 * - after, it adds the live alias of each function (on the version serverless publishes) with
 *   CodeDeploy's update policy and the pre- and post-traffic hooks;
 * - once resources/ are merged: the CodeDeploy application and its role, a deployment group per
 *   function (CodeDeploy runs one deployment per group at a time, and CloudFormation updates the
 *   aliases in parallel), an errors alarm per function on the version being shifted to, and what
 *   resources/ wrote as `Fn::GetAtt <function>.Arn` (the state machines' tasks and their roles, the
 *   broker's event source mapping) qualified with the alias.
 *
 * The hooks themselves are invoked unqualified by CodeDeploy and get no alias (they would need hooks
 * of their own). Offline (stage local) the plugin is off: nothing of this is made.
 */
import type { CfnResource } from './tag-resources';

export interface BlueGreenSettings {
  /** false: the plugin does nothing (stage local) */
  enabled: boolean;
  /** the alias every caller invokes */
  alias: string;
  /** the CodeDeploy application's name (the hooks' IAM statements name it) */
  application: string;
  /** e.g. CodeDeployDefault.LambdaCanary10Percent5Minutes */
  deploymentConfig: string;
  /** the functions (serverless keys) CodeDeploy calls before and after shifting traffic */
  preTrafficHook: string;
  postTrafficHook: string;
  /** logical ids of the alarms every deployment group stops and rolls back on */
  alarms: string[];
  /** the topic every alarm notifies (resources/operations.yml) */
  alarmTopic: string;
  /** functions whose thrown errors are answers (an authorizer's 'Unauthorized' is API Gateway's 401): no errors alarm */
  errorsAnswer?: string[];
}

/** what the plugin reads of a serverless function */
export interface FunctionObject {
  name?: string;
  provisionedConcurrency?: number;
  /** set by serverless when it publishes a version of the function */
  versionLogicalId?: string;
  /** the alias serverless points the function's events at */
  targetAlias?: { name: string; logicalId: string };
  [key: string]: unknown;
}

export interface Naming {
  getLambdaLogicalId(functionKey: string): string;
  getNormalizedFunctionName(functionKey: string): string;
}

type Resources = Record<string, CfnResource>;

const ALIAS_NAME = /^(?!^[0-9]+$)[a-zA-Z0-9-_]{1,128}$/;

export const APPLICATION = 'CodeDeployApplication';
export const SERVICE_ROLE = 'CodeDeployServiceRole';
export const aliasLogicalId = (naming: Naming, key: string): string => `${naming.getNormalizedFunctionName(key)}LiveAlias`;
export const deploymentGroupLogicalId = (naming: Naming, key: string): string => `${naming.getNormalizedFunctionName(key)}DeploymentGroup`;
export const errorsAlarmLogicalId = (naming: Naming, key: string): string => `${naming.getNormalizedFunctionName(key)}ReleaseErrorsAlarm`;

/** the functions released through CodeDeploy: all but the hooks */
export function releasedFunctions(keys: string[], settings: BlueGreenSettings): string[] {
  return keys.filter((k) => k !== settings.preTrafficHook && k !== settings.postTrafficHook);
}

/** Refuses settings that cannot work, before anything is compiled. */
export function checkSettings(settings: BlueGreenSettings, functions: Record<string, FunctionObject>): void {
  if (!ALIAS_NAME.test(settings.alias)) throw new Error(`alias ${JSON.stringify(settings.alias)} is not a Lambda alias name`);
  for (const hook of [settings.preTrafficHook, settings.postTrafficHook])
    if (!functions[hook]) throw new Error(`the hook ${hook} is no function of this service`);
  for (const key of settings.errorsAnswer ?? [])
    if (!functions[key]) throw new Error(`errorsAnswer: ${key} is no function of this service`);
}

/**
 * Takes `provisionedConcurrency` off the released functions (serverless would otherwise make its own
 * `provisioned` alias for it) and returns it by function key, for their live aliases.
 */
export function takeProvisionedConcurrency(functions: Record<string, FunctionObject>, released: string[]): Map<string, number> {
  const taken = new Map<string, number>();
  for (const key of released) {
    const n = functions[key].provisionedConcurrency;
    if (n === undefined) continue;
    taken.set(key, n);
    delete functions[key].provisionedConcurrency;
  }
  return taken;
}

/**
 * The live alias of each released function, on the version serverless published, updated through
 * CodeDeploy; and the function's events pointed at it (serverless reads `targetAlias` when it
 * compiles them). Runs after the functions are compiled, before their events are.
 */
export function addLiveAliases(
  resources: Resources,
  functions: Record<string, FunctionObject>,
  released: string[],
  provisioned: Map<string, number>,
  settings: BlueGreenSettings,
  naming: Naming,
): void {
  for (const key of released) {
    const fn = functions[key];
    if (!fn.versionLogicalId) throw new Error(`${key} has no version: blue-green needs provider.versionFunctions true`);
    const id = aliasLogicalId(naming, key);
    const concurrency = provisioned.get(key);
    resources[id] = {
      Type: 'AWS::Lambda::Alias',
      Properties: {
        FunctionName: { Ref: naming.getLambdaLogicalId(key) },
        FunctionVersion: { 'Fn::GetAtt': [fn.versionLogicalId, 'Version'] },
        Name: settings.alias,
        ...(concurrency === undefined ? {} : { ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: concurrency } }),
      },
      // its Refs order the updates: the group (which names the alarms, which name the version) is up to date before the alias moves
      UpdatePolicy: {
        CodeDeployLambdaAliasUpdate: {
          ApplicationName: { Ref: APPLICATION },
          DeploymentGroupName: { Ref: deploymentGroupLogicalId(naming, key) },
          BeforeAllowTrafficHook: { Ref: naming.getLambdaLogicalId(settings.preTrafficHook) },
          AfterAllowTrafficHook: { Ref: naming.getLambdaLogicalId(settings.postTrafficHook) },
        },
      },
    };
    fn.targetAlias = { name: settings.alias, logicalId: id };
  }
}

/**
 * The errors alarm of one function's release: more than 5 % of the invocations through its alias
 * that ran the version being shifted to (ExecutedVersion) failed in a minute. One-minute periods, one
 * of one: it can fire within the canary's 5 minutes; the API-wide alarms over 5 minutes may not.
 * Per function, because a bad function that is a small part of the traffic (or none of the API's:
 * settlement, the streams, the DR tasks) never moves an API-wide rate.
 */
function errorsAlarm(naming: Naming, key: string, versionLogicalId: string, settings: BlueGreenSettings): CfnResource {
  const fn = { Ref: naming.getLambdaLogicalId(key) };
  const dimensions = [
    { Name: 'FunctionName', Value: fn },
    { Name: 'Resource', Value: { 'Fn::Join': [':', [fn, settings.alias]] } },
    { Name: 'ExecutedVersion', Value: { 'Fn::GetAtt': [versionLogicalId, 'Version'] } },
  ];
  const metric = (id: string, name: string): Record<string, unknown> => ({
    Id: id,
    ReturnData: false,
    MetricStat: { Metric: { Namespace: 'AWS/Lambda', MetricName: name, Dimensions: dimensions }, Period: 60, Stat: 'Sum' },
  });
  return {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmName: { 'Fn::Join': ['', [fn, '-release-errors']] },
      AlarmDescription: `More than 5 % of ${key}'s invocations through its ${settings.alias} alias failed on the version being released (CodeDeploy rolls it back)`,
      AlarmActions: [{ Ref: settings.alarmTopic }],
      OKActions: [{ Ref: settings.alarmTopic }],
      Metrics: [
        metric('errors', 'Errors'),
        metric('invocations', 'Invocations'),
        { Id: 'rate', Label: 'errors %', Expression: '100 * errors / invocations', ReturnData: true },
      ],
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      Threshold: 5,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    },
  };
}

/**
 * CodeDeploy's own: the application, its role (what AWSCodeDeployRoleForLambda allows, narrowed to
 * this stage's functions; that managed policy may invoke only hooks named CodeDeployHook_*), and per
 * released function a deployment group and its errors alarm. Every alarm a group names must be in
 * the template.
 */
export function addDeployments(
  resources: Resources,
  functions: Record<string, FunctionObject>,
  released: string[],
  settings: BlueGreenSettings,
  naming: Naming,
  functionNamePrefix: string,
): void {
  for (const id of [settings.alarmTopic, ...settings.alarms])
    if (!resources[id]) throw new Error(`no resource ${id} in the template (custom.blueGreen names it)`);
  for (const id of settings.alarms)
    if (resources[id].Type !== 'AWS::CloudWatch::Alarm') throw new Error(`${id} is a ${resources[id].Type}, not an alarm`);
  const functionArn = (qualifier: string): unknown => ({
    'Fn::Sub': `arn:\${AWS::Partition}:lambda:\${AWS::Region}:\${AWS::AccountId}:function:${functionNamePrefix}*${qualifier}`,
  });
  resources[APPLICATION] = {
    Type: 'AWS::CodeDeploy::Application',
    Properties: { ApplicationName: settings.application, ComputePlatform: 'Lambda' },
  };
  resources[SERVICE_ROLE] = {
    Type: 'AWS::IAM::Role',
    Properties: {
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: ['codedeploy.amazonaws.com'] }, Action: ['sts:AssumeRole'] }],
      },
      Policies: [
        {
          PolicyName: 'lambda-releases',
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              // the groups' alarms (DescribeAlarms takes no resource narrower than *)
              { Effect: 'Allow', Action: ['cloudwatch:DescribeAlarms'], Resource: '*' },
              // shifting an alias, and its provisioned concurrency with it
              {
                Effect: 'Allow',
                Action: ['lambda:GetAlias', 'lambda:UpdateAlias', 'lambda:GetProvisionedConcurrencyConfig'],
                Resource: [functionArn(''), functionArn(':*')],
              },
              {
                Effect: 'Allow',
                Action: ['lambda:InvokeFunction'],
                Resource: [settings.preTrafficHook, settings.postTrafficHook].map((k) => ({
                  'Fn::GetAtt': [naming.getLambdaLogicalId(k), 'Arn'],
                })),
              },
            ],
          },
        },
      ],
    },
  };
  const answers = new Set(settings.errorsAnswer ?? []);
  for (const key of released) {
    const version = functions[key].versionLogicalId;
    if (!version) throw new Error(`${key} has no version: blue-green needs provider.versionFunctions true`);
    const alarms = [...settings.alarms];
    if (!answers.has(key)) {
      resources[errorsAlarmLogicalId(naming, key)] = errorsAlarm(naming, key, version, settings);
      alarms.push(errorsAlarmLogicalId(naming, key));
    }
    if (alarms.length > 10) throw new Error(`${key}: a deployment group watches at most 10 alarms, not ${alarms.length}`);
    resources[deploymentGroupLogicalId(naming, key)] = {
      Type: 'AWS::CodeDeploy::DeploymentGroup',
      Properties: {
        ApplicationName: { Ref: APPLICATION },
        ServiceRoleArn: { 'Fn::GetAtt': [SERVICE_ROLE, 'Arn'] },
        DeploymentConfigName: settings.deploymentConfig,
        DeploymentStyle: { DeploymentType: 'BLUE_GREEN', DeploymentOption: 'WITH_TRAFFIC_CONTROL' },
        AutoRollbackConfiguration: { Enabled: true, Events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM'] },
        AlarmConfiguration: { Enabled: true, Alarms: alarms.map((id) => ({ Name: { Ref: id } })) },
      },
    };
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `Fn::GetAtt [id, Arn]` in either form: the logical id, else undefined */
function arnOf(v: unknown): string | undefined {
  if (!isObject(v) || Object.keys(v).length !== 1) return undefined;
  const g = v['Fn::GetAtt'];
  if (Array.isArray(g) && g.length === 2 && g[1] === 'Arn' && typeof g[0] === 'string') return g[0];
  if (typeof g === 'string' && g.endsWith('.Arn')) return g.slice(0, -'.Arn'.length);
  return undefined;
}

/** `Fn::Join [':', [<function>.Arn, alias]]`: serverless's own alias ARN */
function isQualified(v: unknown, alias: string): boolean {
  if (!isObject(v) || Object.keys(v).length !== 1) return false;
  const j = v['Fn::Join'];
  return Array.isArray(j) && j[0] === ':' && Array.isArray(j[1]) && j[1].length === 2 && arnOf(j[1][0]) !== undefined && j[1][1] === alias;
}

/** In a `Fn::Join ['', parts]`, the part at `i` is a function's ARN that the next parts qualify (`':', alias`: serverless's REST integration URI) */
const qualifiedInJoin = (parts: unknown[], i: number, alias: string): boolean =>
  arnOf(parts[i]) !== undefined && parts[i + 1] === ':' && parts[i + 2] === alias;

/** the resources that check at creation that the alias exists (and so must come after it) */
const CHECKS_ALIAS = new Set(['AWS::Lambda::EventSourceMapping', 'AWS::Lambda::Permission']);

/**
 * Every `Fn::GetAtt <function>.Arn` of a released function left in the template (resources/ wrote
 * them: the state machines' task resources and their roles' lambda:InvokeFunction, the broker's
 * event source mapping) becomes the alias's ARN, as serverless writes it. An event source mapping or
 * a permission then depends on the alias. A state machine does not: Step Functions resolves its
 * tasks when it runs them, and a dependency would tie the state machines (and the roles that start
 * them) to every alias. `skip` are the resources that make the function, its version and its alias.
 * Returns the logical ids of the resources changed.
 */
export function qualifyInvocations(resources: Resources, aliases: Map<string, string>, alias: string, skip: Set<string>): string[] {
  const changed: string[] = [];
  for (const [id, resource] of Object.entries(resources)) {
    if (skip.has(id)) continue;
    const used = new Set<string>();
    const walk = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(walk);
      if (!isObject(v)) return v;
      if (isQualified(v, alias)) return v;
      const join = v['Fn::Join'];
      if (Array.isArray(join) && join[0] === '' && Array.isArray(join[1])) {
        const parts = join[1] as unknown[];
        return { 'Fn::Join': ['', parts.map((p, i) => (qualifiedInJoin(parts, i, alias) ? p : walk(p)))] };
      }
      const fn = arnOf(v);
      if (fn !== undefined && aliases.has(fn)) {
        used.add(fn);
        return { 'Fn::Join': [':', [{ 'Fn::GetAtt': [fn, 'Arn'] }, alias]] };
      }
      const sub = v['Fn::Sub'];
      if (typeof sub === 'string' || (Array.isArray(sub) && typeof sub[0] === 'string')) {
        const text = typeof sub === 'string' ? sub : (sub[0] as string);
        const qualified = text.replace(/\$\{([A-Za-z0-9]+)\.Arn\}(?!:)/g, (m, name: string) => {
          if (!aliases.has(name)) return m;
          used.add(name);
          return `\${${name}.Arn}:${alias}`;
        });
        if (qualified !== text) return { 'Fn::Sub': typeof sub === 'string' ? qualified : [qualified, walk(sub[1])] };
      }
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    };
    const { Type, DependsOn, ...rest } = resource;
    const walked = walk(rest) as Record<string, unknown>;
    if (used.size === 0) continue;
    Object.assign(resource, walked);
    if (CHECKS_ALIAS.has(Type)) {
      const before = DependsOn === undefined ? [] : Array.isArray(DependsOn) ? (DependsOn as string[]) : [DependsOn as string];
      resource.DependsOn = [...new Set([...before, ...[...used].map((fn) => aliases.get(fn) as string)])];
    }
    changed.push(id);
  }
  return changed;
}

interface Serverless {
  service: {
    service: string;
    custom?: { blueGreen?: Partial<BlueGreenSettings> };
    provider: { stage?: string; compiledCloudFormationTemplate: { Resources: Resources } };
    functions: Record<string, FunctionObject>;
    getAllFunctions(): string[];
  };
  getProvider(name: 'aws'): { naming: Naming; getStage(): string };
  classes: { Error: new (message: string) => Error };
}
interface PluginUtils {
  log: { info(message: string): void };
}

export class BlueGreenPlugin {
  readonly hooks: Record<string, () => void>;

  constructor(serverless: Serverless, _options: unknown, { log }: PluginUtils) {
    const naming = (): Naming => serverless.getProvider('aws').naming;
    const functions = (): Record<string, FunctionObject> => serverless.service.functions;
    const resources = (): Resources => serverless.service.provider.compiledCloudFormationTemplate.Resources;
    let provisioned = new Map<string, number>();
    // the settings as resolved (variables are not yet when plugins are constructed)
    const guard =
      (step: (s: BlueGreenSettings, released: string[]) => void): (() => void) =>
      () => {
        const s = serverless.service.custom?.blueGreen as BlueGreenSettings | undefined;
        if (s?.enabled !== true) return;
        try {
          step(s, releasedFunctions(serverless.service.getAllFunctions(), s));
        } catch (e) {
          throw new serverless.classes.Error(`blue-green: ${(e as Error).message}`);
        }
      };
    this.hooks = {
      'before:package:compileFunctions': guard((s, released) => {
        checkSettings(s, functions());
        provisioned = takeProvisionedConcurrency(functions(), released);
      }),
      'after:package:compileFunctions': guard((s, released) =>
        addLiveAliases(resources(), functions(), released, provisioned, s, naming()),
      ),
      'after:aws:package:finalize:mergeCustomProviderResources': guard((s, released) => {
        const prefix = `${serverless.service.service}-${serverless.getProvider('aws').getStage()}-`;
        addDeployments(resources(), functions(), released, s, naming(), prefix);
        const aliases = new Map(released.map((k) => [naming().getLambdaLogicalId(k), aliasLogicalId(naming(), k)]));
        const skip = new Set(
          released.flatMap((k) => [naming().getLambdaLogicalId(k), aliasLogicalId(naming(), k), functions()[k].versionLogicalId ?? '']),
        );
        const changed = qualifyInvocations(resources(), aliases, s.alias, skip);
        log.info(`blue-green: ${released.length} functions behind their ${s.alias} alias; qualified in ${changed.join(', ') || 'nothing'}`);
      }),
    };
  }
}
