/**
 * The market data stream's consumer (a Kinesis event source in AWS; locally `npm start` polls
 * kinesalite and invokes it with the same event shape) and the heartbeat.
 */
import type { KinesisStreamEvent } from 'aws-lambda';
import { eventHandler } from '../shared/event-handler';
import { count, logger } from '../shared/observability';
import type { FanoutResult } from './fanout-service';
import { MarketDataEvent } from '../../matching-host/proto/messages';
import { fanoutService } from './wiring';

/** Records that do not parse are counted and skipped: one bad record must not stall the stream. */
function eventsOf(event: KinesisStreamEvent): MarketDataEvent[] {
  const out: MarketDataEvent[] = [];
  for (const r of event.Records ?? []) {
    let json: unknown;
    try {
      json = JSON.parse(Buffer.from(r.kinesis.data, 'base64').toString('utf8'));
    } catch {
      json = undefined;
    }
    const parsed = MarketDataEvent.safeParse(json);
    if (parsed.success) out.push(parsed.data);
    else {
      count('MarketDataRecordSkipped');
      logger.warn('market data record skipped', { sequenceNumber: r.kinesis.sequenceNumber });
    }
  }
  return out;
}

export const handler = eventHandler(async (event: KinesisStreamEvent): Promise<FanoutResult> => {
  const r = await fanoutService().publish(eventsOf(event));
  count('WebSocketMessagesSent', r.sent);
  return r;
});

export const heartbeat = eventHandler((): Promise<FanoutResult> => fanoutService().heartbeat(Date.now()));
