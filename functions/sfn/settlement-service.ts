/**
 * Settlement: the trades the matching host executed, posted to the book of record. A batch of
 * fill events (each side of a trade is one) is validated, posted to the PostgreSQL ledger in one
 * transaction (idempotent by trade side), marked settled in the order history, and announced.
 * Reconciliation compares the ledger with the host per account, like with like. The state machine
 * (statemachines/settlement.asl.json) calls these one Task at a time.
 */
import type { KeyObject } from 'node:crypto';
import { z } from 'zod';
import { assertSignedByHost, UnverifiedOrderEvent } from '../../matching-host/proto/order-event-signature';
import { toBigUnits } from '../../matching-host/proto/decimal';
import type { SymbolSpec } from '../../matching-host/proto/market-config';
import type { MarketConfig } from '../../matching-host/proto/market-config';
import { settlementFactors } from '../../matching-host/proto/settlement-factors';
import { AccountOwners } from '../shared/account-owners';
import { OrderEvent } from '../../matching-host/proto/messages';
import type { MatchingHostPort } from '../shared/ports/matching-host';
import type { OrderHistoryStore, SettledKey } from '../shared/ports/order-history';
import type { SettlementLedger, SettlementNotices, TradeSide, UnpostedTransfer } from '../shared/ports/settlement-ledger';
import type { UserStore } from '../shared/ports/user-store';

const Fill = OrderEvent.extend({
  type: z.literal('fill'),
  symbol: z.string().min(1).max(32),
  side: z.enum(['buy', 'sell']),
  price: z.string().min(1).max(40),
  quantity: z.string().min(1).max(40),
  fill: z.object({ tradeId: z.string().min(1).max(64), liquidity: z.enum(['maker', 'taker']), counterOrderId: z.number() }),
  /** the matching host's signature (order-event-signature.ts): checked before anything else */
  sig: z.string().min(1).max(128),
});
export type FillEvent = z.infer<typeof Fill>;

/**
 * Fills per execution: an Express execution's state is at most 256 KB (past it the execution
 * fails with States.DataLimitExceeded, which no Catch takes), and it carries the fills (so a
 * parked batch can be replayed), what validation made of them and, on the failure path, the
 * error. 150 fills of the longest ids stay near 100 KB.
 */
export const MAX_FILLS_PER_BATCH = 150;
export const SettlementBatch = z.object({ batchId: z.string().min(1).max(128), fills: z.array(Fill).min(1).max(MAX_FILLS_PER_BATCH) });
export type SettlementBatch = z.infer<typeof SettlementBatch>;

/** What validation makes of a batch, as it travels between states: amounts as decimal strings of units (JSON has no bigint). */
export interface Validated {
  sides: (Omit<TradeSide, 'baseAmount' | 'quoteAmount'> & { baseAmount: string; quoteAmount: string })[];
}

/** A batch that can never settle (not retried: the state machine parks it). */
export class InvalidBatch extends Error {
  override readonly name = 'InvalidBatch';
}

export interface Reconciliation {
  accounts: number;
  /** money is wrong: the host and the ledger differ by more than transfers in flight explain */
  differences: { accountNo: number; asset: string; ledger: string; host: string }[];
  /** not alarmed: the host is ahead of the ledger by transfers it has made and the ledger not yet posted */
  inFlight: { accountNo: number; asset: string; ledger: string; host: string; transfers: number }[];
  /** clearing balances that are not zero: trade sides whose other side is not posted yet */
  clearing: Record<string, string>;
}

export class SettlementService {
  /** per symbol: its spec, and the host's own settlement factors */
  private readonly symbols = new Map<string, { spec: SymbolSpec; factors: { quote: bigint; base: bigint } }>();
  private readonly owners: AccountOwners;

  constructor(
    private readonly ledger: SettlementLedger,
    users: Pick<UserStore, 'findByAccountNo'>,
    private readonly history: Pick<OrderHistoryStore, 'markSettled'>,
    private readonly host: Pick<MatchingHostPort, 'balances'>,
    private readonly notices: SettlementNotices,
    private readonly market: MarketConfig,
    /** the matching host's public keys: a fill not signed with one is never settled */
    private readonly hostKeys: () => readonly KeyObject[] | Promise<readonly KeyObject[]>,
  ) {
    this.owners = new AccountOwners(users, (account) => new InvalidBatch(`no user owns account ${account}`));
    for (const s of market.symbols) this.symbols.set(s.symbol, { spec: s, factors: settlementFactors(s, market.assets) });
  }

