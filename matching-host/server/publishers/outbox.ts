/**
 * The window of recent publications that publishers read from memory. A publication is staged
 * when its command executes and becomes readable only once the journal has made that command
 * durable, so nothing is ever published that a crash could take back. The window is bounded: a
 * publisher that falls further behind (downstream down for long, or a host restart) regenerates
 * what it missed from the journal instead (publication-replay.ts).
 */
import type { Publication } from '../core/types';

export interface OutboxRead {
  publications: Publication[];
  /** every command up to this seq is covered by the read (commands without output included) */
  upTo: number;
}

export class Outbox {
  private items: Publication[] = [];
  private head = 0;
  private staged: Publication[] = [];
  /** first seq whose publication is certainly still in memory */
  coveredFrom: number;
  /** highest seq that is durable, hence publishable */
  durableSeq: number;
  private waiters: (() => void)[] = [];

  constructor(
    recoveredSeq: number,
    readonly capacity = 20_000,
  ) {
    this.coveredFrom = recoveredSeq + 1;
    this.durableSeq = recoveredSeq;
  }

  stage(p: Publication): void {
    if (p.market.length > 0 || p.orders.length > 0) this.staged.push(p);
  }

  /** The journal made every command up to `seq` durable. */
  commit(seq: number): void {
    if (seq <= this.durableSeq) return;
    let n = 0;
    while (n < this.staged.length && this.staged[n].seq <= seq) this.items.push(this.staged[n++]);
    this.staged = n === this.staged.length ? [] : this.staged.slice(n);
    this.durableSeq = seq;
    const excess = this.items.length - this.head - this.capacity;
    if (excess > 0) {
      this.head += excess;
      this.coveredFrom = this.items[this.head - 1].seq + 1;
      // compact once the dropped prefix dominates, so trimming stays amortised O(1)
      if (this.head > this.capacity) {
        this.items = this.items.slice(this.head);
        this.head = 0;
      }
    }
    this.wakeAll();
  }

  /** Publications from `fromSeq` on (at most `max`), or null when they are no longer in memory. */
  read(fromSeq: number, max: number): OutboxRead | null {
    if (fromSeq < this.coveredFrom) return null;
    let lo = this.head;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.items[mid].seq < fromSeq) lo = mid + 1;
      else hi = mid;
    }
    const end = Math.min(this.items.length, lo + max);
    const publications = this.items.slice(lo, end);
    const upTo = end < this.items.length ? this.items[end].seq - 1 : this.durableSeq;
    return { publications, upTo };
  }

  /** Resolves at the next commit. */
  changed(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Wake every waiter (shutdown). */
  wakeAll(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}
