/**
 * Settlement benchmark: trades posted to the PostgreSQL ledger in batches, as the settlement state
 * machine's post step does (PgSettlementLedger: one transaction per batch, every side idempotent,
 * the database checking every entry and every account's chain at commit). The peer, on the same
 * trades in the same run: posting one side at a time, each in its own transaction (postEntry, the
 * straightforward way). A fresh database; 100 traders; trades between random pairs.
 *
 *   npm run bench:settlement              50,000 trades in batches of 1,000
 *   npm run bench:settlement -- --quick   10,000 trades
 *
 * Last line: {"trades_per_s":…,"batch_p50_ms":…,"batch_p99_ms":…,"peer_trades_per_s":…,"ratio":…,"trades":…,"batch":…}
 */
import { Pool } from 'pg';
import { postEntries, postEntry, SYSTEM, tradingAccount } from '../functions/shared/adapters/pg-ledger';
import { PgSettlementLedger, sidePostings } from '../functions/sfn/adapters/pg-settlement-ledger';
import { inTransaction } from '../functions/shared/db/transaction';
import type { TradeSide } from '../functions/shared/ports/settlement-ledger';
import { testDatabase } from '../test/support/test-env';

const quick = process.argv.includes('--quick');
const TRADES = quick ? 10_000 : 50_000;
const BATCH = Number(process.argv.find((a) => a.startsWith('--batch='))?.slice(8) ?? 1_000);
const PEER_TRADES = quick ? 500 : 2_000;
const TRADERS = 100;

/** deterministic: the same trades every run */
function* rng(seed: number): Generator<number> {
  let s = seed >>> 0;
  for (;;) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    yield ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

function tradesOf(users: string[], n: number, prefix: string): TradeSide[][] {
  const r = rng(42);
  const next = (): number => r.next().value as number;
  const out: TradeSide[][] = [];
  for (let i = 0; i < n; i++) {
    const buyer = users[Math.floor(next() * users.length)];
    let seller = users[Math.floor(next() * users.length)];
    if (seller === buyer) seller = users[(users.indexOf(buyer) + 1) % users.length];
    // 0.0001–0.1 BTC at 40,000–44,000 USD (units: 1e-8 BTC, 1e-6 USD)
    const qty = BigInt(1 + Math.floor(next() * 1000)) * 10_000n;
    const price = BigInt(4_000_000 + Math.floor(next() * 400_000));
    const quote = (price * qty) / 100n;
    const id = `${prefix}BTC-USD:${i + 1}`;
    const content = (userId: string, side: string): string => `user=${userId} ${side} BTC=${qty} USD=${quote}`;
    out.push([
      {
        reference: `${id}:taker`,
        userId: buyer,
        side: 'buy',
        base: 'BTC',
        quote: 'USD',
        baseAmount: qty,
        quoteAmount: quote,
        content: content(buyer, 'buy'),
      },
      {
        reference: `${id}:maker`,
        userId: seller,
        side: 'sell',
        base: 'BTC',
        quote: 'USD',
        baseAmount: qty,
        quoteAmount: quote,
        content: content(seller, 'sell'),
      },
    ]);
  }
  return out;
}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)] * 10) / 10;
};

async function main(): Promise<void> {
  const db = await testDatabase();
  const pool = new Pool({ connectionString: db.databaseUrl, max: 4 });
  try {
    const users: string[] = [];
    for (let i = 0; i < TRADERS; i++) {
      const r = await pool.query<{ id: string }>(
        "INSERT INTO users (email, email_normalized, password_hash) VALUES ($1, $1, 'x') RETURNING id",
        [`bench.${i}@example.com`],
      );
      users.push(r.rows[0].id);
    }
    // funded first: the ledger refuses to take a trader's account below zero (migration 010)
    await inTransaction(pool, (c) =>
      postEntries(
        c,
        'deposit',
        users.flatMap((u) =>
          (['USD', 'BTC'] as const).map((asset) => ({
            reference: `bench-funding-${u}-${asset}`,
            postings: [
              { account: tradingAccount(u, asset), amount: 10n ** 15n },
              { account: SYSTEM.funding(asset), amount: -(10n ** 15n) },
            ],
          })),
        ),
      ),
    );
    const ledger = new PgSettlementLedger(pool);
    const trades = tradesOf(users, TRADES, '');
    const lat: number[] = [];
    const t0 = performance.now();
    for (let i = 0; i < trades.length; i += BATCH) {
      const t = performance.now();
      const r = await ledger.post(trades.slice(i, i + BATCH).flat());
      lat.push(performance.now() - t);
      if (r.posted !== Math.min(BATCH, trades.length - i) * 2) throw new Error(`batch at ${i}: posted ${r.posted}`);
    }
    const seconds = (performance.now() - t0) / 1000;
    const perS = Math.round(TRADES / seconds);
    process.stdout.write(
      `batched: ${TRADES} trades (${TRADES * 2} sides) in ${seconds.toFixed(2)} s = ${perS} trades/s; batch of ${BATCH}: p50 ${pct(lat, 0.5)} ms, p99 ${pct(lat, 0.99)} ms\n`,
    );

    // retrying everything posts nothing more
    const again = await ledger.post(trades.slice(0, BATCH).flat());
    if (again.posted !== 0) throw new Error('a retried batch posted again');

    const peer = tradesOf(users, PEER_TRADES, 'peer-');
    const p0 = performance.now();
    for (const sides of peer) for (const s of sides) await inTransaction(pool, (c) => postEntry(c, 'trade', s.reference, sidePostings(s)));
    const peerPerS = Math.round(PEER_TRADES / ((performance.now() - p0) / 1000));
    process.stdout.write(`one side per transaction (peer): ${PEER_TRADES} trades = ${peerPerS} trades/s\n`);
    process.stdout.write(
      `${JSON.stringify({ trades_per_s: perS, batch_p50_ms: pct(lat, 0.5), batch_p99_ms: pct(lat, 0.99), peer_trades_per_s: peerPerS, ratio: Math.round((perS / peerPerS) * 10) / 10, trades: TRADES, batch: BATCH })}\n`,
    );
  } finally {
    await pool.end();
    await db.drop();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`bench:settlement failed: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  },
);
