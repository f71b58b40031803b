/**
 * Reads market data back from the Kinesis stream: every shard from a point in time (AT_TIMESTAMP)
 * or from the oldest record, up to the present. Used by `npm run md:replay` and by tests that
 * check what consumers see.
 */
import { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import type { MarketDataEvent } from '../../proto/messages';

export async function readMarketData(
  client: KinesisClient,
  streamName: string,
  options: { from?: Date; symbol?: string } = {},
): Promise<MarketDataEvent[]> {
  const out: MarketDataEvent[] = [];
  const shards = (await client.send(new ListShardsCommand({ StreamName: streamName }))).Shards ?? [];
  for (const shard of shards) {
    let iterator = (
      await client.send(
        new GetShardIteratorCommand({
          StreamName: streamName,
          ShardId: shard.ShardId,
          ...(options.from ? { ShardIteratorType: 'AT_TIMESTAMP', Timestamp: options.from } : { ShardIteratorType: 'TRIM_HORIZON' }),
        }),
      )
    ).ShardIterator;
    while (iterator) {
      const r = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
      for (const rec of r.Records ?? []) {
        const e = JSON.parse(Buffer.from(rec.Data ?? new Uint8Array()).toString('utf8')) as MarketDataEvent;
        if (!options.symbol || e.symbol === options.symbol) out.push(e);
      }
      // caught up with the shard's tip
      if ((r.Records ?? []).length === 0 && (r.MillisBehindLatest ?? 0) === 0) break;
      iterator = r.NextShardIterator;
    }
  }
  return out;
}

/** Sort by (symbol, sequence) and drop re-sent copies: what a de-duplicating consumer keeps. */
export function inSequence(events: MarketDataEvent[]): MarketDataEvent[] {
  const seen = new Set<string>();
  return events
    .filter((e) => {
      const k = `${e.symbol}:${e.sequence}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .sort((a, b) => (a.symbol === b.symbol ? a.sequence - b.sequence : a.symbol < b.symbol ? -1 : 1));
}
