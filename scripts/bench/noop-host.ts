/**
 * The host benchmark's baseline: the same gRPC service definition with handlers that answer at
 * once (no validation, matching or journal). Its latency under the same open-loop load is the
 * floor that gRPC and this machine set; the host is reported against it.
 */
import * as grpc from '@grpc/grpc-js';
import { serviceDefinition } from '../../matching-host/server/api/grpc-service';
import { serverCredentials, tlsFromDir } from '../../matching-host/proto/host-tls';

const def = serviceDefinition();
const impl: grpc.UntypedServiceImplementation = {};
for (const name of Object.keys(def)) {
  impl[name] = (_call: unknown, cb: grpc.sendUnaryData<Record<string, unknown>>) => cb(null, { orderId: 1, status: 'OPEN' });
}
const server = new grpc.Server();
server.addService(def, impl);
// the same mutual TLS as the host, so the floor includes what every call to the host pays for it
server.bindAsync('127.0.0.1:0', serverCredentials(tlsFromDir(process.env.HOST_TLS_DIR ?? '.data/host-ca', 'host')), (err, port) => {
  if (err) throw err;
  process.stdout.write(`${JSON.stringify({ msg: 'serving', grpcPort: port, metricsPort: 0 })}\n`);
});
process.on('SIGTERM', () => server.tryShutdown(() => process.exit(0)));
