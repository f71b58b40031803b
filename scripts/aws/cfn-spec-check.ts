/**
 * An offline check of a compiled CloudFormation template (what `serverless package` writes) against the
 * CloudFormation resource specification of @aws-cdk/cfnspec, so a test can catch what a deploy would refuse
 * without an AWS account: unknown resource types and properties, missing required properties, values of the
 * wrong shape, and references (Ref, Fn::GetAtt, Fn::Sub, DependsOn, conditions, mappings) to nothing.
 *
 * `npm run cfn:check -- <template.json>...` prints the problems of each template and exits 1 on any.
 *
 * What it does not know: values CloudFormation checks only when it calls the service (names, patterns,
 * enumerations, ranges), and types or attributes newer than the pinned specification.
 */
import { readFileSync } from 'node:fs';

/** One thing wrong with a template: where (resource logical id, or a section) and what. */
export interface Problem {
  /** the logical id of the resource (or output, parameter, condition); '' for the template itself */
  resource: string;
  /** where inside it, e.g. `Properties.VpcConfig.SubnetIds[0]` */
  path: string;
  message: string;
}

/** A property (or a non-record property type) as the specification describes it. */
interface PropertySpec {
  Required?: boolean;
  PrimitiveType?: string;
  Type?: string;
  ItemType?: string;
  PrimitiveItemType?: string;
  /** the union properties (only SAM's types have them) */
  PrimitiveTypes?: string[];
  Types?: string[];
  PrimitiveItemTypes?: string[];
  ItemTypes?: string[];
  InclusiveItemTypes?: string[];
  InclusivePrimitiveItemTypes?: string[];
}

interface PropertyTypeSpec extends PropertySpec {
  Properties?: Record<string, PropertySpec>;
}

interface ResourceTypeSpec {
  Properties?: Record<string, PropertySpec>;
  Attributes?: Record<string, unknown>;
  AdditionalProperties?: boolean;
}

export interface CfnSpecification {
  ResourceSpecificationVersion?: string;
  ResourceTypes: Record<string, ResourceTypeSpec>;
  PropertyTypes: Record<string, PropertyTypeSpec>;
}

let loaded: CfnSpecification | undefined;

/**
 * Properties CloudFormation added after @aws-cdk/cfnspec's last specification (117.0.0, 2023) that
 * the stacks use, as the template reference gives them.
 */
const LATER_PROPERTIES: Record<string, Record<string, PropertySpec>> = {
  // cross-region PrivateLink (2024): docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-vpcendpointservice.html
  'AWS::EC2::VPCEndpointService': { SupportedRegions: { Type: 'List', PrimitiveItemType: 'String', Required: false } },
  'AWS::EC2::VPCEndpoint': { ServiceRegion: { PrimitiveType: 'String', Required: false } },
  // network load balancers with security groups (2023)
  'AWS::ElasticLoadBalancingV2::LoadBalancer': {
    EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic: { PrimitiveType: 'String', Required: false },
  },
  // tags: docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-cloudwatch-alarm-tag.html
  'AWS::CloudWatch::Alarm': { Tags: { Type: 'List', ItemType: 'Tag', Required: false } },
  // docs.aws.amazon.com/lambda/latest/dg/tags-esm.html
  'AWS::Lambda::EventSourceMapping': { Tags: { Type: 'List', ItemType: 'Tag', Required: false } },
};

/**
 * The specification as @aws-cdk/cfnspec ships it (with the CDK's patches), and LATER_PROPERTIES.
 * Read from its JSON file rather than through `specification()`, which drops the attributes of
 * complex type (e.g. AWS::RDS::DBCluster's `Endpoint`) that Fn::GetAtt may still name; and which
 * edits the module-cached object in place. Read once: it is large.
 */
