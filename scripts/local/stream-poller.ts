/**
 * serverless offline cannot bind Kinesis stream events: this stands in for the event source
 * mapping. It reads the market data stream in kinesalite from its tip (every shard, in order) and
 * invokes the consumer function through serverless offline's Lambda endpoint with the event shape
 * AWS would use; a failed invocation is retried with the same records before reading on. It also
 * invokes the heartbeat every 5 seconds.
 */
import { DescribeStreamCommand, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-kinesis';
import { kinesisClient } from '../../matching-host/server/publishers/kinesis-sink';
import { invokeFunction } from './invoke-function';

export interface Poller {
  stop(): void;
}

export function pollStream(options: {
  kinesisEndpoint: string;
  streamName: string;
  lambdaPort: number;
  consumer: string;
  heartbeat: string;
  log: (m: string) => void;
}): Poller {
  const kinesis = kinesisClient(options.kinesisEndpoint, 'us-east-1');
  let stopped = false;
  const invoke = (fn: string, payload: unknown): Promise<boolean> => invokeFunction(options.lambdaPort, fn, payload, options.log);
  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

  const shardLoop = async (shardId: string): Promise<void> => {
    let iterator = (
      await kinesis.send(new GetShardIteratorCommand({ StreamName: options.streamName, ShardId: shardId, ShardIteratorType: 'LATEST' }))
    ).ShardIterator;
    while (!stopped && iterator) {
      const r = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 500 }));
      const records = r.Records ?? [];
      if (records.length > 0) {
        const event = {
          Records: records.map((x) => ({
            eventSource: 'aws:kinesis',
            eventName: 'aws:kinesis:record',
            awsRegion: 'us-east-1',
            kinesis: {
              kinesisSchemaVersion: '1.0',
              partitionKey: x.PartitionKey,
              sequenceNumber: x.SequenceNumber,
              data: Buffer.from(x.Data ?? []).toString('base64'),
              approximateArrivalTimestamp: (x.ApproximateArrivalTimestamp?.getTime() ?? 0) / 1000,
            },
          })),
        };
        // as the event source mapping does: the same batch again until the consumer takes it
        while (!stopped && !(await invoke(options.consumer, event))) await sleep(1000);
      }
      iterator = r.NextShardIterator;
      // an empty shard is asked again soon: Lambda's enhanced fan-out pushes records as they come
      if (records.length === 0) await sleep(25);
    }
  };

  const run = async (): Promise<void> => {
    for (;;) {
      if (stopped) return;
      try {
        const d = await kinesis.send(new DescribeStreamCommand({ StreamName: options.streamName }));
        if (d.StreamDescription?.StreamStatus === 'ACTIVE') {
          await Promise.all((d.StreamDescription.Shards ?? []).map((s) => shardLoop(s.ShardId as string)));
          return;
        }
      } catch {
        // the host creates the stream when it starts publishing
      }
      await sleep(500);
    }
  };
  void run().catch((e: unknown) => options.log(`stream poller stopped: ${e instanceof Error ? e.message : String(e)}`));
  const beat = setInterval(() => void invoke(options.heartbeat, {}), 5000);
  beat.unref();
  return {
    stop: () => {
      stopped = true;
      clearInterval(beat);
      kinesis.destroy();
    },
  };
}
