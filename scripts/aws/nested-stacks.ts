/**
 * A serverless plugin: resources moved out of the compiled template into nested stacks
 * (AWS::CloudFormation::Stack), because a stack holds at most 500 resources. serverless.yml
 * `custom.nestedStacks` names each nested stack and the resources it takes (by type, and a pattern
 * of logical ids); everything else stays in the root.
 *
 * What crosses a stack's edge is rewritten: a moved resource's Ref, Fn::GetAtt and Fn::Sub of a
 * resource (or parameter) left in the root become parameters of its stack, and the root's of a moved
 * one become the stack's outputs; a DependsOn across the edge becomes one on the nested stack.
 * Conditions and mappings do not cross (a resource that uses one is refused), nor lists.
 *
 * The nested templates are written beside the compiled one (.serverless/, moved into the package
 * folder with it) and uploaded next to it in the deployment bucket on `serverless deploy`, also of a
 * package made before (`--package`): the root's TemplateURL names them there. It runs last of the
 * plugins that change the template, so the moved resources carry their tags.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cfnSpecification, PSEUDO_PARAMETERS, type CfnSpecification } from './cfn-spec-check';
import { tagResources, type CfnResource } from './tag-resources';

export interface Template {
  AWSTemplateFormatVersion?: string;
  Description?: string;
  Parameters?: Record<string, { Type: string; [k: string]: unknown }>;
  Conditions?: Record<string, unknown>;
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, { Value: unknown; [k: string]: unknown }>;
  [section: string]: unknown;
}

/** which resources a nested stack takes: of this type, and (if given) whose logical id and properties match the patterns */
export interface Selector {
  type: string;
  logicalId?: string;
  /** property name → pattern its (string) value must match */
  properties?: Record<string, string>;
}

/** CloudFormation's limits of one template */
export const LIMITS = { resources: 500, parameters: 200, outputs: 200 };

export const templateFileName = (stack: string): string => `cloudformation-template-nested-${stack}.json`;
const NESTED_FILE = /^cloudformation-template-nested-[A-Za-z0-9]+\.json$/;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const alphanumeric = (s: string): string => s.replace(/[^A-Za-z0-9]/g, '');

/** The logical ids `selectors` pick from `resources`, in template order. */
export function select(resources: Record<string, CfnResource>, selectors: Selector[]): string[] {
  const matches = (s: Selector, id: string, r: CfnResource): boolean =>
    s.type === r.Type &&
    (s.logicalId === undefined || new RegExp(s.logicalId).test(id)) &&
    Object.entries(s.properties ?? {}).every(([k, pattern]) => {
      const v = r.Properties?.[k];
      return typeof v === 'string' && new RegExp(pattern).test(v);
    });
  return Object.entries(resources)
    .filter(([id, r]) => selectors.some((s) => matches(s, id, r)))
    .map(([id]) => id);
}

const dependsOn = (r: CfnResource): string[] =>
  (r.DependsOn === undefined ? [] : Array.isArray(r.DependsOn) ? r.DependsOn : [r.DependsOn]) as string[];

/** the type of what `Fn::GetAtt [id, attribute]` gives, as the specification says: only strings may cross */
function attributeIsString(resource: CfnResource, attribute: string, spec: CfnSpecification): boolean {
  if (resource.Type === 'AWS::CloudFormation::Stack' && attribute.startsWith('Outputs.')) return true;
  const a = spec.ResourceTypes[resource.Type]?.Attributes?.[attribute] as { PrimitiveType?: string } | undefined;
  return a?.PrimitiveType === 'String';
}

/** the parts of a resource that may hold intrinsic functions (Type, DependsOn and Condition are names) */
const INTRINSIC_PARTS = ['Properties', 'Metadata', 'UpdatePolicy', 'CreationPolicy'] as const;

