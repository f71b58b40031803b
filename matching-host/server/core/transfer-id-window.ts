/**
 * The transfer ids the host has executed, with their replies, remembered by TIME: a Deposit or
 * Withdraw retried within `windowMs` of its first execution (the commands' journaled time, never
 * the wall clock, so replay and the standby forget exactly what the live host forgot) is answered
 * with the original reply and moves nothing. A count would not do: a burst of other transfers
 * would push out an id that something still retries (TRANSFER_RETRY_LIMIT_MS, transfer-window.ts).
 *
 * Memory is bounded by the transfers executed in one window and, whatever their rate, by
 * `capacity`: a full window takes no new transfer id (the host answers "unavailable", the caller
 * retries later) rather than forget one early.
 */
import type { TransferReply } from './types';

const keyOf = (account: number, transferId: string): string => `${account}\u0000${transferId}`;

export class TransferIdWindow {
  /** insertion order is time order: commands execute in time order */
  private readonly byKey = new Map<string, TransferReply>();
  /** replies restored from a snapshot that predates their time: stamped by the next transfer */
  private unstamped = 0;

  constructor(
    readonly windowMs: number,
    readonly capacity: number,
  ) {}

  get size(): number {
    return this.byKey.size;
  }

  get(account: number, transferId: string): TransferReply | undefined {
    return this.byKey.get(keyOf(account, transferId));
  }

  /** Whether a transfer executed at `time` would find room once the ids it outlives are forgotten. */
  hasRoom(time: number): boolean {
    if (this.byKey.size < this.capacity) return true;
    for (const r of this.byKey.values()) return this.expired(r, time);
    return true;
  }

  /** Forget the ids executed more than `windowMs` before `time` (oldest first), then remember `reply` (executed at `time`). */
  add(reply: TransferReply & { time: number }): void {
    this.expire(reply.time);
    const k = keyOf(reply.account, reply.transferId);
    // not a path the host takes (a known id is answered, not executed again); kept in time order anyway
    this.byKey.delete(k);
    this.byKey.set(k, reply);
  }

  /** Append a reply as a snapshot recorded it, oldest first, without forgetting any. */
  restore(reply: TransferReply): void {
    const k = keyOf(reply.account, reply.transferId);
    if (this.byKey.has(k)) throw new Error(`snapshot holds transfer ${reply.transferId} of account ${reply.account} twice`);
    if (reply.time === undefined) this.unstamped++;
    this.byKey.set(k, reply);
  }

  /** Replies oldest first, for snapshots. */
  toArray(): TransferReply[] {
    return [...this.byKey.values()];
  }

  private expired(r: TransferReply, time: number): boolean {
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
