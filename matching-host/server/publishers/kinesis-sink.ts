/**
 * Market data → Kinesis: batched PutRecords (≤ 500 records, ≤ 5 MiB per call), partition key =
 * symbol so a symbol's events share a shard. A partly failed call is resent from its first failed
 * record: records after it go again (consumers drop them by sequence) but none is skipped.
 */
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  KinesisClient,
  PutRecordsCommand,
  ResourceNotFoundException,
  type PutRecordsRequestEntry,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { Publication } from '../core/types';
import type { PublicationSink } from './publisher';

const MAX_RECORDS = 500;
const MAX_BYTES = 5 * 1024 * 1024 - 64 * 1024;

/** A Kinesis client on HTTP/1.1: kinesalite (the local stand-in) does not speak HTTP/2. */
export function kinesisClient(endpoint: string | undefined, region: string): KinesisClient {
  return new KinesisClient({
    region,
    endpoint,
    requestHandler: new NodeHttpHandler({ connectionTimeout: 2_000, requestTimeout: 10_000 }),
    // kinesalite accepts any credentials; in AWS the instance role provides real ones
    ...(endpoint ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    maxAttempts: 1,
  });
}

/** Create the stream when it does not exist (local runs; in AWS CloudFormation owns it). */
export async function ensureStream(client: KinesisClient, streamName: string, shards = 1): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      const d = await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
      if (d.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
    } catch (e) {
      if (!(e instanceof ResourceNotFoundException)) throw e;
      await client.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: shards })).catch((err: unknown) => {
        if (!(err instanceof Error && err.name === 'ResourceInUseException')) throw err;
      });
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`Kinesis stream ${streamName} did not become ACTIVE`);
}

export class KinesisSink implements PublicationSink {
  readonly name = 'kinesis';

  constructor(
    private readonly client: KinesisClient,
    private readonly streamName: string,
  ) {}

  async publish(batch: Publication[], signal?: AbortSignal): Promise<void> {
    let records: PutRecordsRequestEntry[] = [];
    let bytes = 0;
    for (const p of batch) {
      for (const e of p.market) {
        const data = Buffer.from(JSON.stringify(e));
        if (records.length === MAX_RECORDS || bytes + data.length > MAX_BYTES) {
          await this.put(records, signal);
          records = [];
          bytes = 0;
        }
        records.push({ Data: data, PartitionKey: e.symbol });
        bytes += data.length + e.symbol.length;
      }
    }
    if (records.length > 0) await this.put(records, signal);
  }

  private async put(records: PutRecordsRequestEntry[], signal?: AbortSignal): Promise<void> {
    let rest = records;
    for (let attempt = 0; rest.length > 0; attempt++) {
      // an attempt the publisher gave up on (timeout, stop) must not keep sending beside its retry
      signal?.throwIfAborted();
      const r = await this.client.send(new PutRecordsCommand({ StreamName: this.streamName, Records: rest }), { abortSignal: signal });
      if (!r.FailedRecordCount) return;
      if (attempt >= 5)
        throw new Error(`Kinesis rejected ${r.FailedRecordCount} records: ${r.Records?.find((x) => x.ErrorCode)?.ErrorCode ?? 'unknown'}`);
      const first = (r.Records ?? []).findIndex((x) => x.ErrorCode);
      rest = rest.slice(Math.max(0, first));
      await new Promise((res) => setTimeout(res, 20 * 2 ** attempt));
    }
  }

  close(): Promise<void> {
    this.client.destroy();
    return Promise.resolve();
  }
}
