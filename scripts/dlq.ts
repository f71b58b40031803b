/**
 * `npm run dlq -- show [n]`: the order events that were dead-lettered (after the consumer failed on
 * them MAX_ATTEMPTS times), left where they are. `npm run dlq -- replay`: send each back to the
 * order-event exchange with its original routing key and id (the consumer is idempotent by id),
 * then remove it from the DLQ. AMQP_URL names the broker (default: local RabbitMQ), AMQP_EXCHANGE
 * the order-event exchange (default order-events).
 */
import type * as amqp from 'amqplib';
import { assertTopology, defaultTopology } from '../matching-host/proto/order-event-topology';
import { AMQP_EXCHANGE, AMQP_URL, runCli } from './local/cli';
import { peek, takeEach, withChannel } from './local/queue-tools';

interface Dead {
  messageId: string;
  routingKey: string;
  reason: string;
  body: string;
}

function describe(msg: amqp.GetMessage): Dead {
  const death = (msg.properties.headers?.['x-death'] as { 'routing-keys'?: string[]; reason?: string }[] | undefined)?.[0];
  return {
    messageId: String(msg.properties.messageId ?? ''),
    routingKey: death?.['routing-keys']?.[0] ?? msg.fields.routingKey,
    reason: death?.reason ?? 'unknown',
    body: msg.content.toString('utf8'),
  };
}

export async function showDlq(url: string, limit = 20, exchange = 'order-events'): Promise<{ count: number; messages: Dead[] }> {
  const t = defaultTopology(exchange);
  return withChannel(url, async (ch) => {
    await assertTopology(ch, t);
    const r = await peek(ch, t.deadLetterQueue, limit);
    return { count: r.count, messages: r.messages.map(describe) };
  });
}

export async function replayDlq(url: string, exchange = 'order-events'): Promise<number> {
  const t = defaultTopology(exchange);
  return withChannel(url, async (ch) => {
    await assertTopology(ch, t);
    return takeEach(ch, t.deadLetterQueue, async (m) => {
      ch.publish(t.exchange, describe(m).routingKey, m.content, {
        persistent: true,
        messageId: m.properties.messageId as string | undefined,
        contentType: 'application/json',
      });
      // taken off the DLQ only once the broker has the copy
      await ch.waitForConfirms();
    });
  });
}

if (require.main === module) {
  const [cmd = 'show', n] = process.argv.slice(2);
  runCli(async () => {
    if (cmd === 'show') {
      const r = await showDlq(AMQP_URL, n ? Number(n) : 20, AMQP_EXCHANGE);
      process.stdout.write(`${r.count} dead-lettered order event(s)\n`);
      for (const m of r.messages) process.stdout.write(`  ${m.messageId}  ${m.routingKey}  (${m.reason})  ${m.body.slice(0, 160)}\n`);
    } else if (cmd === 'replay') process.stdout.write(`replayed ${await replayDlq(AMQP_URL, AMQP_EXCHANGE)} order event(s)\n`);
    else throw new Error('usage: npm run dlq -- show [n] | replay');
  });
}
