/**
 * `npm run demo` (with `npm start` running): a newcomer's first five minutes, through the REST API
 * exactly as a client would use it. Two traders register; one turns MFA on (this script plays the
 * authenticator app) and logs in with a code; both deposit, one withdraws, and their balances and
 * ledger lines are printed. Set EXCHANGE_URL to aim it at another stack.
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
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
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

  const enrol = await must('POST', '/v1/auth/mfa/enroll', undefined, tokens.accessToken as string);
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

  const deposit = { asset: 'USD', amount: '25000.00', idempotencyKey: randomUUID() };
  const d = await must('POST', '/v1/accounts/deposits', deposit, alice);
  say(`\nalice: deposited ${String(d.amount)} USD (transfer ${String(d.transferId)}, ${String(d.status)})`);
  const again = await api('POST', '/v1/accounts/deposits', deposit, alice);
  say(`alice: the same request again (a client retry) → ${again.status}, same transfer: ${String(again.body.transferId === d.transferId)}`);
  await must('POST', '/v1/accounts/deposits', { asset: 'BTC', amount: '1.5', idempotencyKey: randomUUID() }, bob);
  say('bob: deposited 1.5 BTC');
  const w = await must('POST', '/v1/accounts/withdrawals', { asset: 'USD', amount: '1200.50', idempotencyKey: randomUUID() }, alice);
  say(`alice: withdrew ${String(w.amount)} USD`);
  const tooMuch = await api('POST', '/v1/accounts/withdrawals', { asset: 'BTC', amount: '2', idempotencyKey: randomUUID() }, bob);
  say(`bob: tries to withdraw 2 BTC → ${tooMuch.status} ${String(tooMuch.body.code)}`);

  say('');
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
