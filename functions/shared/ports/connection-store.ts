/** Open WebSocket connections (DynamoDB): who is behind each and what it subscribed to. */

/**
 * API Gateway closes a WebSocket after 2 hours: whatever records a connection (its item, its
 * place in the subscription and per-user indexes, its anonymous quota) outlives it a little, then
 * expires by itself even when its $disconnect was lost.
 */
export const CONNECTION_RECORD_TTL_S = 2 * 3600 + 300;

export interface Connection {
  connectionId: string;
  /** null for an anonymous connection (public channels only) */
  userId: string | null;
  accountNo: number | null;
  /** the login session behind it: the fan-out stops sending private data once it ends */
  sessionId: string | null;
  /** "channel" or "channel:SYMBOL", e.g. "trades:BTC-USD", "user" */
  subscriptions: string[];
  connectedAt: string;
  /** epoch seconds after which the record may be dropped (API Gateway closes a connection after 2 h) */
  expiresAt: number;
}

export interface ConnectionStore {
  put(c: Connection): Promise<void>;
  get(connectionId: string): Promise<Connection | null>;
  remove(connectionId: string): Promise<void>;
  /** replace the subscriptions of a connection that still exists; false if it is gone */
  setSubscriptions(connectionId: string, subscriptions: string[]): Promise<boolean>;
}
