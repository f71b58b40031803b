/**
 * Replies of recent commands by (account, client key), so a retried PlaceOrder / Deposit /
 * Withdraw returns the original reply and executes nothing. Bounded by count, not time, so replay
 * evicts exactly what the live host evicted: once more than `capacity` keys are held, the oldest
 * go, except those `pinned` says are still needed (an open order's key must keep refusing a
 * second order with the same client id for as long as the order rests).
 */
export class IdempotencyWindow<V> {
  private readonly byAccount = new Map<number, Map<string, V>>();
  private accounts: number[] = [];
  private keys: string[] = [];
  /** values in the same FIFO order, so a snapshot copies an array instead of doing map lookups */
  private vals: V[] = [];
  private head = 0;
  private count = 0;

  constructor(
    readonly capacity: number,
    private readonly pinned: (value: V) => boolean = () => false,
  ) {}

  get size(): number {
    return this.count;
  }

  get(account: number, key: string): V | undefined {
    return this.byAccount.get(account)?.get(key);
  }

  set(account: number, key: string, value: V): void {
    let m = this.byAccount.get(account);
    if (!m) {
      m = new Map();
      this.byAccount.set(account, m);
    }
    const before = m.size;
    m.set(key, value);
    if (m.size > before) {
      this.accounts.push(account);
      this.keys.push(key);
      this.vals.push(value);
      this.count++;
    } else {
      // not a path the host takes (a known key is answered, not stored again); kept correct anyway
      for (let i = this.head; i < this.keys.length; i++) if (this.accounts[i] === account && this.keys[i] === key) this.vals[i] = value;
    }
    this.evict();
  }

  private evict(): void {
    // each key is looked at a bounded number of times: a pinned one moves to the back once per pass
    let budget = this.keys.length - this.head;
    while (this.count > this.capacity && budget-- > 0) {
      const account = this.accounts[this.head];
      const key = this.keys[this.head];
      this.head++;
      const m = this.byAccount.get(account) as Map<string, V>;
      const v = this.vals[this.head - 1];
      if (this.pinned(v)) {
        this.accounts.push(account);
        this.keys.push(key);
        this.vals.push(v);
        continue;
      }
      m.delete(key);
      if (m.size === 0) this.byAccount.delete(account);
      this.count--;
    }
    if (this.head > 4096 && this.head * 2 > this.keys.length) {
      this.accounts = this.accounts.slice(this.head);
      this.keys = this.keys.slice(this.head);
      this.vals = this.vals.slice(this.head);
      this.head = 0;
    }
  }

  /** Values oldest first (the order eviction follows), for snapshots. */
  toArray(): V[] {
    return this.vals.slice(this.head);
  }

}
