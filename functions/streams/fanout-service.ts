/**
 * Market data to WebSocket subscribers: each event from the market data stream goes, as
 * `{channel, type:"update", symbol, sequence, time, data}`, to the connections subscribed to its
 * channel and symbol (trade → trades and ticker, level2 → level2, status → ticker; level2 also
 * gets a sequence marker for every other event of its symbol). A connection
 * API Gateway reports gone is forgotten. Delivery is at least once: a client skips sequences it has.
 */
import type { MarketDataEvent } from '../../matching-host/proto/messages';
import type { ConnectionStore } from '../shared/ports/connection-store';
import type { SessionSockets } from '../shared/session-sockets';
import type { SocketSender } from '../shared/ports/socket-sender';
import { indexKey, type SubscriberIndex } from '../shared/ports/subscriber-index';
import { logger } from '../shared/observability';

export interface FanoutResult {
  events: number;
  sent: number;
  gone: number;
  failed: number;
}

/**
 * The level2 channel carries every sequence number of its symbol: events that do not change the
 * book come as `type:"sequence"` (no data), so a client sees sequences contiguous from its
 * snapshot's and notices a missed message as a gap (then resubscribes for a fresh snapshot).
 */
function messagesOf(e: MarketDataEvent): { channel: string; type: 'update' | 'sequence'; data?: Record<string, unknown> }[] {
  if (e.type === 'level2') return [{ channel: 'level2', type: 'update', data: e.data }];
  const marker = { channel: 'level2', type: 'sequence' as const };
  if (e.type === 'trade')
    return [
      { channel: 'trades', type: 'update', data: e.data },
      { channel: 'ticker', type: 'update', data: { last: e.data.price, lastQuantity: e.data.quantity } },
      marker,
    ];
  return [{ channel: 'ticker', type: 'update', data: e.data }, marker];
}

export class FanoutService {
  constructor(
    private readonly index: SubscriberIndex,
    private readonly connections: ConnectionStore,
    private readonly sender: SocketSender,
    /** which of a user's sockets still have a live session (the rest are closed, never sent to) */
    private readonly sessions: Pick<SessionSockets, 'closeEnded'>,
  ) {}

  async publish(events: MarketDataEvent[]): Promise<FanoutResult> {
    const out: FanoutResult = { events: events.length, sent: 0, gone: 0, failed: 0 };
    // subscribers read once per key and batch; events go out in stream order per connection
    const subscribers = new Map<string, string[]>();
    const gone = new Set<string>();
    for (const e of events) {
      for (const m of messagesOf(e)) {
        const key = `${m.channel}:${e.symbol}`;
        let ids = subscribers.get(key);
        if (!ids) {
          ids = await this.index.subscribers(key);
          subscribers.set(key, ids);
        }
        const message = {
          channel: m.channel,
          type: m.type,
          symbol: e.symbol,
          sequence: e.sequence,
          time: e.time,
          ...(m.data ? { data: m.data } : {}),
        };
        await Promise.all(ids.filter((id) => !gone.has(id)).map((id) => this.deliver(id, message, out, gone)));
      }
    }
    for (const id of gone) await this.forget(id);
    return out;
  }

  /** `{channel:"heartbeat", type:"update", time}` to every heartbeat subscriber. */
  heartbeat(now: number): Promise<FanoutResult> {
    return this.sendTo('heartbeat', { channel: 'heartbeat', type: 'update', time: now });
  }

  /**
   * One message to every connection indexed under `key` (e.g. `user:<userId>`). A private key's
   * connections get it only while the session they were opened with lives.
   */
  async sendTo(key: string, message: unknown): Promise<FanoutResult> {
    const out: FanoutResult = { events: 0, sent: 0, gone: 0, failed: 0 };
    const gone = new Set<string>();
    let ids = await this.index.subscribers(key);
    if (key.startsWith('user:') && ids.length > 0) {
      const live = await this.sessions.closeEnded(key.slice('user:'.length), ids);
      ids = ids.filter((id) => live.has(id));
    }
    await Promise.all(ids.map((id) => this.deliver(id, message, out, gone)));
    for (const id of gone) await this.forget(id);
    return out;
  }

  private async deliver(id: string, message: unknown, out: FanoutResult, gone: Set<string>): Promise<void> {
    try {
      if ((await this.sender.send(id, message)) === 'gone') {
        gone.add(id);
        out.gone++;
      } else out.sent++;
    } catch (e) {
      out.failed++;
      logger.warn('websocket send failed', { connectionId: id, error: e as Error });
    }
  }

  private async forget(connectionId: string): Promise<void> {
    const c = await this.connections.get(connectionId);
    // every key the index might hold it under, even if the record is gone already
    await this.index.remove(
      connectionId,
      (c?.subscriptions ?? []).map((k) => indexKey(k, c?.userId ?? null)),
    );
    await this.connections.remove(connectionId);
  }
}
