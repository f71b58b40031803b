/**
 * Private order events → RabbitMQ (the local Amazon MQ): a durable topic exchange, persistent
 * messages, publisher confirms. Routing key `order.<account>.<type>`; messageId `<seq>:<idx>` is
 * the de-duplication key. The host declares the queues that must never miss an event (the history
 * writer's), each dead-lettering into a DLX + DLQ, so nothing is dropped for lack of a binding.
 */
import * as amqp from 'amqplib';
import type { KeyObject } from 'node:crypto';
import { signOrderEvent } from '../../proto/order-event-signature';
import type { Publication } from '../core/types';
import type { PublicationSink } from './publisher';
import { assertTopology, type AmqpTopology } from '../../proto/order-event-topology';

function drainOrClose(ch: amqp.Channel): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onDrain = (): void => {
      ch.off('close', onClose);
      resolve();
    };
    const onClose = (): void => {
      ch.off('drain', onDrain);
      reject(new Error('channel closed while publishing'));
    };
    ch.once('drain', onDrain);
    ch.once('close', onClose);
  });
}

export class AmqpSink implements PublicationSink {
  readonly name = 'rabbitmq';
  private conn: amqp.ChannelModel | null = null;
  private ch: amqp.ConfirmChannel | null = null;
  private connecting: Promise<amqp.ConfirmChannel> | null = null;

  constructor(
    private readonly url: string,
    private readonly topology: AmqpTopology,
    /** order events are signed with it (see order-event-signature.ts); without it they go out unsigned */
    private readonly signingKey?: KeyObject,
  ) {}

  private channel(): Promise<amqp.ConfirmChannel> {
    if (this.ch) return Promise.resolve(this.ch);
    this.connecting ??= (async () => {
      let conn: amqp.ChannelModel | null = null;
      try {
        conn = await amqp.connect(this.url, { timeout: 2_000 });
        const c = conn;
        const drop = (): void => {
          if (this.conn === c) {
            this.conn = null;
            this.ch = null;
            // a channel error leaves the connection open: close it so retries do not leak them
            c.close().catch(() => undefined);
          }
        };
        conn.on('close', drop);
        conn.on('error', drop);
        const ch = await conn.createConfirmChannel();
        ch.on('close', drop);
        ch.on('error', drop);
        await assertTopology(ch, this.topology);
        this.conn = conn;
        this.ch = ch;
        return ch;
      } catch (e) {
        await conn?.close().catch(() => undefined);
        throw e;
      } finally {
        this.connecting = null;
      }
    })();
    return this.connecting;
  }

  async publish(batch: Publication[]): Promise<void> {
    const ch = await this.channel();
    for (const p of batch) {
      for (const e of p.orders) {
        const body = this.signingKey ? signOrderEvent(e, this.signingKey) : e;
        const ok = ch.publish(this.topology.exchange, `order.${e.account}.${e.type}`, Buffer.from(JSON.stringify(body)), {
          persistent: true,
          contentType: 'application/json',
          messageId: `${e.seq}:${e.idx}`,
          timestamp: Math.floor(e.time / 1000),
          headers: { seq: e.seq, idx: e.idx },
        });
        if (!ok) await drainOrClose(ch);
      }
    }
    // rejects if the broker nacked any message or the channel closed before confirming
    await ch.waitForConfirms();
  }

  async close(): Promise<void> {
    const conn = this.conn;
    this.conn = null;
    this.ch = null;
    await conn?.close().catch(() => undefined);
  }
}
