/**
 * The session store as every function that ends sessions gets it: ending one (logout,
 * refresh-token reuse, role change) closes the user's WebSockets that it vouched for.
 */
import { ApiGatewaySocketSender } from './adapters/apigw-socket-sender';
import { RedisSessionStore } from './adapters/redis-session-store';
import { RedisSubscriberIndex } from './adapters/redis-subscriber-index';
import { RedisUserConnections } from './adapters/redis-user-connections';
import { config } from './config';
import { redis } from './redis';
import { sessionStillValid } from './session-check';
import { SessionSockets } from './session-sockets';

let sockets: SessionSockets | undefined;

export function sessionSockets(): SessionSockets {
  sockets ??= new SessionSockets(
    new RedisUserConnections(redis()),
    new RedisSubscriberIndex(redis()),
    new ApiGatewaySocketSender(config().WS_API_ENDPOINT),
    sessionStillValid,
  );
  return sockets;
}

export function sessionStore(): RedisSessionStore {
  return new RedisSessionStore(redis(), async (userId) => {
    await sessionSockets().closeEnded(userId);
  });
}
