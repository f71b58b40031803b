/**
 * Sockets outlive the session they were opened with unless someone closes them: whoever ends a
 * session (logout, refresh-token reuse, role change) closes the user's sockets whose session no
 * longer holds, and the fan-out asks the same before it sends anything on the `user` channel, so a
 * socket whose closing failed still receives nothing private.
 */
import { logger } from './observability';
import type { SocketSender } from './ports/socket-sender';
import { indexKey, type SubscriberIndex } from './ports/subscriber-index';
import type { SocketSession, UserConnections } from './ports/user-connections';

export type SessionCheck = (s: { userId: string; sessionId: string; rolesVersion: number }) => Promise<boolean>;

export class SessionSockets {
  constructor(
    private readonly connections: UserConnections,
    private readonly index: SubscriberIndex,
    private readonly sender: Pick<SocketSender, 'disconnect'>,
    private readonly stillValid: SessionCheck,
  ) {}

  /** Record an authenticated connection at $connect. */
  opened(userId: string, s: SocketSession): Promise<void> {
    return this.connections.add(userId, s);
  }

  /** Forget it at $disconnect. */
  closed(userId: string, connectionId: string): Promise<void> {
    return this.connections.remove(userId, connectionId);
  }

  /**
   * Close every socket of the user whose session has ended; answers the ids of those still live.
   * `also`: connection ids found elsewhere (the fan-out's subscribers) that are closed too unless live.
   */
  async closeEnded(userId: string, also: readonly string[] = []): Promise<Set<string>> {
    const all = await this.connections.of(userId);
    const verdicts = new Map<string, Promise<boolean>>();
    const live = new Set<string>();
    for (const c of all) {
      const k = `${c.sessionId} ${c.rolesVersion}`;
      if (!verdicts.has(k)) verdicts.set(k, this.stillValid({ userId, ...c }));
      if (await verdicts.get(k)) live.add(c.connectionId);
    }
    const ended = new Set([...all.map((c) => c.connectionId), ...also].filter((id) => !live.has(id)));
    await Promise.all([...ended].map((id) => this.close(userId, id)));
    return live;
  }

  private async close(userId: string, connectionId: string): Promise<void> {
    // off the user channel first: the fan-out stops even if API Gateway cannot be reached
    await this.index.remove(connectionId, [indexKey('user', userId)]);
    await this.connections.remove(userId, connectionId);
    try {
      await this.sender.disconnect(connectionId);
    } catch (e) {
      logger.warn('closing a socket whose session ended failed', { connectionId, error: e as Error });
    }
  }
}
