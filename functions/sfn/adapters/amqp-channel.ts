/**
 * One confirm channel to the order-event broker, opened on first use and again after it broke;
 * the notices adapters publish through it and wait for the broker's confirm.
 */
import * as amqp from 'amqplib';

export class AmqpConfirmChannel {
  private channel?: Promise<{ conn: amqp.ChannelModel; ch: amqp.ConfirmChannel }>;

  /** `setup` declares what the publisher needs (exchange, queues) on every new channel. */
  constructor(
    private readonly url: string | (() => Promise<string>),
    private readonly setup: (ch: amqp.ConfirmChannel) => Promise<void>,
  ) {}

  async open(): Promise<amqp.ConfirmChannel> {
    this.channel ??= (async () => {
      const conn = await amqp.connect(typeof this.url === 'string' ? this.url : await this.url());
      const ch = await conn.createConfirmChannel();
      await this.setup(ch);
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

  /** Close the connection (tests, shutdown); the next notice opens one again. */
  async close(): Promise<void> {
    const ch = this.channel;
    this.channel = undefined;
    if (ch) await ch.then((c) => c.conn.close()).catch(() => undefined);
  }
}
