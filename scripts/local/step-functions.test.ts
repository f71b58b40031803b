/**
 * The local Step Functions endpoint through @aws-sdk/client-sfn, with a stand-in invoker (the
 * settlement machine's behaviour is tested in statemachines/): the protocol's errors, and that
 * finished executions do not pile up without bound.
 */
import { DescribeExecutionCommand, ListStateMachinesCommand, SFNClient, StartSyncExecutionCommand } from '@aws-sdk/client-sfn';
import { startStepFunctions, type LocalStepFunctions } from './step-functions';

let sfn: LocalStepFunctions;
let client: SFNClient;

beforeAll(async () => {
  // every Task answers at once: the settlement machine runs straight through
  sfn = await startStepFunctions({ invoke: () => Promise.resolve({ posted: 0, skipped: 0 }), keepFinished: 2 });
  client = new SFNClient({
    endpoint: sfn.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    disableHostPrefix: true,
  });
});

afterAll(async () => {
  client.destroy();
  await sfn.close();
});

it('lists the state machines of resources/statemachines.yml', async () => {
  const r = await client.send(new ListStateMachinesCommand({}));
  expect(r.stateMachines?.map((m) => [m.name, m.type])).toContainEqual(['exchange-local-settlement', 'EXPRESS']);
});

it('answers an unknown state machine or execution as the service does', async () => {
  await expect(client.send(new StartSyncExecutionCommand({ stateMachineArn: sfn.arnOf('nope'), input: '{}' }))).rejects.toMatchObject({
    name: 'StateMachineDoesNotExist',
  });
  await expect(
    client.send(new DescribeExecutionCommand({ executionArn: 'arn:aws:states:us-east-1:000000000000:express:nope:x' })),
  ).rejects.toMatchObject({ name: 'ExecutionDoesNotExist' });
});

it('keeps only the newest finished executions', async () => {
  const arns: string[] = [];
  for (let i = 0; i < 3; i++) {
    const r = await client.send(
      new StartSyncExecutionCommand({
        stateMachineArn: sfn.arnOf('exchange-local-settlement'),
        input: JSON.stringify({ batchId: `b${i}`, fills: [] }),
      }),
    );
    expect(r.status).toBe('SUCCEEDED');
    arns.push(r.executionArn as string);
  }
  await new Promise((r) => setTimeout(r, 20));
  await expect(client.send(new DescribeExecutionCommand({ executionArn: arns[0] }))).rejects.toMatchObject({
    name: 'ExecutionDoesNotExist',
  });
  expect((await client.send(new DescribeExecutionCommand({ executionArn: arns[2] }))).status).toBe('SUCCEEDED');
});
