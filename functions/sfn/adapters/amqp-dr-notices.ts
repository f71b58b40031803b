/**
 * The DR runbooks' announcements on the order-event broker's topic exchange: `dr.<runbook>.<outcome>`
 * (approval requested, completed, rolled back, rejected) for whoever binds them (paging, chat).
 */
import type { DrNotices } from '../ports/dr-notices';
import { AmqpConfirmChannel } from './amqp-channel';

export class AmqpDrNotices implements DrNotices {
  private readonly channel: AmqpConfirmChannel;

  constructor(
    /** the broker's URL, or how to get it (its credentials are read at run time in AWS) */
    url: string | (() => Promise<string>),
    private readonly exchange: string,
  ) {
    this.channel = new AmqpConfirmChannel(url, async (ch) => {
      await ch.assertExchange(exchange, 'topic', { durable: true });
    });
  }

  async announce(event: string, body: Record<string, unknown>, id: string): Promise<void> {
    const ch = await this.channel.open();
    ch.publish(this.exchange, event, Buffer.from(JSON.stringify(body)), {
      persistent: true,
      messageId: id,
      contentType: 'application/json',
    });
    await ch.waitForConfirms();
  }

  close(): Promise<void> {
    return this.channel.close();
  }
}
