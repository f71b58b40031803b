/**
 * Market data replay: `npm run md:replay -- --symbol BTC-USD --from 2026-11-25T10:00:00Z`
 * reads the Kinesis stream from that time (AT_TIMESTAMP) and prints the symbol's events in
 * sequence order, one JSON object per line, so a consumer can rebuild the book from that point.
 * Env: KINESIS_STREAM (default: the stage's, exchange-<STAGE>-market-data; STAGE default local),
 * AWS_ENDPOINT_URL_KINESIS (kinesalite locally).
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { inSequence, readMarketData } from '../matching-host/server/publishers/kinesis-reader';
import { kinesisClient } from '../matching-host/server/publishers/kinesis-sink';
import { marketDataStreamFor } from '../matching-host/server/config';

const args = z.object({
  symbol: z.string().regex(/^[A-Z0-9]+-[A-Z0-9]+$/, 'a symbol such as BTC-USD'),
  from: z.iso.datetime({ offset: true }).transform((s) => new Date(s)),
});

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { symbol: { type: 'string' }, from: { type: 'string' } } });
  const parsed = args.safeParse(values);
  if (!parsed.success) {
    process.stderr.write(
      `usage: npm run md:replay -- --symbol BTC-USD --from <ISO time>\n${parsed.error.issues.map((i) => `  --${i.path.join('.')}: ${i.message}`).join('\n')}\n`,
    );
    process.exit(2);
  }
  const client = kinesisClient(process.env.AWS_ENDPOINT_URL_KINESIS, process.env.AWS_REGION ?? 'us-east-1');
  const events = inSequence(
    await readMarketData(client, process.env.KINESIS_STREAM || marketDataStreamFor(process.env.STAGE || 'local'), {
      from: parsed.data.from,
      symbol: parsed.data.symbol,
    }),
  );
  let expected = events[0]?.sequence;
  for (const e of events) {
    if (e.sequence !== expected) process.stderr.write(`gap: sequence ${expected}..${e.sequence - 1} missing\n`);
    expected = e.sequence + 1;
    process.stdout.write(`${JSON.stringify(e)}\n`);
  }
  process.stderr.write(
    `${events.length} events${events.length ? `, sequence ${events[0].sequence}..${events[events.length - 1].sequence}` : ''}\n`,
  );
  client.destroy();
}

main().catch((e: unknown) => {
  process.stderr.write(`md:replay failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