export function cfnSpecification(): CfnSpecification {
  if (!loaded) {
    loaded = JSON.parse(readFileSync(require.resolve('@aws-cdk/cfnspec/spec/specification.json'), 'utf8')) as CfnSpecification;
    for (const [type, added] of Object.entries(LATER_PROPERTIES)) {
      const properties = loaded.ResourceTypes[type]?.Properties;
      if (properties) for (const [name, spec] of Object.entries(added)) properties[name] ??= spec;
    }
  }
  return loaded;
}

const SECTIONS = new Set([
  'AWSTemplateFormatVersion',
  'Description',
  'Metadata',
  'Parameters',
  'Rules',
  'Mappings',
  'Conditions',
  'Transform',
  'Resources',
  'Outputs',
]);
const RESOURCE_KEYS = new Set([
  'Type',
  'Properties',
  'DependsOn',
  'Condition',
  'Metadata',
  'DeletionPolicy',
  'UpdateReplacePolicy',
  'CreationPolicy',
  'UpdatePolicy',
]);
const OUTPUT_KEYS = new Set(['Value', 'Description', 'Export', 'Condition']);
const DELETION_POLICIES = new Set(['Delete', 'Retain', 'RetainExceptOnCreate', 'Snapshot']);
export const PSEUDO_PARAMETERS = new Set([
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
]);
/** the functions that compute a value (anywhere a value is expected) */
const VALUE_FUNCTIONS = new Set([
  'Ref',
  'Fn::Base64',
  'Fn::Cidr',
  'Fn::FindInMap',
  'Fn::GetAtt',
  'Fn::GetAZs',
  'Fn::If',
  'Fn::ImportValue',
  'Fn::Join',
  'Fn::Select',
  'Fn::Split',
  'Fn::Sub',
  'Fn::Transform',
  // AWS::LanguageExtensions
  'Fn::Length',
  'Fn::ToJsonString',
]);
/** the functions of Conditions (and of Fn::If's condition, and of Rules) */
const CONDITION_FUNCTIONS = new Set(['Fn::Equals', 'Fn::Not', 'Fn::And', 'Fn::Or', 'Condition']);
/** what an intrinsic is sure to give: a string, or a list */
const GIVES_STRING = new Set(['Fn::Base64', 'Fn::Join', 'Fn::Sub', 'Fn::ToJsonString']);
const GIVES_LIST = new Set(['Fn::Split', 'Fn::GetAZs', 'Fn::Cidr']);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `{ "Ref": … }` or `{ "Fn::…": … }` (one key): the name of the function, else undefined */
function intrinsicName(v: unknown): string | undefined {
  if (!isObject(v)) return undefined;
  const keys = Object.keys(v);
  if (keys.length !== 1) return undefined;
  const k = keys[0];
  return k === 'Ref' || k.startsWith('Fn::') ? k : undefined;
}

function isNoValue(v: unknown): boolean {
  return isObject(v) && Object.keys(v).length === 1 && v.Ref === 'AWS::NoValue';
}

function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  const s = JSON.stringify(v);
  return `${typeof v} ${s.length > 40 ? `${s.slice(0, 40)}…` : s}`;
}

/** A template being checked: its names, and the problems found so far. */
class Checker {
  readonly problems: Problem[] = [];
  readonly resources: Record<string, unknown>;
  readonly parameters: Record<string, unknown>;
  readonly conditions: Record<string, unknown>;
  readonly mappings: Record<string, unknown>;

  constructor(
    readonly spec: CfnSpecification,
    readonly template: Record<string, unknown>,
  ) {
    this.resources = isObject(template.Resources) ? template.Resources : {};
    this.parameters = isObject(template.Parameters) ? template.Parameters : {};
    this.conditions = isObject(template.Conditions) ? template.Conditions : {};
    this.mappings = isObject(template.Mappings) ? template.Mappings : {};
  }

  report(resource: string, path: string, message: string): void {
    this.problems.push({ resource, path, message });
  }