/** `resource` with its intrinsic parts passed through `f`, without its DependsOn (the caller decides it) */
function rewriteParts(resource: CfnResource, f: (v: unknown) => unknown): CfnResource {
  const out: CfnResource = { ...resource };
  delete out.DependsOn;
  for (const part of INTRINSIC_PARTS) if (out[part] !== undefined) out[part] = f(out[part]) as never;
  return out;
}

/**
 * Rewrites the intrinsic functions in `value` that name something `crosses` says is on the other side
 * of the edge: `replace(id, attribute?)` gives what stands for it here (a Ref, or an output's GetAtt).
 * Fn::Sub's `${id}` and `${id.attribute}` are rewritten to a variable of the Sub.
 */
function rewrite(
  value: unknown,
  crosses: (id: string) => boolean,
  replace: (id: string, attribute?: string) => Record<string, unknown>,
  where: string,
  /** inside a nested stack: conditions and mappings are the root's, so a function that uses one is refused */
  nested: boolean,
): unknown {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (!isObject(v)) return v;
    const keys = Object.keys(v);
    if (keys.length === 1) {
      const [k] = keys;
      const a = v[k];
      if (k === 'Ref' && typeof a === 'string') return crosses(a) ? replace(a) : v;
      if (k === 'Fn::GetAtt') {
        const [id, attribute] = typeof a === 'string' ? [a.slice(0, a.indexOf('.')), a.slice(a.indexOf('.') + 1)] : (a as unknown[]);
        if (typeof id !== 'string' || typeof attribute !== 'string')
          throw new Error(`${where}: Fn::GetAtt ${JSON.stringify(a)} cannot cross stacks`);
        return crosses(id) ? replace(id, attribute) : v;
      }
      if (nested && (k === 'Fn::If' || k === 'Condition' || k === 'Fn::FindInMap')) throw new Error(`${where}: ${k} cannot cross stacks`);
      if (k === 'Fn::Sub') {
        const [text, vars] = typeof a === 'string' ? [a, {}] : (a as [string, Record<string, unknown>]);
        const own = Object.fromEntries(Object.entries(vars).map(([n, x]) => [n, walk(x)]));
        const added: Record<string, unknown> = {};
        const out = text.replace(/\$\{([^!}][^}]*)\}/g, (m, name: string) => {
          if (name in vars || PSEUDO_PARAMETERS.has(name)) return m;
          const dot = name.indexOf('.');
          const [id, attribute] = dot > 0 ? [name.slice(0, dot), name.slice(dot + 1)] : [name, undefined];
          if (!crosses(id)) return m;
          const variable = alphanumeric(name);
          added[variable] = replace(id, attribute);
          return `\${${variable}}`;
        });
        if (Object.keys(added).length === 0 && typeof a === 'string') return v;
        return { 'Fn::Sub': [out, { ...own, ...added }] };
      }
    }
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
  };
  return walk(value);
}

/**
 * Moves `ids` out of `root` into a nested stack `name` whose template is at `templateUrl`; returns
 * that template. Runs once per nested stack: a later one may take what an earlier one refers to (the
 * earlier stack's parameter is then fed by the later one's output).
 */
