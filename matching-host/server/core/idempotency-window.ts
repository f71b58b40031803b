/**
 * Replies of recent commands by (account, client key), so a retried PlaceOrder / Deposit /
 * Withdraw returns the original reply and executes nothing. Bounded by count, not time, so replay
 * evicts exactly what the live host evicted: once more than `capacity` keys are held, the oldest
 * go, except those `pinned` says are still needed (an open order's key must keep refusing a
 * second order with the same client id for as long as the order rests). `dropped` hears of every
 * value that leaves, so values can be handles into a store of their own (order-replies.ts).
 *
 * Every order adds a key and evicts one, so this is on the path of every command and of replay:
 * entries live in slots of typed arrays, found through an open-addressing index (linear probing,
 * backward-shift deletion), with a FIFO ring of slots. Nested Maps keyed by strings cost about
 * 1.4 µs per insert+evict at 250 k keys; this costs a fraction of that.
 */
export class IdempotencyWindow<V> {
  /** per slot */
  private accounts: Float64Array;
  private hashes: Int32Array;
  private keys: string[] = [];
  private vals: (V | undefined)[] = [];
  private slots: number;
  private used = 0;
  private free: number[] = [];
  /** slot + 1 per bucket, 0 for empty */
  private index: Int32Array;
  private mask: number;
  /** slots oldest first, as a ring */
  private queue: Int32Array;
  private qHead = 0;
  private qLen = 0;
  private count = 0;

  constructor(
    readonly capacity: number,
    private readonly pinned: (value: V) => boolean = () => false,
    private readonly dropped: (value: V) => void = () => undefined,
  ) {
    this.slots = 1024;
    this.accounts = new Float64Array(this.slots);
    this.hashes = new Int32Array(this.slots);
    this.queue = new Int32Array(this.slots);
    this.index = new Int32Array(this.slots * 2);
    this.mask = this.slots * 2 - 1;
  }

  get size(): number {
    return this.count;
  }

  get(account: number, key: string): V | undefined {
    const s = this.find(account, key, hashOf(account, key));
    return s < 0 ? undefined : this.vals[s];
  }

  set(account: number, key: string, value: V): void {
    const h = hashOf(account, key);
    const existing = this.find(account, key, h);
    if (existing >= 0) {
      // not a path the host takes (a known key is answered, not stored again); kept correct anyway
      const old = this.vals[existing] as V;
      this.vals[existing] = value;
      this.dropped(old);
      return;
    }
    this.insert(this.alloc(), account, key, h, value);
    this.evict();
  }

  private alloc(): number {
    if (this.free.length === 0 && this.used === this.slots) this.grow();
    return this.free.length > 0 ? (this.free.pop() as number) : this.used++;
  }

  private insert(s: number, account: number, key: string, h: number, value: V): void {
    this.accounts[s] = account;
    this.hashes[s] = h;
    this.keys[s] = key;
    this.vals[s] = value;
    let i = h & this.mask;
    while (this.index[i] !== 0) i = (i + 1) & this.mask;
    this.index[i] = s + 1;
    this.push(s);
    this.count++;
  }

  /**
   * Append a key as a snapshot recorded it, oldest first, without evicting: the live window may
   * hold more than `capacity` keys (keys of orders that left the book stay until the next insert),
   * and a restore must give back exactly that window. A snapshot never holds a key twice.
   */
  restore(account: number, key: string, value: V): void {
    const h = hashOf(account, key);
    if (this.find(account, key, h) >= 0) throw new Error(`snapshot holds key ${key} of account ${account} twice`);
    this.insert(this.alloc(), account, key, h, value);
  }

  /** Values oldest first (the order eviction follows), for snapshots. */
  toArray(): V[] {
    const out = new Array<V>(this.qLen);
    const qm = this.queue.length - 1;
    for (let i = 0; i < this.qLen; i++) out[i] = this.vals[this.queue[(this.qHead + i) & qm]] as V;
    return out;
  }

  private find(account: number, key: string, h: number): number {
    let i = h & this.mask;
    for (;;) {
      const e = this.index[i];
      if (e === 0) return -1;
      const s = e - 1;
      if (this.hashes[s] === h && this.accounts[s] === account && this.keys[s] === key) return s;
      i = (i + 1) & this.mask;
    }
  }

  private evict(): void {
    // each key is looked at a bounded number of times: a pinned one moves to the back once per pass
    let budget = this.qLen;
    const qm = this.queue.length - 1;
    while (this.count > this.capacity && budget-- > 0) {
      const s = this.queue[this.qHead];
      this.qHead = (this.qHead + 1) & qm;
      this.qLen--;
      const v = this.vals[s] as V;
      if (this.pinned(v)) {
        this.push(s);
        continue;
      }
      this.remove(s);
      this.count--;
      this.dropped(v);
    }
  }

  /** Take slot s out of the index (backward shift keeps probe chains unbroken without tombstones). */
  private remove(s: number): void {
    const mask = this.mask;
    const index = this.index;
    let i = this.hashes[s] & mask;
    while (index[i] !== s + 1) i = (i + 1) & mask;
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const e = index[j];
      if (e === 0) break;
      const home = this.hashes[e - 1] & mask;
      // move e back into the hole unless its home lies cyclically in (i, j]
      if (i <= j ? home <= i || home > j : home <= i && home > j) {
        index[i] = e;
        i = j;
      }
    }
    index[i] = 0;
    this.keys[s] = '';
    this.vals[s] = undefined;
    this.free.push(s);
  }

  private push(s: number): void {
    const q = this.queue;
    q[(this.qHead + this.qLen) & (q.length - 1)] = s;
    this.qLen++;
  }

  /** Make room for n keys at once (a restore knows how many it brings). */
  reserve(n: number): void {
    if (n > this.slots) this.grow(n);
  }

  private grow(min = 0): void {
    let slots = this.slots * 2;
    while (slots < min) slots *= 2;
    const accounts = new Float64Array(slots);
    accounts.set(this.accounts);
    const hashes = new Int32Array(slots);
    hashes.set(this.hashes);
    const queue = new Int32Array(slots);
    const qm = this.queue.length - 1;
    for (let i = 0; i < this.qLen; i++) queue[i] = this.queue[(this.qHead + i) & qm];
    const index = new Int32Array(slots * 2);
    const mask = slots * 2 - 1;
    for (let i = 0; i < this.qLen; i++) {
      const s = queue[i];
      let b = hashes[s] & mask;
      while (index[b] !== 0) b = (b + 1) & mask;
      index[b] = s + 1;
    }
    this.slots = slots;
    this.accounts = accounts;
    this.hashes = hashes;
    this.queue = queue;
    this.qHead = 0;
    this.index = index;
    this.mask = mask;
  }
}

/** FNV-1a over the key's UTF-16 units, seeded by the account, finished with a murmur mix. */
function hashOf(account: number, key: string): number {
  let h = (0x811c9dc5 ^ (account | 0) ^ Math.floor(account / 4294967296)) | 0;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h;
}
