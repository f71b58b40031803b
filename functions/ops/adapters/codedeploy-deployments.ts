/**
 * A deployment's target and the hook's report, from CodeDeploy. CloudFormation hands CodeDeploy the
 * AppSpec of an alias update as content (JSON): its one AWS::Lambda::Function resource names the
 * function, the alias and the target version. GetDeployment may give the revision by its digest only;
 * the application revision then holds the content.
 */
import {
  GetApplicationRevisionCommand,
  GetDeploymentCommand,
  PutLifecycleEventHookExecutionStatusCommand,
  type CodeDeployClient,
  type RevisionLocation,
} from '@aws-sdk/client-codedeploy';
import type { Deployments, HookStatus, ReleaseTarget } from '../release-service';

interface AppSpecLambda {
  Type?: string;
  Properties?: { Name?: unknown; Alias?: unknown; TargetVersion?: unknown };
}

/** `arn:…:function:<name>[:qualifier]` or a name: the name */
const functionNameOf = (v: string): string => /:function:([^:]+)/.exec(v)?.[1] ?? v;
/** `arn:…:function:<name>:<version>` or a version: the version */
const versionOf = (v: string): string => v.slice(v.lastIndexOf(':') + 1);

/** The release an AppSpec describes. */
export function releaseTargetOf(content: string): ReleaseTarget {
  let spec: { Resources?: Record<string, AppSpecLambda>[] };
  try {
    spec = JSON.parse(content) as typeof spec;
  } catch {
    throw new Error(`the AppSpec is not JSON: ${content.slice(0, 200)}`);
  }
  const lambdas = (spec.Resources ?? []).flatMap((r) => Object.values(r)).filter((r) => r.Type === 'AWS::Lambda::Function');
  if (lambdas.length !== 1) throw new Error(`the AppSpec names ${lambdas.length} Lambda functions, not one`);
  const { Name, Alias, TargetVersion } = lambdas[0].Properties ?? {};
  if (typeof Name !== 'string' || typeof Alias !== 'string' || (typeof TargetVersion !== 'string' && typeof TargetVersion !== 'number'))
    throw new Error(`the AppSpec's function lacks Name, Alias or TargetVersion: ${JSON.stringify(lambdas[0])}`);
  const version = versionOf(String(TargetVersion));
  if (!/^\d+$/.test(version)) throw new Error(`the target version ${String(TargetVersion)} is not a published version`);
  return { functionName: functionNameOf(Name), alias: Alias, version };
}

export class CodeDeployDeployments implements Deployments {
  constructor(private readonly client: Pick<CodeDeployClient, 'send'>) {}

  async target(deploymentId: string): Promise<ReleaseTarget> {
    const { deploymentInfo: d } = await this.client.send(new GetDeploymentCommand({ deploymentId }));
    if (d?.computePlatform !== undefined && d.computePlatform !== 'Lambda')
      throw new Error(`${deploymentId} is a ${d.computePlatform} deployment`);
    const revision: RevisionLocation | undefined = d?.revision;
    let content = revision?.appSpecContent?.content;
    if (content === undefined && revision) {
      const r = await this.client.send(new GetApplicationRevisionCommand({ applicationName: d?.applicationName, revision }));
      content = r.revision?.appSpecContent?.content;
    }
    if (content === undefined) throw new Error(`deployment ${deploymentId} has no AppSpec content`);
    return releaseTargetOf(content);
  }

  async report(deploymentId: string, hookExecutionId: string, status: HookStatus): Promise<void> {
    await this.client.send(
      new PutLifecycleEventHookExecutionStatusCommand({ deploymentId, lifecycleEventHookExecutionId: hookExecutionId, status }),
    );
  }
}
