/**
 * A trader's bot at a steady rate, for measuring what a failover or a release costs: each order is
 * retried with its client order id until it is acknowledged (what an exchange client does when a
 * call fails), so an outage shows as a gap between acknowledgements; afterwards every acknowledged
 * order is placed again, and must come back as the same order (nothing acknowledged was lost).
 */
export interface Placed {
  orderId: number | string;
  /** the client order id named an order already placed */
  duplicate: boolean;
}

export type PlaceOrder = (clientOrderId: string) => Promise<Placed>;

export class SteadyOrders {
  readonly acked = new Map<string, number | string>();
  readonly ackTimes: number[] = [];
  private n = 0;
  private timer: NodeJS.Timeout | undefined;
  private inFlight = new Set<Promise<void>>();
  private stopping = false;
  private stoppedAt: number | undefined;

  constructor(
    private readonly place: PlaceOrder,
    private readonly prefix: string,
    private readonly perSecond = 20,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      const p = this.placeUntilAcked(`${this.prefix}-${++this.n}`);
      this.inFlight.add(p);
      void p.finally(() => this.inFlight.delete(p));
    }, 1000 / this.perSecond);
  }

  private async placeUntilAcked(clientOrderId: string): Promise<void> {
    while (!this.stopping) {
      try {
        const r = await this.place(clientOrderId);
        this.acked.set(clientOrderId, r.orderId);
        this.ackTimes.push(Date.now());
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  /** stop placing; orders already sent get until `graceMs` to be acknowledged */
  async stop(graceMs = 15_000): Promise<void> {
    clearInterval(this.timer);
    this.stoppedAt = Date.now();
    const all = Promise.all([...this.inFlight]);
    await Promise.race([all, new Promise((r) => setTimeout(r, graceMs))]);
    this.stopping = true;
    await all;
  }

  /** the longest time without an acknowledgement from `from` to `to` (default: when placing stopped) */
  gapAfter(from: number, to: number = this.stoppedAt ?? Date.now()): number {
    const times = [from, ...this.ackTimes.filter((t) => t >= from && t <= to), to];
    let gap = 0;
    for (let i = 1; i < times.length; i++) gap = Math.max(gap, times[i] - times[i - 1]);
    return gap;
  }

  /** Every acknowledged order is known to whoever is primary now: placing it again answers the same order. */
  async lost(): Promise<string[]> {
    const lost: string[] = [];
    // asked again until answered (a rate limit, a retry after a failover): a failed call says nothing either way
    const again = async (clientOrderId: string): Promise<Placed> => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await this.place(clientOrderId);
        } catch (e) {
          if (attempt >= 50) throw e;
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    };
    for (const [clientOrderId, orderId] of this.acked) {
      const r = await again(clientOrderId);
      if (!r.duplicate || String(r.orderId) !== String(orderId)) lost.push(clientOrderId);
    }
    return lost;
  }
}