  run(): Problem[] {
    const t = this.template;
    for (const k of Object.keys(t)) if (!SECTIONS.has(k)) this.report('', k, `unknown top-level section ${k}`);
    if (t.AWSTemplateFormatVersion !== undefined && t.AWSTemplateFormatVersion !== '2010-09-09')
      this.report('', 'AWSTemplateFormatVersion', `must be "2010-09-09", not ${describe(t.AWSTemplateFormatVersion)}`);
    for (const section of ['Parameters', 'Mappings', 'Conditions', 'Outputs', 'Metadata'])
      if (t[section] !== undefined && !isObject(t[section])) this.report('', section, `must be an object, not ${describe(t[section])}`);
    if (!isObject(t.Resources) || Object.keys(t.Resources).length === 0) this.report('', 'Resources', 'the template has no resources');

    for (const [name, p] of Object.entries(this.parameters)) {
      if (!isObject(p) || typeof p.Type !== 'string') this.report(name, 'Type', 'a parameter needs a Type');
      if (name in this.resources) this.report(name, '', 'a parameter and a resource have the same logical id');
    }
    for (const [name, c] of Object.entries(this.conditions)) this.checkCondition(name, '', c);
    for (const [name, r] of Object.entries(this.resources)) this.checkResource(name, r);
    if (isObject(t.Outputs)) for (const [name, o] of Object.entries(t.Outputs)) this.checkOutput(name, o);
    return this.problems;
  }

  // --- resources -------------------------------------------------------------------------------------

  checkResource(id: string, r: unknown): void {
    if (!isObject(r)) return this.report(id, '', `a resource must be an object, not ${describe(r)}`);
    for (const k of Object.keys(r)) if (!RESOURCE_KEYS.has(k)) this.report(id, k, `unknown resource attribute ${k}`);
    this.checkDependsOn(id, r.DependsOn);
    if (r.Condition !== undefined) this.checkConditionName(id, 'Condition', r.Condition);
    for (const policy of ['DeletionPolicy', 'UpdateReplacePolicy'])
      if (r[policy] !== undefined && !(typeof r[policy] === 'string' && DELETION_POLICIES.has(r[policy])))
        this.report(id, policy, `${describe(r[policy])} is not one of ${[...DELETION_POLICIES].join(', ')}`);
    for (const k of ['Metadata', 'CreationPolicy', 'UpdatePolicy']) if (r[k] !== undefined) this.walk(id, k, r[k]);

    const type = r.Type;
    if (typeof type !== 'string') return this.report(id, 'Type', 'a resource needs a Type');
    const props = r.Properties;
    if (props !== undefined && !isObject(props) && intrinsicName(props) === undefined)
      return this.report(id, 'Properties', `must be an object, not ${describe(props)}`);

    if (type.startsWith('AWS::Serverless::'))
      return this.report(id, 'Type', `${type} is a SAM type: a compiled template should not need the Serverless transform`);
    const custom = type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource';
    const spec = custom ? this.spec.ResourceTypes['AWS::CloudFormation::CustomResource'] : this.spec.ResourceTypes[type];
    if (spec === undefined) {
      this.report(id, 'Type', `unknown resource type ${type}`);
      if (isObject(props)) this.walk(id, 'Properties', props);
      return;
    }
    if (custom) {
      // any properties; the service token only is required
      if (!isObject(props) || props.ServiceToken === undefined || isNoValue(props.ServiceToken))
        this.report(id, 'Properties.ServiceToken', 'missing required property ServiceToken');
      if (isObject(props)) this.walk(id, 'Properties', props);
      return;
    }
    this.checkRecord(id, 'Properties', props ?? {}, spec.Properties ?? {}, type);
  }

  checkDependsOn(id: string, dependsOn: unknown): void {
    if (dependsOn === undefined) return;
    const names = Array.isArray(dependsOn) ? dependsOn : [dependsOn];
    names.forEach((n, i) => {
      const path = Array.isArray(dependsOn) ? `DependsOn[${i}]` : 'DependsOn';
      if (typeof n !== 'string') this.report(id, path, `must name a resource, not ${describe(n)}`);
      else if (n === id) this.report(id, path, 'a resource cannot depend on itself');
      else if (!(n in this.resources)) this.report(id, path, `depends on ${n}, which is no resource of the template`);
    });
  }

