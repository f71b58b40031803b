import pino, { type Logger } from 'pino';

/** Structured JSON logs on stdout (one object per line), shared by the host's parts. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'matching-host' }, timestamp: pino.stdTimeFunctions.isoTime });
}
