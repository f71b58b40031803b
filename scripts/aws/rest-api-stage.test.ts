import { wireRestApiStage } from './rest-api-stage';
import type { CfnResource } from './tag-resources';

const api = { Ref: 'ApiGatewayRestApi' };
const template = (): Record<string, CfnResource> => ({
  ApiGatewayRestApi: { Type: 'AWS::ApiGateway::RestApi', Properties: { Name: 'local-exchange' } },
  ApiGatewayDeployment123: { Type: 'AWS::ApiGateway::Deployment', Properties: { RestApiId: api, StageName: 'local' }, DependsOn: ['M'] },
  ApiGatewayStage: { Type: 'AWS::ApiGateway::Stage', Properties: { RestApiId: api, StageName: 'local', MethodSettings: [] } },
});

describe('the REST API stage as its own resource', () => {
  it('points the stage at the deployment of this package and takes the stage off the deployment', () => {
    const resources = template();
    expect(wireRestApiStage(resources)).toEqual({ stage: 'ApiGatewayStage', deployment: 'ApiGatewayDeployment123' });
    expect(resources.ApiGatewayStage.Properties).toEqual({
      RestApiId: api,
      StageName: 'local',
      MethodSettings: [],
      DeploymentId: { Ref: 'ApiGatewayDeployment123' },
    });
    expect(resources.ApiGatewayDeployment123.Properties).toEqual({ RestApiId: api });
    expect(resources.ApiGatewayDeployment123.DependsOn).toEqual(['M']);
  });

  it('leaves a template without a declared stage as serverless made it', () => {
    const resources = template();
    delete resources.ApiGatewayStage;
    const before = structuredClone(resources);
    expect(wireRestApiStage(resources)).toBeUndefined();
    expect(resources).toEqual(before);
  });

  it('refuses what it cannot wire unambiguously', () => {
    const two = { ...template(), ApiGatewayDeployment456: template().ApiGatewayDeployment123 };
    expect(() => wireRestApiStage(two)).toThrow(/one deployment/);
    const other = template();
    (other.ApiGatewayStage.Properties as { StageName: string }).StageName = 'prod';
    expect(() => wireRestApiStage(other)).toThrow(/deploys stage "local"/);
  });
});