  /** An object of named properties against their specifications: known names, required ones present, each value. */
  checkRecord(id: string, path: string, value: unknown, props: Record<string, PropertySpec>, type: string): void {
    if (this.intrinsic(id, path, value, (v, p) => this.checkRecord(id, p, v, props, type), 'object')) return;
    if (!isObject(value)) return this.report(id, path, `must be an object, not ${describe(value)}`);
    for (const [name, v] of Object.entries(value)) {
      const p = props[name];
      if (v === undefined) continue; // not in JSON: only a template built in code has it
      if (name === 'Fn::Transform') {
        this.walk(id, join(path, name), v); // a macro that adds properties: what it adds is not known here
        continue;
      }
      if (p === undefined) {
        this.report(id, join(path, name), `unknown property ${name} of ${type}`);
        this.walk(id, join(path, name), v);
      } else if (!isNoValue(v)) this.checkValue(id, join(path, name), v, p, type);
    }
    if ('Fn::Transform' in value) return;
    for (const [name, p] of Object.entries(props))
      if (p.Required && (value[name] === undefined || isNoValue(value[name])))
        this.report(id, join(path, name), `missing required property ${name} of ${type}`);
  }

  /** A value against a property's specification. `type` is the resource type, whose property types it may name. */
  checkValue(id: string, path: string, value: unknown, p: PropertySpec, type: string): void {
    if (p.Types !== undefined || p.PrimitiveTypes !== undefined) return this.checkUnion(id, path, value, p, type);
    if (p.PrimitiveType !== undefined) return this.checkPrimitive(id, path, value, p.PrimitiveType);
    if (p.Type === 'List' || p.Type === 'Map') {
      const list = p.Type === 'List';
      if (this.intrinsic(id, path, value, (v, q) => this.checkValue(id, q, v, p, type), list ? 'list' : 'object')) return;
      if (list ? !Array.isArray(value) : !isObject(value))
        return this.report(id, path, `must be a ${list ? 'list' : 'map'}, not ${describe(value)}`);
      const entries: [string | number, unknown][] = Array.isArray(value)
        ? (value as unknown[]).map((v, i) => [i, v])
        : Object.entries(value as Record<string, unknown>);
      for (const [k, v] of entries) {
        const at = join(path, k);
        if (p.PrimitiveItemType !== undefined) this.checkPrimitive(id, at, v, p.PrimitiveItemType);
        else if (p.ItemType !== undefined) this.checkNamedType(id, at, v, p.ItemType, type);
        else this.walk(id, at, v);
      }
      return;
    }
    if (p.Type !== undefined) return this.checkNamedType(id, path, value, p.Type, type);
    this.walk(id, path, value);
  }

  /** A value of a property type: `<ResourceType>.<Name>`, else a shared one such as `Tag`. */
  checkNamedType(id: string, path: string, value: unknown, name: string, type: string): void {
    const full = `${type}.${name}` in this.spec.PropertyTypes ? `${type}.${name}` : name;
    const t = this.spec.PropertyTypes[full];
    if (t === undefined) return this.walk(id, path, value); // the specification names a type it does not define
    if (t.Properties !== undefined) return this.checkRecord(id, path, value, t.Properties, full);
    this.checkValue(id, path, value, t, type); // an alias, e.g. a list of another property type
  }

  /** SAM's properties of several types: fine if any of them fits */
  checkUnion(id: string, path: string, value: unknown, p: PropertySpec, type: string): void {
    const alternatives: PropertySpec[] = [
      ...(p.PrimitiveTypes ?? []).map((t) => ({ PrimitiveType: t })),
      ...(p.Types ?? []).map((t) => ({ Type: t })),
      ...(p.PrimitiveItemTypes ?? []).map((t) => ({ Type: 'List', PrimitiveItemType: t })),
      ...(p.ItemTypes ?? []).map((t) => ({ Type: 'List', ItemType: t })),
    ];
    const before = this.problems.length;
    for (const a of alternatives) {
      const trial = new Checker(this.spec, this.template);
      trial.checkValue(id, path, value, a, type);
      if (trial.problems.length === 0) return;
    }
    if (alternatives.length > 0 && this.problems.length === before) this.report(id, path, `${describe(value)} fits none of its types`);
  }

