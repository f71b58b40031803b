/**
 * A user's open authenticated WebSocket connections and the session each was opened with, so
 * whoever ends a session can find the sockets that must close, and the fan-out can tell a live one.
 */
export interface SocketSession {
  connectionId: string;
  sessionId: string;
  rolesVersion: number;
}

export interface UserConnections {
  add(userId: string, s: SocketSession): Promise<void>;
  remove(userId: string, connectionId: string): Promise<void>;
  of(userId: string): Promise<SocketSession[]>;
}
