/**
 * The market data stream's consumer (a Kinesis event source in AWS; locally `npm start` polls
 * kinesalite and invokes it with the same event shape) and the heartbeat.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { publishMetrics } from '../shared/middleware/publish-metrics';
import middy from '@middy/core';
import type { KinesisStreamEvent } from 'aws-lambda';
import { z } from 'zod';
import { ApiGatewaySocketSender } from '../shared/adapters/apigw-socket-sender';
import { DynamoConnectionStore } from '../shared/adapters/dynamo-connection-store';
import { RedisSubscriberIndex } from '../shared/adapters/redis-subscriber-index';
import { dynamo } from '../shared/aws';
import { config } from '../shared/config';
import { count, logger, metrics } from '../shared/observability';
import { redis } from '../shared/redis';
import { FanoutService, type FanoutResult, type MarketEvent } from './fanout-service';

const Event = z.object({
  type: z.enum(['trade', 'level2', 'status']),
  symbol: z.string().min(1).max(32),
  sequence: z.number().int().min(1),
  time: z.number().int().min(0),
  data: z.record(z.string(), z.unknown()),
});

let service: FanoutService | undefined;
function fanout(): FanoutService {
  const cfg = config();
  service ??= new FanoutService(
    new RedisSubscriberIndex(redis()),
    new DynamoConnectionStore(dynamo(), cfg.CONNECTIONS_TABLE),
    new ApiGatewaySocketSender(cfg.WS_API_ENDPOINT),
  );
  return service;
}

/** Records that do not parse are counted and skipped: one bad record must not stall the stream. */
function eventsOf(event: KinesisStreamEvent): MarketEvent[] {
  const out: MarketEvent[] = [];
  for (const r of event.Records ?? []) {
    let json: unknown;
    try {
      json = JSON.parse(Buffer.from(r.kinesis.data, 'base64').toString('utf8'));
    } catch {
      json = undefined;
    }
    const parsed = Event.safeParse(json);
    if (parsed.success) out.push(parsed.data);
    else {
      count('MarketDataRecordSkipped');
      logger.warn('market data record skipped', { sequenceNumber: r.kinesis.sequenceNumber });
    }
  }
  return out;
}

export const handler = middy(async (event: KinesisStreamEvent): Promise<FanoutResult> => {
  const r = await fanout().publish(eventsOf(event));
  count('WebSocketMessagesSent', r.sent);
  return r;
})
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(publishMetrics(metrics));

export const heartbeat = middy(async (): Promise<FanoutResult> => fanout().heartbeat(Date.now()))
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(publishMetrics(metrics));