export function nest(
  root: Template,
  name: string,
  ids: string[],
  templateUrl: unknown,
  spec: CfnSpecification = cfnSpecification(),
): Template {
  if (ids.length === 0) throw new Error(`nested stack ${name}: no resources to take`);
  if (root.Resources[name] || root.Parameters?.[name]) throw new Error(`nested stack ${name}: the root already has a ${name}`);
  const moved = new Set(ids);
  const nested: Template = {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `${name}: resources of ${String(root.Description ?? 'the stack')} in a nested stack (the root holds at most 500)`,
    Parameters: {},
    Resources: {},
    Outputs: {},
  };
  const stack: CfnResource = { Type: 'AWS::CloudFormation::Stack', Properties: { TemplateURL: templateUrl, Parameters: {} } };
  const stackParameters = stack.Properties?.Parameters as Record<string, unknown>;
  const stackDependsOn = new Set<string>();
  for (const id of ids) {
    const r = root.Resources[id];
    if (!r) throw new Error(`nested stack ${name}: no resource ${id}`);
    if (r.Condition !== undefined) throw new Error(`nested stack ${name}: ${id} has a condition, which cannot cross stacks`);
    nested.Resources[id] = r;
    delete root.Resources[id];
  }

  // inside: what is left in the root arrives as a parameter
  const inRoot = (id: string): boolean => !moved.has(id) && !PSEUDO_PARAMETERS.has(id);
  const parameter = (id: string, attribute?: string): Record<string, unknown> => {
    const p = attribute === undefined ? id : `${id}${alphanumeric(attribute)}`;
    const rootParameter = root.Parameters?.[id];
    if (attribute === undefined && rootParameter) {
      if (rootParameter.Type !== 'String' && rootParameter.Type !== 'Number')
        throw new Error(`nested stack ${name}: parameter ${id} is a ${rootParameter.Type}, which cannot cross stacks`);
      (nested.Parameters ??= {})[p] = { Type: rootParameter.Type };
    } else {
      const target = root.Resources[id];
      if (!target) throw new Error(`nested stack ${name}: a moved resource names ${id}, which is in no stack`);
      if (attribute !== undefined && !attributeIsString(target, attribute, spec))
        throw new Error(`nested stack ${name}: ${id}.${attribute} is not a string, which cannot cross stacks`);
      (nested.Parameters ??= {})[p] = { Type: 'String' };
    }
    if (moved.has(p)) throw new Error(`nested stack ${name}: parameter ${p} would have a moved resource's id`);
    stackParameters[p] = attribute === undefined ? { Ref: id } : { 'Fn::GetAtt': [id, attribute] };
    return { Ref: p };
  };
  for (const id of ids) {
    const r = nested.Resources[id];
    const deps = dependsOn(r);
    const inside = deps.filter((d) => moved.has(d));
    for (const d of deps.filter((x) => !moved.has(x))) {
      if (!root.Resources[d]) throw new Error(`nested stack ${name}: ${id} depends on ${d}, which is in no stack`);
      stackDependsOn.add(d);
    }
    nested.Resources[id] = rewriteParts(r, (v) => rewrite(v, inRoot, parameter, `${name}/${id}`, true));
    if (inside.length > 0) nested.Resources[id].DependsOn = inside;
  }

  // outside: what moved is the nested stack's output
  const output = (id: string, attribute?: string): Record<string, unknown> => {
    const o = attribute === undefined ? id : `${id}${alphanumeric(attribute)}`;
    (nested.Outputs ??= {})[o] ??= { Value: attribute === undefined ? { Ref: id } : { 'Fn::GetAtt': [id, attribute] } };
    return { 'Fn::GetAtt': [name, `Outputs.${o}`] };
  };
  const isMoved = (id: string): boolean => moved.has(id);
  for (const [id, r] of Object.entries(root.Resources)) {
    const deps = dependsOn(r);
    root.Resources[id] = rewriteParts(r, (v) => rewrite(v, isMoved, output, id, false));
    if (deps.length > 0) root.Resources[id].DependsOn = [...new Set(deps.map((d) => (moved.has(d) ? name : d)))];
  }
  if (root.Outputs) root.Outputs = rewrite(root.Outputs, isMoved, output, 'Outputs', false) as Template['Outputs'];

  if (stackDependsOn.size > 0) stack.DependsOn = [...stackDependsOn];
  root.Resources[name] = stack;
  for (const section of ['Parameters', 'Outputs'] as const) if (Object.keys(nested[section] ?? {}).length === 0) delete nested[section];
  const counts = {
    resources: Object.keys(nested.Resources).length,
    parameters: Object.keys(nested.Parameters ?? {}).length,
    outputs: Object.keys(nested.Outputs ?? {}).length,
  };
  for (const k of Object.keys(LIMITS) as (keyof typeof LIMITS)[])
    if (counts[k] > LIMITS[k]) throw new Error(`nested stack ${name}: ${counts[k]} ${k}, CloudFormation takes ${LIMITS[k]}`);
  return nested;
}

