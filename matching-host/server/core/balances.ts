/**
 * Per-account, per-asset balances in integer units of each asset (bigint: a price × quantity
 * product can exceed 2^53). `available` can be spent or held; `held` backs open orders.
 * Every mutation keeps both non-negative; a failed check changes nothing.
 */
export interface Balance {
  available: bigint;
  held: bigint;
}

export class InsufficientFunds extends Error {
  constructor(
    readonly account: number,
    readonly asset: string,
  ) {
    super(`insufficient ${asset} for account ${account}`);
  }
}

export class Balances {
  private readonly accounts = new Map<number, Map<string, Balance>>();

  private entry(account: number, asset: string): Balance {
    let assets = this.accounts.get(account);
    if (!assets) {
      assets = new Map();
      this.accounts.set(account, assets);
    }
    let b = assets.get(asset);
    if (!b) {
      b = { available: 0n, held: 0n };
      assets.set(asset, b);
    }
    return b;
  }

  get(account: number, asset: string): Balance {
    const b = this.accounts.get(account)?.get(asset);
    return b ? { ...b } : { available: 0n, held: 0n };
  }

  /** All non-empty balances of an account, by asset name. */
  ofAccount(account: number): Map<string, Balance> {
    const out = new Map<string, Balance>();
    for (const [asset, b] of this.accounts.get(account) ?? []) out.set(asset, { ...b });
    return out;
  }

  canSpend(account: number, asset: string, amount: bigint): boolean {
    const b = this.accounts.get(account)?.get(asset);
    return (b ? b.available : 0n) >= amount;
  }

  credit(account: number, asset: string, amount: bigint): void {
    this.entry(account, asset).available += amount;
  }

  debit(account: number, asset: string, amount: bigint): void {
    const b = this.entry(account, asset);
    if (b.available < amount) throw new InsufficientFunds(account, asset);
    b.available -= amount;
  }

  hold(account: number, asset: string, amount: bigint): void {
    const b = this.entry(account, asset);
    if (b.available < amount) throw new InsufficientFunds(account, asset);
    b.available -= amount;
    b.held += amount;
  }

  release(account: number, asset: string, amount: bigint): void {
    const b = this.entry(account, asset);
    if (b.held < amount) throw new Error(`release of ${amount} ${asset} exceeds held ${b.held} (account ${account})`);
    b.held -= amount;
    b.available += amount;
  }

  /** Spend held funds of `from` and credit them to `to`'s available balance. */
  transferHeld(from: number, to: number, asset: string, amount: bigint): void {
    const b = this.entry(from, asset);
    if (b.held < amount) throw new Error(`transfer of ${amount} ${asset} exceeds held ${b.held} (account ${from})`);
    b.held -= amount;
    this.entry(to, asset).available += amount;
  }

  /** Sum of available + held of one asset over all accounts (conservation checks). */
  total(asset: string): bigint {
    let sum = 0n;
    for (const assets of this.accounts.values()) {
      const b = assets.get(asset);
      if (b) sum += b.available + b.held;
    }
    return sum;
  }

  toJSON(): [number, [string, string, string][]][] {
    return [...this.accounts].map(([acc, assets]) => [
      acc,
      [...assets].map(([asset, b]): [string, string, string] => [asset, b.available.toString(), b.held.toString()]),
    ]);
  }

  static fromJSON(data: [number, [string, string, string][]][]): Balances {
    const out = new Balances();
    for (const [acc, assets] of data)
      for (const [asset, available, held] of assets) {
        const b = out.entry(acc, asset);
        b.available = BigInt(available);
        b.held = BigInt(held);
      }
    return out;
  }
}