  checkPrimitive(id: string, path: string, value: unknown, primitive: string): void {
    if (this.intrinsic(id, path, value, (v, q) => this.checkPrimitive(id, q, v, primitive), primitive === 'Json' ? 'any' : 'scalar'))
      return;
    const bad = (what: string): void => this.report(id, path, `must be ${what} (${primitive}), not ${describe(value)}`);
    switch (primitive) {
      case 'String':
      case 'Timestamp':
        // CloudFormation turns a number or a boolean into its text for a String
        if (!['string', 'number', 'boolean'].includes(typeof value)) bad('a string');
        return;
      case 'Integer':
      case 'Long':
        if (!(typeof value === 'number' ? Number.isInteger(value) : typeof value === 'string' && /^-?\d+$/.test(value))) bad('an integer');
        return;
      case 'Double':
        if (
          !(typeof value === 'number'
            ? Number.isFinite(value)
            : typeof value === 'string' && /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(value))
        )
          bad('a number');
        return;
      case 'Boolean':
        if (!(typeof value === 'boolean' || (typeof value === 'string' && /^(true|false)$/i.test(value)))) bad('a boolean');
        return;
      case 'Json':
        if (typeof value === 'string') return;
        if (typeof value !== 'object' || value === null) return bad('an object or its JSON text');
        return this.walk(id, path, value); // intrinsics inside a Json value are resolved too
      default:
        return this.walk(id, path, value);
    }
  }

  // --- intrinsic functions ---------------------------------------------------------------------------

  /**
   * If `value` is an intrinsic function: check it (its references, its arguments) and say so; it stands for a
   * value of the expected kind. An Fn::If stands for its two branches, each checked by `branch` against the
   * specification. A function sure to give a string where a list or object is expected (or a list where a
   * scalar is) is reported.
   */
  intrinsic(
    id: string,
    path: string,
    value: unknown,
    branch: (v: unknown, path: string) => void,
    expected: 'scalar' | 'list' | 'object' | 'any',
  ): boolean {
    const fn = intrinsicName(value);
    if (fn === undefined) return false;
    const arg = (value as Record<string, unknown>)[fn];
    const at = join(path, fn);
    if (fn === 'Fn::If') {
      if (!Array.isArray(arg) || arg.length !== 3) {
        this.report(id, at, 'Fn::If takes [condition, value if true, value if false]');
        return true;
      }
      this.checkConditionName(id, join(at, 0), arg[0]);
      for (const i of [1, 2]) if (!isNoValue(arg[i])) branch(arg[i], join(at, i));
      return true;
    }
    if (fn === 'Ref' && arg === 'AWS::NoValue') return true;
    this.checkIntrinsic(id, path, fn, arg);
    if (GIVES_STRING.has(fn) && (expected === 'list' || expected === 'object'))
      this.report(id, path, `${fn} gives a string, where a ${expected} is expected`);
    if (GIVES_LIST.has(fn) && (expected === 'scalar' || expected === 'object'))
      this.report(id, path, `${fn} gives a list, where a ${expected === 'scalar' ? 'single value' : 'object'} is expected`);
    return true;
  }

