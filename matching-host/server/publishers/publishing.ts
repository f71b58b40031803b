/**
 * Wires the host's publishers: market data → Kinesis, book/ticker/trades → Redis, order events →
 * RabbitMQ. Each one is optional (switched off by an empty setting) and independent: a downstream
 * that is down only makes its own publisher lag; matching never waits for any of them.
 */
import type { KeyObject } from 'node:crypto';
import type { RedisClient } from '../../proto/redis-connection';
import type { Logger } from 'pino';
import type { MatchingHost } from '../host';
import type { MarketConfig } from '../../proto/market-config';
import { replayPublications } from './publication-replay';
import { AmqpSink } from './amqp-sink';
import { type AmqpTopology } from '../../proto/order-event-topology';
import { CursorFile } from './cursor-file';
import { KinesisSink, ensureStream } from './kinesis-sink';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { Publisher, type PublicationSink } from './publisher';
import { RedisSink } from './redis-sink';
import type { HostMetrics } from '../metrics';

export interface PublishingOptions {
  dataDir: string;
  market: MarketConfig;
  kinesis?: { client: KinesisClient; streamName: string };
  redis?: RedisClient;
  /** `signingKey`: order events go out signed with it (consumers refuse unsigned ones) */
  amqp?: { url: string; topology: AmqpTopology; signingKey?: KeyObject };
  log: Logger;
  metrics?: HostMetrics;
}

export class Publishing {
  readonly publishers: Publisher[] = [];

  constructor(
    private readonly host: MatchingHost,
    private readonly o: PublishingOptions,
  ) {}

  /** Lowest journal seq some publisher still needs (the host keeps snapshots and journal from there). */
  retainFrom(): number {
    return Math.min(Infinity, ...this.publishers.map((p) => p.resumeSeq + 1));
  }

  async start(): Promise<void> {
    const { o, host } = this;
    if (o.kinesis) {
      const { client, streamName } = o.kinesis;
      await ensureStream(client, streamName).catch((e: unknown) =>
        o.log.warn({ err: e, streamName }, 'Kinesis stream not ready; the publisher will retry'),
      );
      this.add(new KinesisSink(client, streamName), true);
    }
    if (o.amqp) this.add(new AmqpSink(o.amqp.url, o.amqp.topology, o.amqp.signingKey), true);
    if (o.redis) {
      // the views in Redis start as the recovered host holds them: current state, not history
      const sink = new RedisSink(
        o.redis,
        host.core.engine.symbols.map((s) => host.core.marketState(s.symbol)),
        o.log,
      );
      this.add(sink, false);
      sink.start();
    }
    for (const p of this.publishers) p.start();
  }

  private add(sink: PublicationSink, durableCursor: boolean): void {
    const { o, host } = this;
    let cursorFile: CursorFile | undefined;
    if (durableCursor) {
      cursorFile = new CursorFile(o.dataDir, sink.name);
      // a publisher added to a running history starts now; record that before anything is sent
      if (cursorFile.load() === null) cursorFile.save(host.lastSeq);
    }
    this.publishers.push(
      new Publisher({
        sink,
        outbox: host.outbox,
        replay: (from, to) => replayPublications(o.dataDir, o.market, from, to, host.epochs),
        cursorFile,
        startSeq: host.lastSeq,
        log: o.log,
        onPublished: (name, n) => o.metrics?.publishedMessages(name, n),
        onError: (name) => o.metrics?.publishError(name),
        onGap: (name, from, to) => o.metrics?.gap(name, to - from + 1),
      }),
    );
  }

  async caughtUp(timeoutMs = 10_000): Promise<boolean> {
    const r = await Promise.all(this.publishers.map((p) => p.caughtUp(timeoutMs)));
    return r.every(Boolean);
  }

  async stop(): Promise<void> {
    await Promise.all(this.publishers.map((p) => p.stop()));
  }
}
