/**
 * A lean gRPC load generator: unary calls framed by hand on one HTTP/2 session (node:http2),
 * requests pre-encoded with protobufjs. grpc-js's client costs more CPU per call than the server
 * under test, and on a 2-core machine that would measure the load generator (the role ghz plays
 * elsewhere; it cannot be installed here).
 */
import { connect, constants, type ClientHttp2Session } from 'node:http2';
import protobuf from 'protobufjs';
import { PROTO_PATH } from '../../matching-host/proto/matching-host-proto';
import { HOST_SERVER_NAME, type TlsMaterial } from '../../matching-host/proto/host-tls';

export class H2GrpcClient {
  private readonly session: ClientHttp2Session;
  private readonly root = protobuf.loadSync(PROTO_PATH);

  /** over mutual TLS as the host demands, presenting `tls` (a trading certificate places orders) */
  constructor(address: string, tls: TlsMaterial) {
    // node's default 10 MB session budget resets streams (ENHANCE_YOUR_CALM) once thousands are in flight
    this.session = connect(`https://${address}`, {
      maxSessionMemory: 1024,
      ca: tls.ca,
      cert: tls.cert,
      key: tls.key,
      servername: HOST_SERVER_NAME,
      ALPNProtocols: ['h2'],
    });
    this.session.on('error', () => undefined);
  }

  /** Encode a request message once (field names in camelCase, as protobufjs expects). */
  encode(type: string, message: Record<string, unknown>): Buffer {
    const t = this.root.lookupType(`exchange.matching.v1.${type}`);
    const body = t.encode(t.fromObject(message)).finish();
    const frame = Buffer.allocUnsafe(5 + body.length);
    frame[0] = 0;
    frame.writeUInt32BE(body.length, 1);
    Buffer.from(body.buffer, body.byteOffset, body.length).copy(frame, 5);
    return frame;
  }

  /** One unary call with a pre-encoded frame; resolves on grpc-status 0, rejects otherwise. */
  unary(method: string, frame: Buffer, timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const req = this.session.request({
        [constants.HTTP2_HEADER_METHOD]: 'POST',
        [constants.HTTP2_HEADER_PATH]: `/exchange.matching.v1.MatchingHost/${method}`,
        'content-type': 'application/grpc',
        te: 'trailers',
        'grpc-timeout': `${timeoutMs}m`,
      });
      let status: string | undefined;
      req.on('response', (headers) => {
        // a trailers-only response carries the status in the headers
        if (headers['grpc-status'] !== undefined) status = String(headers['grpc-status']);
      });
      req.on('trailers', (trailers: Record<string, string | string[] | undefined>) => {
        status = String(trailers['grpc-status']);
      });
      req.on('data', () => undefined);
      req.on('end', () => (status === '0' ? resolve() : reject(new Error(`grpc-status ${status}`))));
      req.on('error', reject);
      req.end(frame);
    });
  }

  close(): void {
    this.session.close();
  }
}
