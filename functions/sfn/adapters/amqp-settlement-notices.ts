/**
 * Settlement's announcements on the order-event broker: `settlement.completed` on the order-event
 * exchange for whoever binds it, and batches that cannot settle parked on a durable queue of
 * their own (`<exchange>.settlement-parked`) for a person and `npm run settlement -- replay`.
 * Publisher confirms: a notice is sent when this resolves.
 */
import { AmqpConfirmChannel } from './amqp-channel';
import type { SettlementNotices } from '../../shared/ports/settlement-ledger';

export const parkedQueue = (exchange: string): string => `${exchange}.settlement-parked`;

export class AmqpSettlementNotices implements SettlementNotices {
  private readonly channel: AmqpConfirmChannel;

  constructor(
    /** the broker's URL, or how to get it (its credentials are read at run time in AWS) */
    url: string | (() => Promise<string>),
    private readonly exchange: string,
  ) {
    this.channel = new AmqpConfirmChannel(url, async (ch) => {
      await ch.assertExchange(exchange, 'topic', { durable: true });
      await ch.assertQueue(parkedQueue(exchange), { durable: true });
    });
  }

  async settled(summary: { batchId: string; sides: number; posted: number; skipped: number }): Promise<void> {
    const ch = await this.channel.open();
    ch.publish(this.exchange, 'settlement.completed', Buffer.from(JSON.stringify(summary)), {
      persistent: true,
      messageId: `settled:${summary.batchId}`,
      contentType: 'application/json',
    });
    await ch.waitForConfirms();
  }

  async parked(batch: unknown, reason: string): Promise<void> {
    const ch = await this.channel.open();
    ch.sendToQueue(parkedQueue(this.exchange), Buffer.from(JSON.stringify(batch)), {
      persistent: true,
      contentType: 'application/json',
      headers: { reason: reason.slice(0, 500) },
    });
    await ch.waitForConfirms();
  }

  /** Close the connection (tests, shutdown); the next notice opens one again. */
  close(): Promise<void> {
    return this.channel.close();
  }
}