  /** The arguments of an intrinsic function, and what they name. */
  checkIntrinsic(id: string, path: string, fn: string, arg: unknown, inCondition = false): void {
    const at = join(path, fn);
    if (CONDITION_FUNCTIONS.has(fn) && !inCondition) {
      this.report(id, at, `${fn} belongs in Conditions (or an Fn::If's condition), not in a value`);
      return this.walk(id, at, arg);
    }
    if (!CONDITION_FUNCTIONS.has(fn) && !VALUE_FUNCTIONS.has(fn)) {
      this.report(id, at, `unknown intrinsic function ${fn}`);
      return this.walk(id, at, arg);
    }
    switch (fn) {
      case 'Ref':
        if (typeof arg !== 'string') return this.report(id, at, `Ref takes a logical id or parameter name, not ${describe(arg)}`);
        if (inCondition && arg in this.resources) return this.report(id, at, `a condition cannot refer to the resource ${arg}`);
        if (!(arg in this.resources || arg in this.parameters || PSEUDO_PARAMETERS.has(arg)))
          this.report(id, at, `Ref to ${arg}, which is no resource, parameter or pseudo parameter of the template`);
        return;
      case 'Fn::GetAtt':
        return this.checkGetAtt(id, at, arg);
      case 'Fn::Sub':
        return this.checkSub(id, at, arg);
      case 'Fn::FindInMap':
        if (!Array.isArray(arg) || arg.length < 3 || arg.length > 4)
          return this.report(id, at, 'Fn::FindInMap takes [map name, top-level key, second-level key]');
        if (typeof arg[0] === 'string' && !(arg[0] in this.mappings)) this.report(id, join(at, 0), `no mapping ${arg[0]} in Mappings`);
        return this.walk(id, at, arg, inCondition);
      case 'Fn::Join':
        if (!Array.isArray(arg) || arg.length !== 2 || typeof arg[0] !== 'string')
          return this.report(id, at, 'Fn::Join takes [delimiter, list of values]');
        if (!Array.isArray(arg[1]) && intrinsicName(arg[1]) === undefined) this.report(id, join(at, 1), 'Fn::Join joins a list');
        return this.walk(id, at, arg, inCondition);
      case 'Fn::Select':
        if (!Array.isArray(arg) || arg.length !== 2) return this.report(id, at, 'Fn::Select takes [index, list]');
        return this.walk(id, at, arg, inCondition);
      case 'Fn::Split':
        if (!Array.isArray(arg) || arg.length !== 2 || typeof arg[0] !== 'string')
          return this.report(id, at, 'Fn::Split takes [delimiter, string]');
        return this.walk(id, at, arg, inCondition);
      case 'Fn::Cidr':
        if (!Array.isArray(arg) || arg.length !== 3) return this.report(id, at, 'Fn::Cidr takes [ip block, count, cidr bits]');
        return this.walk(id, at, arg, inCondition);
      case 'Fn::Equals':
        if (!Array.isArray(arg) || arg.length !== 2) return this.report(id, at, 'Fn::Equals takes [value, value]');
        return this.walk(id, at, arg, true);
      case 'Fn::Not':
      case 'Fn::And':
      case 'Fn::Or': {
        if (!Array.isArray(arg) || arg.length === 0 || (fn === 'Fn::Not' ? arg.length !== 1 : arg.length < 2 || arg.length > 10))
          return this.report(id, at, fn === 'Fn::Not' ? 'Fn::Not takes [condition]' : `${fn} takes 2 to 10 conditions`);
        arg.forEach((c, i) => this.checkCondition(id, join(at, i), c, true));
        return;
      }
      case 'Condition':
        return this.checkConditionName(id, at, arg);
      case 'Fn::If':
        // inside another function's arguments: the same checks as in a value
        if (!Array.isArray(arg) || arg.length !== 3) return this.report(id, at, 'Fn::If takes [condition, value if true, value if false]');
        this.checkConditionName(id, join(at, 0), arg[0]);
        this.walk(id, join(at, 1), arg[1], inCondition);
        this.walk(id, join(at, 2), arg[2], inCondition);
        return;
      default:
        return this.walk(id, at, arg, inCondition);
    }
  }

