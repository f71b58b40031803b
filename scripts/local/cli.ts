/**
 * What the operators' scripts (dlq, settlement, dr) share: AWS clients aimed at `npm start`'s
 * stand-ins unless the environment names real resources, and one way to end (exit code, the error
 * on stderr without a stack).
 */
import { portsFromEnv } from './ports';

/** the broker and order-event exchange the scripts act on */
export const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
export const AMQP_EXCHANGE = process.env.AMQP_EXCHANGE ?? 'order-events';

/**
 * Client settings for AWS SDK v3: locally, the stack's Step Functions and DynamoDB endpoints (unless
 * already set) and dummy credentials; elsewhere the SDK's own configuration.
 */
export function awsClientConfig(local: boolean): { region?: string; credentials?: { accessKeyId: string; secretAccessKey: string } } {
  if (!local) return {};
  process.env.AWS_ENDPOINT_URL_SFN ??= `http://127.0.0.1:${portsFromEnv().stepFunctions}`;
  process.env.AWS_ENDPOINT_URL_DYNAMODB ??= `http://127.0.0.1:${portsFromEnv().dynamodb}`;
  return { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
}

/** Run a script's command: its exit code (0 when it returns nothing), or 1 with the error's message. */
export function runCli(run: () => Promise<number | void>): void {
  run().then(
    (code) => process.exit(code ?? 0),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}
