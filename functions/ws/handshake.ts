/**
 * Where a WebSocket handshake carries its access token. Browsers cannot set headers on a
 * WebSocket, so the token travels as an offered subprotocol: `Sec-WebSocket-Protocol: exchange.v1,
 * bearer.<jwt>` (`new WebSocket(url, ['exchange.v1', 'bearer.' + token])`); the server answers
 * `exchange.v1`, never the token. A token in the URL (`?token=`) ends up in the access logs of every
 * proxy and load balancer on the way, so only the `local` stage accepts it; elsewhere such a
 * handshake is refused, not let in as anonymous.
 */

/** the subprotocol the API speaks, echoed in the $connect answer when offered */
export const WS_PROTOCOL = 'exchange.v1';
const BEARER = /^bearer\.([\w-]+\.[\w-]+\.[\w-]+)$/;

export type HandshakeToken = { kind: 'none' } | { kind: 'token'; token: string } | { kind: 'refused'; reason: string };

interface Handshake {
  headers?: Record<string, string | undefined> | null;
  queryStringParameters?: Record<string, string | undefined> | null;
}

function offeredProtocols(event: Handshake): string[] {
  const h = event.headers ?? {};
  return (h['Sec-WebSocket-Protocol'] ?? h['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
}

export function handshakeToken(event: Handshake, stage: string): HandshakeToken {
  const query = event.queryStringParameters?.token;
  if (query !== undefined && query !== null) {
    if (stage !== 'local')
      return { kind: 'refused', reason: 'a token in the URL is logged on its way: send it as the subprotocol bearer.<token>' };
    return { kind: 'token', token: query };
  }
  const bearer = offeredProtocols(event)
    .map((p) => BEARER.exec(p)?.[1])
    .find(Boolean);
  return bearer ? { kind: 'token', token: bearer } : { kind: 'none' };
}

/** The subprotocol to answer: ours if offered (a browser drops a handshake that offered some and got none back). */
export function chosenProtocol(event: Handshake): string | undefined {
  return offeredProtocols(event).includes(WS_PROTOCOL) ? WS_PROTOCOL : undefined;
}
