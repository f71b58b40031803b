/**
 * Whether what a token vouched for still holds: its session is live (no logout, no refresh-token
 * reuse, no revocation) and it was minted after the user's last role change. The authorizers ask
 * this for every request; WebSocket routes ask it for every frame of an authenticated connection.
 */
import { RedisSessionStore } from './adapters/redis-session-store';
import { redis } from './redis';

export async function sessionStillValid(s: { userId: string; sessionId: string; rolesVersion: number }): Promise<boolean> {
  const sessions = new RedisSessionStore(redis());
  const [active, current] = await Promise.all([sessions.isActive(s.sessionId), sessions.rolesVersion(s.userId)]);
  return active && s.rolesVersion >= current;
}