  checkGetAtt(id: string, at: string, arg: unknown): void {
    let target: unknown;
    let attribute: unknown;
    if (typeof arg === 'string') {
      const dot = arg.indexOf('.');
      [target, attribute] = dot < 0 ? [arg, undefined] : [arg.slice(0, dot), arg.slice(dot + 1)];
    } else if (Array.isArray(arg) && arg.length === 2) [target, attribute] = arg as unknown[];
    if (typeof target !== 'string' || attribute === undefined)
      return this.report(id, at, `Fn::GetAtt takes [logical id, attribute name], not ${describe(arg)}`);
    if (typeof attribute !== 'string') return this.walk(id, join(at, 1), attribute); // an attribute named by a Ref
    const r = this.resources[target];
    if (!isObject(r)) return this.report(id, at, `Fn::GetAtt ${target}.${attribute}: there is no resource ${target}`);
    const type = r.Type;
    if (typeof type !== 'string' || type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource') return;
    if (type === 'AWS::CloudFormation::Stack' && attribute.startsWith('Outputs.')) return;
    const spec = this.spec.ResourceTypes[type];
    if (spec === undefined) return; // reported with the resource
    if (!(attribute in (spec.Attributes ?? {})))
      this.report(
        id,
        at,
        `Fn::GetAtt ${target}.${attribute}: ${type} has no attribute ${attribute} (it has ${Object.keys(spec.Attributes ?? {}).join(', ') || 'none'})`,
      );
  }

  /** Fn::Sub's `${Name}` and `${Name.Attribute}`, less its own variables and `${!Literal}` */
  checkSub(id: string, at: string, arg: unknown): void {
    let text: unknown = arg;
    let vars: Record<string, unknown> = {};
    if (Array.isArray(arg)) {
      if (arg.length !== 2 || !isObject(arg[1])) return this.report(id, at, 'Fn::Sub takes a string, or [string, variables]');
      [text, vars] = [arg[0] as unknown, arg[1]];
      this.walk(id, join(at, 1), vars);
    }
    if (typeof text !== 'string') return this.report(id, at, `Fn::Sub substitutes into a string, not ${describe(text)}`);
    for (const m of text.matchAll(/\$\{([^}]*)\}/g)) {
      const name = m[1].trim();
      if (name.startsWith('!') || name in vars) continue;
      const dot = name.indexOf('.');
      if (dot > 0 && !PSEUDO_PARAMETERS.has(name)) this.checkGetAtt(id, at, [name.slice(0, dot), name.slice(dot + 1)]);
      else if (!(name in this.resources || name in this.parameters || PSEUDO_PARAMETERS.has(name)))
        this.report(id, at, `Fn::Sub names \${${name}}, which is no resource, parameter, pseudo parameter or variable of it`);
    }
  }

  // --- conditions and outputs ------------------------------------------------------------------------

  checkConditionName(id: string, path: string, name: unknown): void {
    if (typeof name !== 'string') this.report(id, path, `must name a condition, not ${describe(name)}`);
    else if (!(name in this.conditions)) this.report(id, path, `no condition ${name} in Conditions`);
  }

  /** A condition: a condition function (or a named condition) */
  checkCondition(id: string, path: string, c: unknown, nested = false): void {
    const fn = intrinsicName(c) ?? (isObject(c) && Object.keys(c).length === 1 && 'Condition' in c ? 'Condition' : undefined);
    if (fn === undefined || !CONDITION_FUNCTIONS.has(fn) || (fn === 'Condition' && !nested))
      return this.report(id, path, `a condition must be Fn::Equals, Fn::Not, Fn::And or Fn::Or${nested ? ' (or a Condition)' : ''}`);
    this.checkIntrinsic(id, path, fn, (c as Record<string, unknown>)[fn], true);
  }

