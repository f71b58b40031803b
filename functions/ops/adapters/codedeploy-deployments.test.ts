/** CodeDeploy as the release hooks read it, through a hand-written fake of the client's `send`. */
import {
  GetApplicationRevisionCommand,
  GetDeploymentCommand,
  PutLifecycleEventHookExecutionStatusCommand,
  type CodeDeployClient,
} from '@aws-sdk/client-codedeploy';
import { CodeDeployDeployments, releaseTargetOf } from './codedeploy-deployments';

/** the AppSpec CloudFormation hands CodeDeploy for an alias update */
const appSpec = (name: string, target: string): string =>
  JSON.stringify({
    version: 0.0,
    Resources: [
      {
        OrdersPlaceLambdaFunction: {
          Type: 'AWS::Lambda::Function',
          Properties: { Name: name, Alias: 'live', CurrentVersion: '7', TargetVersion: target },
        },
      },
    ],
    Hooks: [{ BeforeAllowTraffic: 'exchange-prod-releasePreTraffic' }, { AfterAllowTraffic: 'exchange-prod-releasePostTraffic' }],
  });

/** answers each command by its class; records what was sent */
function fakeClient(answers: Map<unknown, (input: unknown) => unknown>): { client: Pick<CodeDeployClient, 'send'>; sent: unknown[] } {
  const sent: unknown[] = [];
  const send = (command: { constructor: unknown; input: unknown }): Promise<unknown> => {
    sent.push(command);
    const answer = answers.get(command.constructor);
    return answer ? Promise.resolve(answer(command.input)) : Promise.reject(new Error(`unexpected ${String(command.constructor)}`));
  };
  return { client: { send } as Pick<CodeDeployClient, 'send'>, sent };
}

describe('a deployment’s target and the hook’s report, from CodeDeploy', () => {
  it('reads the function, alias and target version of the AppSpec, by name or ARN', () => {
    expect(releaseTargetOf(appSpec('exchange-prod-ordersPlace', '8'))).toEqual({
      functionName: 'exchange-prod-ordersPlace',
      alias: 'live',
      version: '8',
    });
    expect(
      releaseTargetOf(
        appSpec(
          'arn:aws:lambda:us-east-1:123456789012:function:exchange-prod-ordersPlace',
          'arn:aws:lambda:us-east-1:123456789012:function:exchange-prod-ordersPlace:8',
        ),
      ),
    ).toEqual({ functionName: 'exchange-prod-ordersPlace', alias: 'live', version: '8' });
    expect(() => releaseTargetOf('version: 0.0')).toThrow(/not JSON/);
    expect(() => releaseTargetOf(appSpec('f', '$LATEST'))).toThrow(/not a published version/);
    expect(() => releaseTargetOf(JSON.stringify({ Resources: [] }))).toThrow(/0 Lambda functions/);
  });

  it('takes the AppSpec from the deployment, or from the application revision when the deployment names it by digest only', async () => {
    const inline = fakeClient(
      new Map([
        [
          GetDeploymentCommand,
          () => ({
            deploymentInfo: {
              computePlatform: 'Lambda',
              revision: { revisionType: 'AppSpecContent', appSpecContent: { content: appSpec('exchange-prod-a', '3') } },
            },
          }),
        ],
      ]),
    );
    await expect(new CodeDeployDeployments(inline.client).target('d-1')).resolves.toEqual({
      functionName: 'exchange-prod-a',
      alias: 'live',
      version: '3',
    });
    expect(inline.sent.map((c) => (c as { input: unknown }).input)).toEqual([{ deploymentId: 'd-1' }]);

    const revision = { revisionType: 'AppSpecContent', appSpecContent: { sha256: 'ab12' } };
    const byDigest = fakeClient(
      new Map<unknown, (input: unknown) => unknown>([
        [GetDeploymentCommand, () => ({ deploymentInfo: { applicationName: 'exchange-prod', computePlatform: 'Lambda', revision } })],
        [
          GetApplicationRevisionCommand,
          () => ({
            revision: { revisionType: 'AppSpecContent', appSpecContent: { content: appSpec('exchange-prod-b', '4'), sha256: 'ab12' } },
          }),
        ],
      ]),
    );
    await expect(new CodeDeployDeployments(byDigest.client).target('d-2')).resolves.toMatchObject({
      functionName: 'exchange-prod-b',
      version: '4',
    });
    expect((byDigest.sent[1] as { input: unknown }).input).toEqual({ applicationName: 'exchange-prod', revision });
  });

  it('refuses a deployment that is not a Lambda one, or has no AppSpec', async () => {
    const server = fakeClient(new Map([[GetDeploymentCommand, () => ({ deploymentInfo: { computePlatform: 'Server' } })]]));
    await expect(new CodeDeployDeployments(server.client).target('d-3')).rejects.toThrow(/Server deployment/);
    const none = fakeClient(new Map([[GetDeploymentCommand, () => ({ deploymentInfo: { computePlatform: 'Lambda' } })]]));
    await expect(new CodeDeployDeployments(none.client).target('d-4')).rejects.toThrow(/no AppSpec/);
  });

  it('reports the hook’s status for its execution', async () => {
    const { client, sent } = fakeClient(
      new Map([[PutLifecycleEventHookExecutionStatusCommand, () => ({ lifecycleEventHookExecutionId: 'h-1' })]]),
    );
    await new CodeDeployDeployments(client).report('d-5', 'h-1', 'Failed');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toBeInstanceOf(PutLifecycleEventHookExecutionStatusCommand);
    expect((sent[0] as { input: unknown }).input).toEqual({ deploymentId: 'd-5', lifecycleEventHookExecutionId: 'h-1', status: 'Failed' });
  });
});
