/**
 * Settlement: the trades the matching host executed, posted to the book of record. A batch of
 * fill events (each side of a trade is one) is validated, posted to the PostgreSQL ledger in one
 * transaction (idempotent by trade side), marked settled in the order history, and announced.
 * Reconciliation compares the ledger with the host per account. The state machine
 * (statemachines/settlement.asl.json) calls these one Task at a time.
 */
import { z } from 'zod';
import { toBigUnits } from '../../matching-host/proto/decimal';
import type { SymbolSpec } from '../../matching-host/proto/market-config';
import type { MarketConfig } from '../../matching-host/proto/market-config';
import { settlementFactors } from '../../matching-host/proto/settlement-factors';
import { AccountOwners } from '../shared/account-owners';
import { OrderEvent } from '../../matching-host/proto/messages';
import type { MatchingHostPort } from '../shared/ports/matching-host';
import type { OrderHistoryStore, SettledKey } from '../shared/ports/order-history';
import type { SettlementLedger, SettlementNotices, TradeSide } from '../shared/ports/settlement-ledger';
import type { UserStore } from '../shared/ports/user-store';

const Fill = OrderEvent.extend({
  type: z.literal('fill'),
  symbol: z.string().min(1).max(32),
  side: z.enum(['buy', 'sell']),
  price: z.string().min(1).max(40),
  quantity: z.string().min(1).max(40),
  fill: z.object({ tradeId: z.string().min(1).max(64), liquidity: z.enum(['maker', 'taker']), counterOrderId: z.number() }),
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
  differences: { accountNo: number; asset: string; ledger: string; host: string }[];
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
  ) {
    this.owners = new AccountOwners(users, (account) => new InvalidBatch(`no user owns account ${account}`));
    for (const s of market.symbols) this.symbols.set(s.symbol, { spec: s, factors: settlementFactors(s, market.assets) });
  }

  /** Parse and price every fill; anything wrong makes the whole batch invalid. */
  async validate(input: unknown): Promise<Validated> {
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
      sides.push({
        reference,
        userId: await this.owners.of(f.account),
        side: f.side,
        base: k.spec.base,
        quote: k.spec.quote,
        baseAmount: (qty * k.factors.base).toString(),
        quoteAmount: (price * qty * k.factors.quote).toString(),
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

  /** Ledger (settled) against host (available + held), per account and asset. */
  async reconcile(): Promise<Reconciliation> {
    const ledger = await this.ledger.tradingBalances();
    const byAccount = new Map<number, Map<string, bigint>>();
    for (const l of ledger) byAccount.set(l.accountNo, (byAccount.get(l.accountNo) ?? new Map<string, bigint>()).set(l.asset, l.balance));
    const differences: Reconciliation['differences'] = [];
    for (const [accountNo, assets] of byAccount) {
      const host = new Map((await this.host.balances(accountNo)).map((b) => [b.asset, b]));
      for (const asset of new Set([...assets.keys(), ...host.keys()])) {
        const h = host.get(asset);
        const decimals = this.decimalsOf(asset);
        const held = h ? toBigUnits(h.available, decimals) + toBigUnits(h.held, decimals) : 0n;
        const settled = assets.get(asset) ?? 0n;
        if (held !== settled) differences.push({ accountNo, asset, ledger: settled.toString(), host: held.toString() });
      }
    }
    const clearing: Record<string, string> = {};
    for (const [asset, b] of await this.ledger.clearingBalances()) if (b !== 0n) clearing[asset] = b.toString();
    return { accounts: byAccount.size, differences, clearing };
  }

  private decimalsOf(asset: string): number {
    const a = this.market.assets[asset];
    if (!a) throw new Error(`unknown asset ${asset}`);
    return a.decimals;
  }
}
