/**
 * WebSocket connections and their subscriptions. The fan-out (a later issue) reads the same
 * records to decide who gets which message; here a connection is recorded at $connect with the
 * identity its authorizer established, and subscribe/unsubscribe edit what it receives.
 */
import { AppError, badRequest } from '../shared/errors';
import type { Connection, ConnectionStore } from '../shared/ports/connection-store';
import { SYMBOL_CHANNELS, type SubscriptionFrame } from './schemas';

/** API Gateway closes a WebSocket after 2 hours; the record outlives it a little, then TTL drops it. */
const CONNECTION_TTL_S = 2 * 3600 + 300;
const MAX_SUBSCRIPTIONS = 50;

export interface ConnectionIdentity {
  connectionId: string;
  userId: string | null;
  accountNo: number | null;
  sessionId: string | null;
}

export interface SubscriptionsView {
  type: 'subscriptions';
  id?: string;
  subscriptions: string[];
}

export class WsService {
  constructor(
    private readonly connections: ConnectionStore,
    private readonly symbols: ReadonlySet<string>,
  ) {}

  async connect(who: ConnectionIdentity, now: Date): Promise<void> {
    const c: Connection = { ...who, subscriptions: [], connectedAt: now.toISOString(), expiresAt: Math.floor(now.getTime() / 1000) + CONNECTION_TTL_S };
    await this.connections.put(c);
  }

  disconnect(connectionId: string): Promise<void> {
    return this.connections.remove(connectionId);
  }

  /** Add or remove the frame's subscriptions; answers the connection's subscriptions after the change. */
  async update(connectionId: string, frame: SubscriptionFrame): Promise<SubscriptionsView> {
    const conn = await this.connections.get(connectionId);
    if (!conn) throw new AppError(410, 'GONE', 'this connection is closed');
    const keys = this.keysOf(frame, conn);
    const current = new Set(conn.subscriptions);
    for (const k of keys) {
      if (frame.action === 'subscribe') current.add(k);
      else current.delete(k);
    }
    if (current.size > MAX_SUBSCRIPTIONS) throw badRequest('TOO_MANY_SUBSCRIPTIONS', `at most ${MAX_SUBSCRIPTIONS} subscriptions per connection`);
    const subscriptions = [...current].sort();
    if (!(await this.connections.setSubscriptions(connectionId, subscriptions))) throw new AppError(410, 'GONE', 'this connection is closed');
    return { type: 'subscriptions', ...(frame.id ? { id: frame.id } : {}), subscriptions };
  }

  /** "trades:BTC-USD", "user", …: one key per channel and symbol the frame names. */
  private keysOf(frame: SubscriptionFrame, conn: Connection): string[] {
    const keys: string[] = [];
    for (const ch of new Set(frame.channels)) {
      if (ch === 'user' && !conn.userId && frame.action === 'subscribe')
        throw new AppError(403, 'FORBIDDEN', 'the user channel needs a token at $connect (?token= or Sec-WebSocket-Protocol)');
      if (!SYMBOL_CHANNELS.has(ch)) {
        keys.push(ch);
        continue;
      }
      if (!frame.symbols?.length) throw badRequest('SYMBOLS_REQUIRED', `the ${ch} channel needs "symbols"`);
      for (const s of frame.symbols) {
        if (!this.symbols.has(s)) throw badRequest('UNKNOWN_SYMBOL', `unknown symbol ${s}; known: ${[...this.symbols].join(', ')}`);
        keys.push(`${ch}:${s}`);
      }
    }
    return keys;
  }
}
