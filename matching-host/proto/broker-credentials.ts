/**
 * The order-event broker carries what settlement posts to the ledger: outside the `local` stage it
 * must be reached with credentials of its own, never none and never RabbitMQ's well-known
 * guest/guest. The host and the functions both refuse to start otherwise (one rule, one place).
 */

/** Why `url` is not acceptable on `stage`, or undefined when it is ("" means no broker). */
export function brokerUrlProblem(url: string, stage: string): string | undefined {
  if (!url || stage === 'local') return undefined;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'is not a URL';
  }
  const user = decodeURIComponent(u.username);
  const password = decodeURIComponent(u.password);
  if (!user || !password) return `has no credentials: stage ${stage} needs the broker's own user and password (from the secret store)`;
  if (user === 'guest' || password === 'guest')
    return `uses the well-known guest account: stage ${stage} needs the broker's own user and password (from the secret store)`;
  return undefined;
}
