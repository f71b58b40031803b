/**
 * Settlement's announcements on the order-event broker: `settlement.completed` on the order-event
 * exchange for whoever binds it, and batches that cannot settle parked on a durable queue of
 * their own (`<exchange>.settlement-parked`) for a person and `npm run settlement -- replay`.
 * Publisher confirms: a notice is sent when this resolves.
 */
import * as amqp from 'amqplib';
import type { SettlementNotices } from '../ports/settlement-ledger';

export const parkedQueue = (exchange: string): string => `${exchange}.settlement-parked`;

export class AmqpSettlementNotices implements SettlementNotices {
  private channel?: Promise<{ conn: amqp.ChannelModel; ch: amqp.ConfirmChannel }>;

  constructor(
    private readonly url: string,
    private readonly exchange: string,
  ) {}

  async settled(summary: { batchId: string; sides: number; posted: number; skipped: number }): Promise<void> {
    const ch = await this.open();
    ch.publish(this.exchange, 'settlement.completed', Buffer.from(JSON.stringify(summary)), { persistent: true, messageId: `settled:${summary.batchId}`, contentType: 'application/json' });
    await ch.waitForConfirms();
  }

  async parked(batch: unknown, reason: string): Promise<void> {
    const ch = await this.open();
    ch.sendToQueue(parkedQueue(this.exchange), Buffer.from(JSON.stringify(batch)), { persistent: true, contentType: 'application/json', headers: { reason: reason.slice(0, 500) } });
    await ch.waitForConfirms();
  }

  /** Close the connection (tests, shutdown); the next notice opens one again. */
  async close(): Promise<void> {
    const ch = this.channel;
    this.channel = undefined;
    if (ch) await ch.then((c) => c.conn.close()).catch(() => undefined);
  }

  private async open(): Promise<amqp.ConfirmChannel> {
    this.channel ??= (async () => {
      const conn = await amqp.connect(this.url);
      const ch = await conn.createConfirmChannel();
      await ch.assertExchange(this.exchange, 'topic', { durable: true });
      await ch.assertQueue(parkedQueue(this.exchange), { durable: true });
      // a broken connection is opened again by the next notice
      const forget = (): void => void (this.channel = undefined);
      conn.on('close', forget);
      conn.on('error', forget);
      return { conn, ch };
    })().catch((e: unknown) => {
      this.channel = undefined;
      throw e;
    });
    return (await this.channel).ch;
  }
}
