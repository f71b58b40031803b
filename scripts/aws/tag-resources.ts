/**
 * A serverless plugin: the stack's tags (provider.stackTags) on every resource of the compiled
 * template whose type takes a `Tags` property, in that type's shape as the CloudFormation resource
 * specification (@aws-cdk/cfnspec) gives it: a list of {Key, Value} for most types (with
 * PropagateAtLaunch for an Auto Scaling group), a map for the others (AWS::ApiGatewayV2::*,
 * AWS::SSM::Parameter, …). A tag a resource already has keeps its value. Stack tags alone do not
 * do this: serverless sends them with the deploy, and CloudFormation propagates them to what it
 * chooses; a template that carries its tags can be checked before any deploy.
 *
 * Runs after resources/ are merged into the compiled template, so serverless's resources and ours
 * are tagged alike.
 */
import { cfnSpecification, taggable, type CfnSpecification } from './cfn-spec-check';

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  [attribute: string]: unknown;
}

/** how a type takes its tags: a list of {Key, Value} (PropagateAtLaunch too for `list-propagate`), or a map */
export type TagShape = 'list' | 'list-propagate' | 'map';

/** every taggable resource type and its tags' shape, from a CloudFormation resource specification (cfn-spec-check's `taggable`) */
export function tagShapes(spec: CfnSpecification): Map<string, TagShape> {
  const shapes = new Map<string, TagShape>();
  for (const type of Object.keys(spec.ResourceTypes)) {
    const t = taggable(type, spec);
    if (t) shapes.set(type, t.shape === 'map' ? 'map' : t.itemFields.includes('PropagateAtLaunch') ? 'list-propagate' : 'list');
  }
  return shapes;
}

let installed: Map<string, TagShape> | undefined;
/** the shapes of the installed specification, with what CloudFormation has tagged since (cfnSpecification) */
export function installedTagShapes(): Map<string, TagShape> {
  installed ??= tagShapes(cfnSpecification());
  return installed;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** an intrinsic function ({"Fn::If": …}, {"Ref": …}) stands for a value only CloudFormation knows */
const isIntrinsic = (v: Record<string, unknown>): boolean => {
  const keys = Object.keys(v);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'));
};

/**
 * Adds `tags` to every resource of a taggable type, keeping the tags it has. Returns the logical ids
 * of the resources it left alone although taggable: their Tags is an intrinsic function.
 */
export function tagResources(
  resources: Record<string, CfnResource>,
  tags: Record<string, unknown>,
  shapes: Map<string, TagShape> = installedTagShapes(),
): string[] {
  const skipped: string[] = [];
  for (const [id, resource] of Object.entries(resources)) {
    const shape = shapes.get(resource.Type);
    if (!shape) continue;
    const properties = (resource.Properties ??= {});
    const existing = properties.Tags;
    if (shape === 'map') {
      if (existing !== undefined && (!isPlainObject(existing) || isIntrinsic(existing))) {
        skipped.push(id);
        continue;
      }
      properties.Tags = { ...tags, ...existing };
    } else {
      if (existing !== undefined && !Array.isArray(existing)) {
        skipped.push(id);
        continue;
      }
      const list = (existing ?? []) as unknown[];
      const have = new Set(list.filter(isPlainObject).map((t) => t.Key));
      const added = Object.entries(tags)
        .filter(([key]) => !have.has(key))
        .map(([Key, Value]) => (shape === 'list-propagate' ? { Key, Value, PropagateAtLaunch: true } : { Key, Value }));
      properties.Tags = [...list, ...added];
    }
  }
  return skipped;
}

interface Serverless {
  service: {
    provider: {
      stackTags?: Record<string, unknown>;
      compiledCloudFormationTemplate: { Resources: Record<string, CfnResource> };
    };
  };
}
interface PluginUtils {
  log: { warning(message: string): void };
}

export class TagResourcesPlugin {
  readonly hooks: Record<string, () => void>;

  constructor(serverless: Serverless, _options: unknown, { log }: PluginUtils) {
    this.hooks = {
      'before:aws:package:finalize:saveServiceState': () => {
        const { stackTags, compiledCloudFormationTemplate } = serverless.service.provider;
        if (!stackTags || Object.keys(stackTags).length === 0) return;
        const skipped = tagResources(compiledCloudFormationTemplate.Resources, stackTags);
        if (skipped.length > 0) log.warning(`tags left to their own intrinsic function: ${skipped.join(', ')}`);
      },
    };
  }
}