/** Where CloudFormation reads a nested template: beside the compiled one in the deployment bucket. */
export function templateUrl(bucket: string | undefined, artifactDirectoryName: string, stack: string): unknown {
  const path = `${artifactDirectoryName}/${templateFileName(stack)}`;
  return bucket
    ? { 'Fn::Sub': `https://s3.\${AWS::Region}.\${AWS::URLSuffix}/${bucket}/${path}` }
    : { 'Fn::Sub': `https://s3.\${AWS::Region}.\${AWS::URLSuffix}/\${ServerlessDeploymentBucket}/${path}` };
}

/** The nested templates of a package folder, by file name. */
export function nestedTemplateFiles(dir: string): string[] {
  return readdirSync(dir).filter((f) => NESTED_FILE.test(f));
}

interface Serverless {
  serviceDir: string;
  service: {
    custom?: { nestedStacks?: { enabled?: boolean; stacks?: Record<string, Selector[]> } };
    package: { artifactDirectoryName: string };
    provider: {
      deploymentBucket?: string | { name?: string };
      stackTags?: Record<string, unknown>;
      compiledCloudFormationTemplate: Template;
    };
  };
  getProvider(name: 'aws'): {
    getServerlessDeploymentBucketName(): Promise<string>;
    request(service: 'S3', method: 'upload', params: Record<string, unknown>): Promise<unknown>;
  };
  classes: { Error: new (message: string) => Error };
}
interface PluginUtils {
  log: { info(message: string): void };
}

export class NestedStacksPlugin {
  readonly hooks: Record<string, () => unknown>;

  constructor(serverless: Serverless, _options: unknown, { log }: PluginUtils) {
    // as resolved (variables are not yet when plugins are constructed)
    const config = (): { enabled?: boolean; stacks?: Record<string, Selector[]> } | undefined => serverless.service.custom?.nestedStacks;
    // serverless writes the package here, and a deploy of a package made before copies it back here
    const dir = (): string => join(serverless.serviceDir, '.serverless');
    this.hooks = {
      'before:aws:package:finalize:saveServiceState': () => {
        if (config()?.enabled !== true) return;
        const { provider, package: pkg } = serverless.service;
        const root = provider.compiledCloudFormationTemplate;
        const bucket = typeof provider.deploymentBucket === 'string' ? provider.deploymentBucket : provider.deploymentBucket?.name;
        try {
          for (const [name, selectors] of Object.entries(config()?.stacks ?? {})) {
            const nested = nest(root, name, select(root.Resources, selectors), templateUrl(bucket, pkg.artifactDirectoryName, name));
            if (provider.stackTags) tagResources({ [name]: root.Resources[name] }, provider.stackTags);
            writeFileSync(join(dir(), templateFileName(name)), JSON.stringify(nested, null, 2));
            log.info(`nested stack ${name}: ${Object.keys(nested.Resources).length} resources`);
          }
        } catch (e) {
          throw new serverless.classes.Error(`nested stacks: ${(e as Error).message}`);
        }
        log.info(`root stack: ${Object.keys(root.Resources).length} resources`);
      },
      // before CloudFormation is asked to create or update the root, which reads them
      'after:aws:deploy:deploy:uploadArtifacts': async () => {
        if (config()?.enabled !== true) return;
        const provider = serverless.getProvider('aws');
        const bucket = await provider.getServerlessDeploymentBucketName();
        for (const file of nestedTemplateFiles(dir()))
          await provider.request('S3', 'upload', {
            Bucket: bucket,
            Key: `${serverless.service.package.artifactDirectoryName}/${file}`,
            // minified, as serverless uploads the root: CloudFormation reads at most 1 MB of a template
            Body: JSON.stringify(JSON.parse(readFileSync(join(dir(), file), 'utf8'))),
            ContentType: 'application/json',
          });
      },
    };
  }
}
