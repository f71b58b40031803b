/**
 * Matching host process: recover, serve gRPC, shut down gracefully (stop accepting, flush the
 * journal, snapshot). Run it alone with `npm run host` (see README "Matching host").
 */
import { loadHostConfig } from './config';
import { startGrpcServer } from './grpc-service';
import { MatchingHost } from './host';
import { DEFAULT_MARKET } from './market-config';

const log = (msg: string, fields: Record<string, unknown> = {}): void => {
  process.stdout.write(`${JSON.stringify({ level: 'info', time: new Date().toISOString(), msg, ...fields })}\n`);
};

async function main(): Promise<void> {
  const cfg = loadHostConfig();
  const host = MatchingHost.open({
    dataDir: cfg.HOST_DATA_DIR,
    market: DEFAULT_MARKET,
    role: cfg.HOST_ROLE,
    epoch: cfg.HOST_EPOCH,
    snapshotEvery: cfg.HOST_SNAPSHOT_EVERY,
  });
  log('recovered', { ...host.recovery });
  const { server, port } = await startGrpcServer(host, cfg.HOST_GRPC_ADDRESS);
  log('serving', { port, role: host.role, epoch: host.epoch });
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log('stopping', { signal });
    server.tryShutdown(() => {
      host
        .close({ snapshot: true })
        .then(() => {
          log('stopped', { lastSeq: host.lastSeq });
          process.exit(0);
        })
        .catch((e: unknown) => {
          process.stderr.write(`${JSON.stringify({ level: 'error', msg: 'shutdown failed', error: String(e) })}\n`);
          process.exit(1);
        });
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((e: unknown) => {
  process.stderr.write(`${JSON.stringify({ level: 'error', msg: 'matching host failed to start', error: e instanceof Error ? e.message : String(e) })}\n`);
  process.exit(1);
});