  /** Check every fill's signature, parse and price it; anything wrong makes the whole batch invalid. */
  async validate(input: unknown): Promise<Validated> {
    // each fill exactly as it arrived (before a schema strips or reorders anything): the host's own?
    const raw = (input as { fills?: unknown } | null)?.fills;
    if (Array.isArray(raw)) {
      const keys = await this.hostKeys();
      raw.forEach((f, i) => {
        try {
          assertSignedByHost(f, keys);
        } catch (e) {
          if (!(e instanceof UnverifiedOrderEvent)) throw e;
          throw new InvalidBatch(`fill ${i} is not the matching host's (${e.message}): never settled`);
        }
      });
    }
    const parsed = SettlementBatch.safeParse(input);
    if (!parsed.success)
      throw new InvalidBatch(
        `not a settlement batch: ${parsed.error.issues
          .slice(0, 3)
          .map((i) => `${i.path.join('.')}: ${i.message}`)
          .join('; ')}`,
      );
    const sides: Validated['sides'] = [];
    const seen = new Set<string>();
    for (const f of parsed.data.fills) {
      const k = this.symbols.get(f.symbol);
      if (!k) throw new InvalidBatch(`fill ${f.seq}:${f.idx}: unknown symbol ${f.symbol}`);
      const reference = `${f.fill.tradeId}:${f.fill.liquidity}`;
      // the same side twice in a batch is one side (a redelivered event)
      if (seen.has(reference)) continue;
      seen.add(reference);
      let price: bigint;
      let qty: bigint;
      try {
        price = toBigUnits(f.price, k.spec.priceDecimals);
        qty = toBigUnits(f.quantity, k.spec.qtyDecimals);
      } catch (e) {
        throw new InvalidBatch(`fill ${f.seq}:${f.idx}: ${e instanceof Error ? e.message : String(e)}`);
      }
      if (price <= 0n || qty <= 0n) throw new InvalidBatch(`fill ${f.seq}:${f.idx}: price and quantity must be positive`);
      const baseAmount = qty * k.factors.base;
      const quoteAmount = price * qty * k.factors.quote;
      sides.push({
        reference,
        userId: await this.owners.of(f.account),
        side: f.side,
        base: k.spec.base,
        quote: k.spec.quote,
        baseAmount: baseAmount.toString(),
        quoteAmount: quoteAmount.toString(),
        content: [
          `seq=${f.seq}`,
          `account=${f.account}`,
          `order=${f.orderId ?? ''}`,
          `counter=${f.fill.counterOrderId}`,
          `${f.side} ${k.spec.base}=${baseAmount}`,
          `${k.spec.quote}=${quoteAmount}`,
        ].join(' '),
      });
    }
    return { sides };
  }

  async post(batch: Validated): Promise<{ posted: number; skipped: number }> {
    return this.ledger.post(batch.sides.map((s) => ({ ...s, baseAmount: BigInt(s.baseAmount), quoteAmount: BigInt(s.quoteAmount) })));
  }

  /** the batch's fills (validated by then) name their history items */
  async markSettled(fills: readonly SettledKey[], at: number): Promise<void> {
    await this.history.markSettled(fills, at);
  }

  async announce(batchId: string, batch: Validated, posted: { posted: number; skipped: number }): Promise<void> {
    await this.notices.settled({ batchId, sides: batch.sides.length, ...posted });
  }

  async park(batch: unknown, reason: string): Promise<void> {
    await this.notices.parked(batch, reason);
  }

  /**
   * Ledger (settled) against host (available + held), per account and asset, like with like. A
   * transfer moves the host first and the ledger after, so a read of both while transfers run sees
   * the host ahead by the ones in between: each account is read ledger → host → ledger's transfers
   * again, and the host may differ from the first ledger read only by a subset of the transfers
   * not posted at that read (requested or in review then, or claimed since, and not refused). Such
   * a difference is `inFlight`; any other is a `difference`: money is wrong.
   */
  async reconcile(): Promise<Reconciliation> {
    // every trader, not only those the ledger knows: money the host holds for one it does not is a difference too
    const owners = new Map<number, string>();
    for (const t of await this.ledger.traders()) owners.set(t.accountNo, t.userId);
    const differences: Reconciliation['differences'] = [];
    const inFlight: Reconciliation['inFlight'] = [];
    for (const [accountNo, userId] of owners) {
      const read = await this.ledger.readAccount(userId);
      const host = new Map((await this.host.balances(accountNo)).map((b) => [b.asset, b]));
      let unposted: UnpostedTransfer[] | undefined;
      for (const asset of new Set([...read.balances.keys(), ...host.keys()])) {
        const h = host.get(asset);
        const decimals = this.decimalsOf(asset);
        const held = h ? toBigUnits(h.available, decimals) + toBigUnits(h.held, decimals) : 0n;
        const settled = read.balances.get(asset) ?? 0n;
        if (held === settled) continue;
        unposted ??= await this.ledger.unpostedSince(userId, read);
        const candidates = unposted.filter((t) => t.asset === asset).map((t) => t.amount);
        const row = { accountNo, asset, ledger: settled.toString(), host: held.toString() };
        if (explainedBy(held - settled, candidates)) inFlight.push({ ...row, transfers: candidates.length });
        else differences.push(row);
      }
    }
    const clearing: Record<string, string> = {};
    for (const [asset, b] of await this.ledger.clearingBalances()) if (b !== 0n) clearing[asset] = b.toString();
    return { accounts: owners.size, differences, inFlight, clearing };
  }

  private decimalsOf(asset: string): number {
    const a = this.market.assets[asset];
    if (!a) throw new Error(`unknown asset ${asset}`);
    return a.decimals;
  }
}

/** Sums kept when deciding whether a difference is some of the transfers in flight (2^16 subsets). */
const MAX_SUMS = 65_536;

/**
 * Whether `difference` is the sum of some of `amounts` (the transfers the host may have made ahead
 * of the ledger). Exact while the sums fit MAX_SUMS; past that (dozens of one account's transfers
 * in flight at once) the difference must lie between what all withdrawals and all deposits make.
 */
export function explainedBy(difference: bigint, amounts: readonly bigint[]): boolean {
  let sums = new Set<bigint>([0n]);
  for (const a of amounts) {
    const next = new Set(sums);
    for (const s of sums) next.add(s + a);
    if (next.size > MAX_SUMS) {
      const low = amounts.reduce((n, x) => (x < 0n ? n + x : n), 0n);
      const high = amounts.reduce((n, x) => (x > 0n ? n + x : n), 0n);
      return difference >= low && difference <= high;
    }
    sums = next;
  }
  return sums.has(difference);
}
