/**
 * Replies of executed requests by (account, caller's id), remembered by TIME: a request retried
 * within `windowMs` of its first execution (the commands' journaled time, never the wall clock, so
 * replay and the standby forget exactly what the live host forgot) is answered with the original
 * reply and executes nothing. Transfers are retried for a day (transfer-window.ts), cancels and
 * replaces for the seconds of the edge's retries; a count alone would let a burst of other requests
 * push out an id that something still retries.
 *
 * Memory is bounded by `capacity`. The host asks `hasRoom` before it takes a new transfer id (a
 * full window refuses new transfers rather than forget one early); for cancels it does not, and
 * `add` forgets the oldest id once the window is full: a cancel retry comes within seconds, and the
 * window is sized to hold many times that.
 */
export interface TimedReply {
  account: number;
  /** the command's journaled time (ms); absent in snapshots written before the host kept it */
  time?: number;
}

export class ReplyWindow<R extends TimedReply> {
  /** insertion order is time order: commands execute in time order */
  private readonly byKey = new Map<string, R>();
  /** replies restored from a snapshot that predates their time: stamped by the next request */
  private unstamped = 0;

  constructor(
    readonly windowMs: number,
    readonly capacity: number,
    /** the caller's id of a reply (transfer id, request id) */
    private readonly idOf: (reply: R) => string,
  ) {}

  get size(): number {
    return this.byKey.size;
  }

  get(account: number, id: string): R | undefined {
    return this.byKey.get(keyOf(account, id));
  }

  /** Whether a request executed at `time` would find room once the ids it outlives are forgotten. */
  hasRoom(time: number): boolean {
    if (this.byKey.size < this.capacity) return true;
    for (const r of this.byKey.values()) return this.expired(r, time);
    return true;
  }

  /** Forget the ids executed more than `windowMs` before `reply.time` and, if still full, the oldest; then remember `reply`. */
  add(reply: R & { time: number }): void {
    this.expire(reply.time);
    const k = keyOf(reply.account, this.idOf(reply));
    // not a path the host takes (a known id is answered, not executed again); kept in time order anyway
    this.byKey.delete(k);
    for (const old of this.byKey.keys()) {
      if (this.byKey.size < this.capacity) break;
      this.byKey.delete(old);
    }
    this.byKey.set(k, reply);
  }

  /** Append a reply as a snapshot recorded it, oldest first, without forgetting any. */
  restore(reply: R): void {
    const k = keyOf(reply.account, this.idOf(reply));
    if (this.byKey.has(k)) throw new Error(`snapshot holds id ${this.idOf(reply)} of account ${reply.account} twice`);
    if (reply.time === undefined) this.unstamped++;
    this.byKey.set(k, reply);
  }

  /** Replies oldest first, for snapshots. */
  toArray(): R[] {
    return [...this.byKey.values()];
  }

  private expired(r: R, time: number): boolean {
    return r.time !== undefined && time - r.time > this.windowMs;
  }

  private expire(time: number): void {
    if (this.unstamped > 0) {
      // an upgraded snapshot did not say when they ran: they get a whole window from now
      for (const r of this.byKey.values()) if (r.time === undefined) r.time = time;
      this.unstamped = 0;
    }
    for (const [k, r] of this.byKey) {
      if (!this.expired(r, time)) break;
      this.byKey.delete(k);
    }
  }
}

const keyOf = (account: number, id: string): string => `${account}\u0000${id}`;
