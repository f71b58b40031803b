/**
 * A serverless plugin: the REST API's stage as a CloudFormation resource of its own.
 *
 * serverless@3 makes the stage through its AWS::ApiGateway::Deployment (StageName), whose logical id
 * changes every package, and sets tracing, logs and tags on it with the SDK after the deploy; a
 * deployment cannot carry per-stage method settings such as throttling. resources/edge.yml declares
 * `ApiGatewayStage` (an AWS::ApiGateway::Stage without a DeploymentId); this points it at the
 * deployment of this package and takes the stage name off the deployment, so that one resource
 * owns the stage. Runs after resources/ are merged into the compiled template.
 */
import type { CfnResource } from './tag-resources';

const REST_API = 'ApiGatewayRestApi';

const refersToRestApi = (r: CfnResource): boolean => (r.Properties?.RestApiId as { Ref?: string } | undefined)?.Ref === REST_API;

/** Wires the template's REST API stage to its deployment; returns their logical ids, or undefined when no stage is declared. */
export function wireRestApiStage(resources: Record<string, CfnResource>): { stage: string; deployment: string } | undefined {
  const stages = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::ApiGateway::Stage' && refersToRestApi(r));
  if (stages.length === 0) return undefined;
  if (stages.length > 1) throw new Error(`more than one stage of ${REST_API}: ${stages.map(([id]) => id).join(', ')}`);
  const deployments = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::ApiGateway::Deployment' && refersToRestApi(r));
  if (deployments.length !== 1) throw new Error(`expected one deployment of ${REST_API}, found ${deployments.length}`);
  const [[stageId, stage], [deploymentId, deployment]] = [stages[0], deployments[0]];
  const stageProps = stage.Properties ?? {};
  const deploymentProps = deployment.Properties ?? {};
  if (deploymentProps.StageName !== undefined && deploymentProps.StageName !== stageProps.StageName)
    throw new Error(
      `${deploymentId} deploys stage ${JSON.stringify(deploymentProps.StageName)}, ${stageId} is ${JSON.stringify(stageProps.StageName)}`,
    );
  delete deploymentProps.StageName;
  stage.Properties = { ...stageProps, DeploymentId: { Ref: deploymentId } };
  return { stage: stageId, deployment: deploymentId };
}

interface Serverless {
  service: { provider: { compiledCloudFormationTemplate: { Resources: Record<string, CfnResource> } } };
  classes: { Error: new (message: string) => Error };
}

export class RestApiStagePlugin {
  readonly hooks: Record<string, () => void>;

  constructor(serverless: Serverless) {
    this.hooks = {
      'before:aws:package:finalize:saveServiceState': () => {
        try {
          wireRestApiStage(serverless.service.provider.compiledCloudFormationTemplate.Resources);
        } catch (e) {
          throw new serverless.classes.Error(`REST API stage: ${(e as Error).message}`);
        }
      },
    };
  }
}
