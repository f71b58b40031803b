/**
 * `npm run demo` (with `npm start` running): a newcomer's first five minutes, through the REST API
 * exactly as a client would use it. Two traders register; one turns MFA on (this script plays the
 * authenticator app) and logs in with a code; both deposit, one withdraws; they place crossing
 * orders and the trades, the book and everyone's balances are printed. Set EXCHANGE_URL to aim it
 * at another stack.
 */
import { generate } from 'otplib';
import { randomUUID } from 'node:crypto';

const BASE = (process.env.EXCHANGE_URL ?? 'http://localhost:3000').replace(/\/$/, '');
const password = 'correct horse battery staple';

interface Reply {
  status: number;
  body: Record<string, unknown>;
}

async function api(method: string, path: string, body?: unknown, token?: string): Promise<Reply> {
  const r = await fetch(`${BASE}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** The call must succeed; otherwise stop with what the API said. */
async function must(method: string, path: string, body?: unknown, token?: string): Promise<Record<string, unknown>> {
  const r = await api(method, path, body, token);
  if (r.status >= 400) throw new Error(`${method} ${path} → ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

const say = (s: string): void => void process.stdout.write(`${s}\n`);

async function trader(name: string, withMfa: boolean): Promise<string> {
  const email = `${name}.${Date.now()}@example.com`;
  const reg = await must('POST', '/v1/auth/register', { email, password });
  say(`\n${name}: registered ${email} (account ${String(reg.accountNo)})`);
  let tokens = await must('POST', '/v1/auth/login', { email, password });
  if (!withMfa) return tokens.accessToken as string;

  const enrol = await must('POST', '/v1/auth/mfa/enroll', { password }, tokens.accessToken as string);
  say(`${name}: MFA enrolment — scan ${String(enrol.otpauthUri)}`);
  const secret = enrol.secret as string;
  await must('POST', '/v1/auth/mfa/verify', { code: await generate({ secret }) }, tokens.accessToken as string);
  say(`${name}: MFA is on`);
  const step = await must('POST', '/v1/auth/login', { email, password });
  say(`${name}: login asks for a code (challenge ${String(step.challengeId).slice(0, 8)}…)`);
  // the next 30-second step's code: a code is accepted once, and verification used the current one
  const code = await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 });
  tokens = await must('POST', '/v1/auth/login/mfa', { challengeId: step.challengeId, code });
  say(`${name}: logged in with password + code`);
  return tokens.accessToken as string;
}

async function showBalances(name: string, token: string): Promise<void> {
  const b = await must('GET', '/v1/accounts/balances', undefined, token);
  say(`${name}'s balances:`);
  for (const x of b.balances as { asset: string; available: string; held: string; settled: string }[])
    say(`  ${x.asset.padEnd(4)} available ${x.available.padStart(18)}   held ${x.held.padStart(16)}   settled ${x.settled.padStart(18)}`);
}

async function main(): Promise<void> {
  const up = await api('GET', '/v1/auth/me').catch(() => null);
  if (!up) throw new Error(`nothing answers at ${BASE}: start the exchange first with \`npm start\``);
  say(`exchange at ${BASE}`);

  const alice = await trader('alice', true);
  const bob = await trader('bob', false);

  const deposit = { asset: 'USD', amount: '60000.00', idempotencyKey: randomUUID() };
  const d = await must('POST', '/v1/accounts/deposits', deposit, alice);
  say(`\nalice: deposited ${String(d.amount)} USD (transfer ${String(d.transferId)}, ${String(d.status)})`);
  const again = await api('POST', '/v1/accounts/deposits', deposit, alice);
  say(`alice: the same request again (a client retry) → ${again.status}, same transfer: ${String(again.body.transferId === d.transferId)}`);
  await must('POST', '/v1/accounts/deposits', { asset: 'BTC', amount: '1.5', idempotencyKey: randomUUID() }, bob);
  say('bob: deposited 1.5 BTC');
  const w = await must('POST', '/v1/accounts/withdrawals', { asset: 'USD', amount: '1200.50', idempotencyKey: randomUUID() }, alice);
  say(`alice: withdrew ${String(w.amount)} USD`);
  const tooMuch = await api('POST', '/v1/accounts/withdrawals', { asset: 'BTC', amount: '2', idempotencyKey: randomUUID() }, bob);
  // bob logged in with a password only: money leaves only for a session that proved a code
  say(`bob (no MFA): tries to withdraw 2 BTC → ${tooMuch.status} ${String(tooMuch.body.code)}`);

  say('\nbob offers 1 BTC in two orders; alice buys 1.2 BTC with a limit of 42 100 (the book keeps what earlier runs left)');
  for (const [qty, price] of [
    ['0.4', '42000.00'],
    ['0.6', '42050.00'],
  ]) {
    const o = await must(
      'POST',
      '/v1/orders',
      { clientOrderId: randomUUID().slice(0, 32), symbol: 'BTC-USD', side: 'sell', type: 'limit', quantity: qty, price },
      bob,
    );
    say(`bob: sell ${String(o.quantity)} @ ${String(o.price)} → ${String(o.status)} (order ${String(o.orderId)})`);
  }
  const buy = await must(
    'POST',
    '/v1/orders',
    { clientOrderId: randomUUID().slice(0, 32), symbol: 'BTC-USD', side: 'buy', type: 'limit', quantity: '1.2', price: '42100.00' },
    alice,
  );
  say(`alice: buy 1.2 @ 42100.00 → ${String(buy.status)}, filled ${String(buy.filled)}, resting ${String(buy.leaves)}`);
  for (const f of buy.fills as { price: string; quantity: string; liquidity: string }[])
    say(`  fill: ${f.quantity} BTC @ ${f.price} (${f.liquidity})`);
  // the market data views follow the host's publications a moment later
  await new Promise((r) => setTimeout(r, 500));
  const trades = await must('GET', '/v1/markets/BTC-USD/trades?limit=5');
  say('BTC-USD trades (newest first):');
  for (const t of trades.trades as { sequence: number; price: string; quantity: string }[])
    say(`  #${t.sequence}  ${t.quantity} @ ${t.price}`);
  const book = await must('GET', '/v1/markets/BTC-USD/book?depth=3');
  say(`BTC-USD book at sequence ${String(book.sequence)}: bids ${JSON.stringify(book.bids)}  asks ${JSON.stringify(book.asks)}`);
  const canceled = await must('DELETE', '/v1/orders?symbol=BTC-USD', undefined, alice);
  say(`alice: cancels what still rests → ${JSON.stringify(canceled.canceled)}`);

  say("\n(available/held are the matching host's; settled is the ledger's, which trades reach when they settle)");
  await showBalances('alice', alice);
  await showBalances('bob', bob);
  const ledger = await must('GET', '/v1/accounts/ledger?limit=5', undefined, alice);
  say("alice's ledger (newest first):");
  for (const l of ledger.items as { kind: string; asset: string; amount: string; balanceAfter: string; time: string }[])
    say(`  ${l.time}  ${l.kind.padEnd(10)} ${l.amount.padStart(16)} ${l.asset}   balance ${l.balanceAfter}`);
}

main().catch((e: unknown) => {
  process.stderr.write(`demo stopped: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