  checkOutput(name: string, o: unknown): void {
    if (!isObject(o)) return this.report(name, '', `an output must be an object, not ${describe(o)}`);
    for (const k of Object.keys(o)) if (!OUTPUT_KEYS.has(k)) this.report(name, k, `unknown output attribute ${k}`);
    if (o.Value === undefined) this.report(name, 'Value', 'an output needs a Value');
    else this.walk(name, 'Value', o.Value);
    if (o.Condition !== undefined) this.checkConditionName(name, 'Condition', o.Condition);
    if (o.Export !== undefined) {
      if (!isObject(o.Export) || o.Export.Name === undefined) this.report(name, 'Export', 'an export needs a Name');
      else this.walk(name, 'Export', o.Export);
    }
  }

  /** A value of no particular shape: only the intrinsic functions in it are checked. */
  walk(id: string, path: string, value: unknown, inCondition = false): void {
    const fn = intrinsicName(value);
    if (fn !== undefined) return this.checkIntrinsic(id, path, fn, (value as Record<string, unknown>)[fn], inCondition);
    if (Array.isArray(value)) value.forEach((v, i) => this.walk(id, join(path, i), v, inCondition));
    else if (isObject(value)) for (const [k, v] of Object.entries(value)) this.walk(id, join(path, k), v, inCondition);
  }
}

/** Everything wrong with a compiled template that the specification can tell, in template order. */
export function checkTemplate(template: unknown, spec: CfnSpecification = cfnSpecification()): Problem[] {
  if (!isObject(template)) return [{ resource: '', path: '', message: `a template must be an object, not ${describe(template)}` }];
  return new Checker(spec, template).run();
}

export function formatProblem(p: Problem): string {
  const where = [p.resource, p.path].filter((s) => s !== '').join(' ');
  return where === '' ? p.message : `${where}: ${p.message}`;
}

/** How a taggable resource type takes its tags: a list of `{ Key, Value }` objects, or a map of key to value. */
export type TagShape =
  /** `Tags: [{ Key, Value }]`; `itemFields` are the fields of an item (AWS::AutoScaling::AutoScalingGroup's have PropagateAtLaunch too) */
  | { shape: 'list'; itemFields: string[]; requiredItemFields: string[] }
  /** `Tags: { key: value }` (a Map of String, or Json that CloudFormation documents as one) */
  | { shape: 'map' };

/** Whether the specification gives a resource type a `Tags` property, and in what shape; undefined if not. */
export function taggable(type: string, spec: CfnSpecification = cfnSpecification()): TagShape | undefined {
  const resource = spec.ResourceTypes[type];
  let p = resource?.Properties?.Tags;
  if (p === undefined) return undefined;
  if (p.Type !== undefined && p.Type !== 'List' && p.Type !== 'Map') p = spec.PropertyTypes[`${type}.${p.Type}`] ?? p; // an alias
  if (p.Type === 'List') {
    const item = p.ItemType === undefined ? undefined : (spec.PropertyTypes[`${type}.${p.ItemType}`] ?? spec.PropertyTypes[p.ItemType]);
    const fields = item?.Properties ?? { Key: { Required: true }, Value: { Required: true } };
    return {
      shape: 'list',
      itemFields: Object.keys(fields),
      requiredItemFields: Object.entries(fields)
        .filter(([, f]) => f.Required)
        .map(([k]) => k),
    };
  }
  return { shape: 'map' };
}

function main(files: string[]): number {
  if (files.length === 0) {
    process.stderr.write('usage: npm run cfn:check -- <compiled template.json>...\n');
    return 2;
  }
  const spec = cfnSpecification();
  let total = 0;
  for (const file of files) {
    const template = JSON.parse(readFileSync(file, 'utf8')) as { Resources?: object };
    const problems = checkTemplate(template, spec);
    total += problems.length;
    const resources = Object.keys(template.Resources ?? {}).length;
    if (problems.length === 0) process.stdout.write(`${file}: ${resources} resources, no problems\n`);
    else for (const p of problems) process.stdout.write(`${file}: ${formatProblem(p)}\n`);
  }
  if (total > 0)
    process.stdout.write(`${total} problem(s), against the CloudFormation specification ${spec.ResourceSpecificationVersion ?? ''}\n`);
  return total === 0 ? 0 : 1;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
