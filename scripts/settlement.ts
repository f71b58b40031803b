/**
 * Batches settlement parked (they could not settle; the SettlementBatchesParked alarm fires).
 *   npm run settlement -- show [n]   list them with the reason, left where they are
 *   npm run settlement -- replay     start a settlement execution for each (every step is
 *                                    idempotent), then take it off the queue
 *   npm run settlement -- reconcile  the ledger against the matching host, per account
 * AMQP_URL / AMQP_EXCHANGE name the broker and exchange (default: local RabbitMQ, order-events);
 * the state machine is SETTLEMENT_STATE_MACHINE_ARN, else the local stack's, on AWS_ENDPOINT_URL_SFN
 * (default: npm start's endpoint).
 */
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { existsSync, readFileSync } from 'node:fs';
import { parkedQueue } from '../functions/sfn/adapters/amqp-settlement-notices';
import { AMQP_EXCHANGE, AMQP_URL, awsClientConfig, runCli } from './local/cli';
import { LOCAL_SECRETS } from './local/dev-secrets';
import { peek, takeEach, withChannel } from './local/queue-tools';

interface Parked {
  batchId: string;
  fills: number;
  reason: string;
}

export async function showParked(url: string, exchange: string, limit = 20): Promise<{ count: number; batches: Parked[] }> {
  return withChannel(url, async (ch) => {
    await ch.assertQueue(parkedQueue(exchange), { durable: true });
    const r = await peek(ch, parkedQueue(exchange), limit);
    const batches = r.messages.map((m) => {
      const b = JSON.parse(m.content.toString('utf8')) as { batchId?: string; fills?: unknown[] };
      return { batchId: String(b.batchId ?? ''), fills: b.fills?.length ?? 0, reason: String(m.properties.headers?.reason ?? '') };
    });
    return { count: r.count, batches };
  });
}

/** An execution per parked batch (taken off the queue once it started); one that fails again is parked again. */
export async function replayParked(url: string, exchange: string, sfn: SFNClient, stateMachineArn: string): Promise<number> {
  return withChannel(url, async (ch) => {
    await ch.assertQueue(parkedQueue(exchange), { durable: true });
    return takeEach(ch, parkedQueue(exchange), async (m) => {
      await sfn.send(new StartExecutionCommand({ stateMachineArn, input: m.content.toString('utf8') }));
    });
  });
}

if (require.main === module) {
  const [cmd = 'show', n] = process.argv.slice(2);
  runCli(async () => {
    if (cmd === 'show') {
      const r = await showParked(AMQP_URL, AMQP_EXCHANGE, n ? Number(n) : 20);
      process.stdout.write(`${r.count} parked settlement batch(es)\n`);
      for (const b of r.batches) process.stdout.write(`  ${b.batchId}  ${b.fills} fill(s)  ${b.reason.slice(0, 200)}\n`);
    } else if (cmd === 'replay') {
      const sfn = new SFNClient(awsClientConfig(!process.env.SETTLEMENT_STATE_MACHINE_ARN));
      const arn =
        process.env.SETTLEMENT_STATE_MACHINE_ARN ?? 'arn:aws:states:us-east-1:000000000000:stateMachine:exchange-local-settlement';
      process.stdout.write(`replayed ${await replayParked(AMQP_URL, AMQP_EXCHANGE, sfn, arn)} batch(es) into ${arn}\n`);
      sfn.destroy();
    } else if (cmd === 'reconcile') {
      // the functions' configuration wants the token keys; locally they are npm start's
      if (!process.env.JWT_VERIFY_JWKS && existsSync(LOCAL_SECRETS))
        process.env.JWT_VERIFY_JWKS = (JSON.parse(readFileSync(LOCAL_SECRETS, 'utf8')) as { jwtVerifyJwks: string }).jwtVerifyJwks;
      const { settlementService } = await import('../functions/sfn/wiring');
      process.stdout.write(`${JSON.stringify(await settlementService().reconcile(), null, 2)}\n`);
    } else throw new Error('usage: npm run settlement -- show [n] | replay | reconcile');
  });
}
