/**
 * Matching host process: recover, serve gRPC, publish, expose metrics; on SIGTERM/SIGINT stop
 * accepting, flush the journal and snapshot. Run it alone with `npm run host` (matching-host/README.md, "The host").
 */
import { loadHostConfig } from './config';
import { createLogger } from './logger';
import { DEFAULT_MARKET } from '../proto/market-config';
import { startHostRuntime } from './runtime';

async function main(): Promise<void> {
  let cfg;
  try {
    cfg = loadHostConfig();
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  }
  const log = createLogger(cfg.HOST_LOG_LEVEL);
  const rt = await startHostRuntime(cfg, DEFAULT_MARKET, log);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    rt.stop({ snapshot: true })
      .then(() => {
        log.info({ lastSeq: rt.host.lastSeq }, 'stopped');
        process.exit(0);
      })
      .catch((e: unknown) => {
        log.error({ err: e }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((e: unknown) => {
  process.stderr.write(
    `${JSON.stringify({ level: 'error', msg: 'matching host failed to start', error: e instanceof Error ? e.message : String(e) })}\n`,
  );
  process.exit(1);
});
