/**
 * A host's side of its region's primary lease (README.md in this folder; model: failover.pml).
 * As primary it renews the lease and says until when it may acknowledge; as a standby it watches
 * the lease and, once the primary let it lapse, takes it at the next epoch. Either way it tells
 * the DR role who holds the lease, so a host follows the holder and a stale primary fences itself.
 */
import type { Logger } from 'pino';
import { claimLease, type Lease, type LeaseStore } from '../../proto/lease';

export interface LeaseKeeperOptions {
  store: LeaseStore;
  /** the region whose lease this host may hold */
  region: string;
  /** the region whose lease holder this host follows as a standby (the DR replica: the primary region) */
  follow: string;
  id: string;
  leaseMs: number;
  /** the primary stops this long before its lease can lapse (clock rates, a stall between check and send) */
  marginMs: number;
  /** may this host take a lapsed lease by itself (the in-region standby), or only by a runbook (the DR replica)? */
  failover: boolean;
  log: Logger;
  /** a monotonic clock in ms (tests drive it) */
  now?: () => number;
  host: { role: 'primary' | 'standby'; epoch: number };
  /** the synchronous standbys in sync now (each renewal lists them) */
  inSync(): string[];
  /** another host holds a lease this host must respect (fence, follow) */
  onHolder(lease: Lease): Promise<void>;
  /** this host took its region's lapsed lease at `lease.epoch`: promote */
  onWon(lease: Lease): Promise<void>;
  /** the lease this host holds was written, or lapsed: acks waiting on the in-sync set look again */
  onChange(): void;
}

export class LeaseKeeper {
  /** the lease as this host last wrote it, while it holds it */
  private held: Lease | null = null;
  /**
   * in-sync sets of writes sent but not confirmed: such a write may have been applied, so until a
   * later write succeeds, a standby it listed counts as listed (failover.pml, ISR_FROM_ANSWER)
   */
  private unconfirmed: string[] = [];
  /** until when (monotonic ms) this host may acknowledge */
  private validUntil = 0;
  private lapsedTold = true;
  /** a standby's count: the version it sees and since when (its own clock) */
  private watched: { version: number; since: number } | null = null;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private soon = false;
  private closed = false;
  private lastError = '';
  private readonly now: () => number;

  constructor(private readonly o: LeaseKeeperOptions) {
    this.now = o.now ?? (() => performance.now());
  }

  /** The first step runs before start resolves: a restarted host knows whether it still holds the lease before it serves. */
  async start(): Promise<void> {
    await this.step();
    this.timer = setInterval(() => void this.step(), this.period);
    this.timer.unref();
  }

  private get period(): number {
    return Math.max(50, Math.floor(this.o.leaseMs / 6));
  }

  mayAcknowledge(): boolean {
    return this.o.host.role === 'primary' && this.held !== null && this.now() < this.validUntil;
  }

  /** the standbys the lease this host holds lists as in sync, or may list (a write whose answer never came) */
  members(): ReadonlySet<string> {
    return new Set([...(this.held?.inSync ?? []), ...this.unconfirmed]);
  }

  /** a conditional write whose in-sync set counts from the moment it is sent until a later write succeeds */
  private async write(next: Lease, expected: number): Promise<boolean> {
    this.unconfirmed = [...new Set([...this.unconfirmed, ...next.inSync])];
    const ok = await this.o.store.write(next, expected);
    if (ok) this.unconfirmed = [];
    return ok;
  }

  /** the lease as this host holds it (null: it holds none) */
  get lease(): Lease | null {
    return this.held;
  }

  /** write the lease again now (a standby fell out of the in-sync set; a promotion wants its lease) */
  publish(): void {
    if (this.soon) return;
    this.soon = true;
    setImmediate(() => {
      this.soon = false;
      void this.step();
    });
  }

  /** One step at a time: renew or claim as primary, watch as standby. */
  step(): Promise<void> {
    const next = this.running.then(() => (this.closed ? undefined : this.once()));
    this.running = next.catch(() => undefined);
    return this.running;
  }

  private async once(): Promise<void> {
    try {
      if (this.o.host.role === 'primary') await this.asPrimary();
      else await this.asStandby();
      this.lastError = '';
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      // the store unreachable: nothing learned; a held lease lapses by itself
      if (msg !== this.lastError) this.o.log.warn({ err: msg, region: this.o.region }, 'lease store not reachable');
      this.lastError = msg;
    }
    this.checkLapse();
  }

  private checkLapse(): void {
    if (this.mayAcknowledge()) {
      this.lapsedTold = false;
      return;
    }
    if (this.lapsedTold) return;
    this.lapsedTold = true;
    if (this.o.host.role === 'primary') this.o.log.warn({ region: this.o.region }, 'primary lease lapsed: acknowledging nothing');
    this.o.onChange();
  }

