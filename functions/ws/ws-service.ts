/**
 * WebSocket connections and their subscriptions. The fan-out (a later issue) reads the same
 * records to decide who gets which message; here a connection is recorded at $connect with the
 * identity its authorizer established, and subscribe/unsubscribe edit what it receives.
 */
import { AppError, badRequest } from '../shared/errors';
import { CONNECTION_RECORD_TTL_S, type Connection, type ConnectionStore } from '../shared/ports/connection-store';
import type { MarketDataPort } from '../shared/ports/market-data';
import type { SessionSockets } from '../shared/session-sockets';
import type { SocketSender } from '../shared/ports/socket-sender';
import { indexKey, type SubscriberIndex } from '../shared/ports/subscriber-index';
import { SYMBOL_CHANNELS, type SubscriptionFrame } from './schemas';

const MAX_SUBSCRIPTIONS = 50;

export interface ConnectionIdentity {
  connectionId: string;
  userId: string | null;
  accountNo: number | null;
  sessionId: string | null;
  /** the roles version the handshake's token carried (authenticated connections) */
  rolesVersion: number | null;
}

export interface SubscriptionsView {
  type: 'subscriptions';
  id?: string;
  subscriptions: string[];
}

export class WsService {
  constructor(
    private readonly connections: ConnectionStore,
    private readonly index: SubscriberIndex,
    private readonly symbols: ReadonlySet<string>,
    /** where snapshots come from and go to on a subscribe to level2 or ticker */
    private readonly snapshots: { market: MarketDataPort; sender: SocketSender },
    /** authenticated sockets by user, so the end of their session closes them */
    private readonly sockets: Pick<SessionSockets, 'opened' | 'closed'>,
  ) {}

  async connect(who: ConnectionIdentity, now: Date): Promise<void> {
    const { rolesVersion, ...identity } = who;
    const c: Connection = {
      ...identity,
      subscriptions: [],
      connectedAt: now.toISOString(),
      expiresAt: Math.floor(now.getTime() / 1000) + CONNECTION_RECORD_TTL_S,
    };
    // known to the session's enders before anything can be subscribed on it
    if (who.userId && who.sessionId)
      await this.sockets.opened(who.userId, { connectionId: who.connectionId, sessionId: who.sessionId, rolesVersion: rolesVersion ?? 0 });
    await this.connections.put(c);
  }

  async disconnect(connectionId: string): Promise<void> {
    const conn = await this.connections.get(connectionId);
    if (conn) {
      await this.index.remove(
        connectionId,
        conn.subscriptions.map((k) => indexKey(k, conn.userId)),
      );
      if (conn.userId) await this.sockets.closed(conn.userId, connectionId);
    }
    await this.connections.remove(connectionId);
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
    if (current.size > MAX_SUBSCRIPTIONS)
      throw badRequest('TOO_MANY_SUBSCRIPTIONS', `at most ${MAX_SUBSCRIPTIONS} subscriptions per connection`);
    const subscriptions = [...current].sort();
    if (!(await this.connections.setSubscriptions(connectionId, subscriptions)))
      throw new AppError(410, 'GONE', 'this connection is closed');
    const before = new Set(conn.subscriptions);
    const added = subscriptions.filter((k) => !before.has(k));
    await this.index.add(
      connectionId,
      added.map((k) => indexKey(k, conn.userId)),
    );
    await this.index.remove(
      connectionId,
      conn.subscriptions.filter((k) => !current.has(k)).map((k) => indexKey(k, conn.userId)),
    );
    // indexed first, then the snapshot: no update can fall between the two (older ones are skipped by sequence)
    for (const k of added) await this.sendSnapshot(connectionId, k);
    return { type: 'subscriptions', ...(frame.id ? { id: frame.id } : {}), subscriptions };
  }

  private async sendSnapshot(connectionId: string, key: string): Promise<void> {
    const [channel, symbol] = key.split(':');
    if (channel === 'level2') {
      const b = await this.snapshots.market.book(symbol);
      await this.snapshots.sender.send(connectionId, {
        channel,
        type: 'snapshot',
        symbol,
        sequence: b?.sequence ?? 0,
        time: b?.time ?? 0,
        data: { bids: b?.bids ?? [], asks: b?.asks ?? [] },
      });
    } else if (channel === 'ticker') {
      const t = await this.snapshots.market.ticker(symbol);
      await this.snapshots.sender.send(connectionId, {
        channel,
        type: 'snapshot',
        symbol,
        sequence: t?.sequence ?? 0,
        time: t?.time ?? 0,
        data: t ?? { status: 'trading' },
      });
    }
  }

  /** "trades:BTC-USD", "user", …: one key per channel and symbol the frame names. */
  private keysOf(frame: SubscriptionFrame, conn: Connection): string[] {
    const keys: string[] = [];
    for (const ch of new Set(frame.channels)) {
      if (ch === 'user' && !conn.userId && frame.action === 'subscribe')
        throw new AppError(403, 'FORBIDDEN', 'the user channel needs a token at $connect (the subprotocol bearer.<token>)');
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