  private async asPrimary(): Promise<void> {
    const host = this.o.host;
    if (this.held && this.held.epoch === host.epoch) {
      await this.renew(this.held);
      return;
    }
    // a primary without the lease: a restart, a runbook's promotion, or a first start
    const cur = await this.o.store.read(this.o.region);
    if (cur && cur.holder === this.o.id && cur.epoch === host.epoch) return this.renew(cur);
    if (!cur || cur.epoch < host.epoch) {
      const t0 = this.now();
      const got = await claimLease(this.o.store, this.o.region, this.o.id, host.epoch, this.o.leaseMs);
      if (got) {
        this.took(got, t0);
        this.o.log.info({ region: this.o.region, epoch: host.epoch }, 'primary lease claimed');
        return;
      }
    }
    const now = await this.o.store.read(this.o.region);
    if (now) await this.lost(now);
  }

  private async renew(cur: Lease, again = true): Promise<void> {
    const t0 = this.now();
    const next: Lease = { ...cur, version: cur.version + 1, inSync: this.o.inSync(), leaseMs: this.o.leaseMs };
    if (await this.write(next, cur.version)) {
      this.took(next, t0);
      return;
    }
    const now = await this.o.store.read(this.o.region);
    // refused because an earlier write of its own went through unanswered: still its lease, renew from there
    if (again && now && now.holder === this.o.id && now.epoch === this.o.host.epoch) return this.renew(now, false);
    if (now) await this.lost(now);
  }

  /** a write that started at `t0` succeeded: acknowledge until before anyone could count it lapsed */
  private took(lease: Lease, t0: number): void {
    const listed = this.held ? this.held.inSync.join() : '';
    this.held = lease;
    this.validUntil = Math.max(this.validUntil, t0 + lease.leaseMs - this.o.marginMs);
    this.lapsedTold = false;
    if (listed !== lease.inSync.join())
      this.o.log.info({ region: this.o.region, inSync: lease.inSync, epoch: lease.epoch }, 'lease in-sync set');
    this.o.onChange();
  }

  /** someone else's write came first: stop acknowledging at once, then respect the holder */
  private async lost(cur: Lease): Promise<void> {
    this.held = null;
    this.validUntil = 0;
    this.checkLapse();
    if (cur.holder !== this.o.id || cur.epoch !== this.o.host.epoch) {
      this.o.log.warn({ region: this.o.region, holder: cur.holder, epoch: cur.epoch }, 'the lease is held elsewhere');
      await this.o.onHolder(cur);
    }
  }

  private async asStandby(): Promise<void> {
    this.held = null;
    this.validUntil = 0;
    const follow = this.o.follow === this.o.region ? null : await this.o.store.read(this.o.follow);
    const own = await this.o.store.read(this.o.region);
    const seenAt = this.now();
    // the holder to follow: the primary region's, for the DR replica; this region's otherwise
    const target = follow ?? own;
    if (target && target.holder !== '' && target.holder !== this.o.id) await this.o.onHolder(target);
    if (!own) return;
    // a takeover whose answer was lost: the lease is this host's at a newer epoch; promote, and
    // acknowledge only after a renewal it sees succeed (validity stays 0 until then)
    if (own.holder === this.o.id && own.epoch > this.o.host.epoch) {
      this.o.log.warn({ region: this.o.region, epoch: own.epoch }, 'the lease names this host: its takeover went through');
      this.held = own;
      await this.o.onWon(own);
      return;
    }
    if (!this.o.failover) return;
    if (!this.watched || this.watched.version !== own.version) {
      // counted from a read that saw the version: later than the write, so later than the writer's t0
      this.watched = { version: own.version, since: seenAt };
      return;
    }
    if (own.holder === '' || own.holder === this.o.id || !own.inSync.includes(this.o.id)) return;
    // a released lease (leaseMs 0: its holder stopped) is taken at the next look after the release was seen
    if (seenAt - this.watched.since < own.leaseMs) return;
    const epoch = Math.max(own.epoch, this.o.host.epoch) + 1;
    const t0 = this.now();
    const next: Lease = { region: this.o.region, holder: this.o.id, epoch, version: own.version + 1, inSync: [], leaseMs: this.o.leaseMs };
    if (!(await this.o.store.write(next, own.version))) return; // the primary renewed, or another standby won
    this.o.log.warn(
      { region: this.o.region, from: own.holder, epoch, unchangedMs: Math.round(seenAt - this.watched.since) },
      'the primary let its lease lapse: taking over',
    );
    this.held = next;
    this.validUntil = t0 + next.leaseMs - this.o.marginMs;
    this.lapsedTold = false;
    await this.o.onWon(next);
  }

  /**
   * A graceful stop hands over: stop acknowledging, then write the lease as already lapsed, so an
   * in-sync standby takes it at its next look instead of a whole lease later (a deploy costs about
   * a second instead of about four).
   */
  async release(): Promise<void> {
    await this.step(); // after any write in flight
    const held = this.held;
    this.validUntil = 0;
    this.held = null;
    this.checkLapse();
    if (!held || this.o.host.role !== 'primary') return;
    const next: Lease = { ...held, version: held.version + 1, inSync: this.o.inSync(), leaseMs: 0 };
    try {
      if (await this.write(next, held.version)) this.o.log.info({ region: this.o.region, inSync: next.inSync }, 'lease released');
    } catch (e) {
      this.o.log.warn({ err: e instanceof Error ? e.message : String(e) }, 'lease not released: it lapses by itself');
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.running;
    this.validUntil = 0;
  }
}
