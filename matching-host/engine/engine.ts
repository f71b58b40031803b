import { Book, LevelPage, validateSpec } from './book';
import { EventBuffer } from './event-buffer';
import { IntMap } from './int-map';
import { OrderStore } from './order-store';
import { TimerHeap } from './timer-heap';
import {
  EventType,
  OrderType,
  Reason,
  Side,
  Stp,
  TimeInForce,
  type SymbolSpec,
} from './types';

const PAGE_MASK = 4095;
const MAX_ACCOUNT = 2 ** 31 - 1;

export interface EngineOptions {
  symbols: readonly SymbolSpec[];
  /** resting orders to reserve room for (the store doubles if ever exceeded) */
  orderCapacity?: number;
}

/**
 * Price-time priority matching over a set of symbols. Pure and deterministic: every command
 * carries its own sequence number and time, there is no I/O, clock or randomness, and the same
 * command stream always yields the same events and book checksum.
 *
 * Commands are methods taking plain numbers (the hot path); their events are written to
 * `this.events`, which the caller reads before issuing the next command. `Engine` in
 * commands.ts wraps this with object commands and decoded events.
 */
export class MatchingCore {
  readonly events = new EventBuffer();
  readonly books: Book[];
  readonly symbols: string[];
  readonly symbolIndex = new Map<string, number>();
  readonly store: OrderStore;
  /** orderId → slot of every resting order */
  readonly orderIndex: IntMap;
  /** account id → internal account index */
  readonly accountIndex = new IntMap(1024);
  accountIds = new Float64Array(1024);
  /** first slot of each account's resting-order list, -1 when none */
  accountHead = new Int32Array(1024).fill(-1);
  /** armed dead-man deadline per account index, 0 when disarmed */
  accountDeadline = new Float64Array(1024);
  accountCount = 0;
  private readonly gtd = new TimerHeap();
  private readonly deadman = new TimerHeap(64);
  private nextTimer = Infinity;
  /** set by match() when self-trade prevention canceled the incoming order */
  private takerKilled = false;
  lastSeq = 0;
  lastTime = 0;

  constructor(options: EngineOptions) {
    const cap = options.orderCapacity ?? 1 << 16;
    this.store = new OrderStore(cap);
    this.orderIndex = new IntMap(cap);
    this.books = options.symbols.map((spec, i) => {
      const problem = validateSpec(spec);
      if (problem) throw new Error(`invalid symbol spec: ${problem}`);
      if (this.symbolIndex.has(spec.symbol)) throw new Error(`duplicate symbol ${spec.symbol}`);
      this.symbolIndex.set(spec.symbol, i);
      return new Book(i, { ...spec });
    });
    this.symbols = this.books.map((b) => b.spec.symbol);
  }

  // ---------------------------------------------------------------- commands

  /**
   * Place a new order. `price` is ignored for market orders. `postOnly` is 0/1.
   * Events: rejected | accepted, then trades/book deltas, then canceled (IOC/FOK/market remainder,
   * self-trade) or a book delta for the resting remainder.
   */
  place(
    seq: number,
    time: number,
    book: number,
    orderId: number,
    account: number,
    side: number,
    type: number,
    tif: number,
    price: number,
    quantity: number,
    postOnly: number,
    stp: number,
    expireTime: number,
  ): void {
    if (!this.begin(seq, time)) return;
    const b = this.books[book];
    if (b === undefined) return this.reject(-1, orderId, account, side, price, quantity, Reason.UNKNOWN_SYMBOL);
    const reason = this.validatePlace(b, orderId, account, side, type, tif, price, quantity, postOnly, stp, expireTime);
    if (reason !== Reason.NONE) return this.reject(book, orderId, account, side, price, quantity, reason);

    const isBuy = side === Side.BUY;
    let limitTick: number;
    if (type === OrderType.LIMIT) {
      limitTick = (price - b.spec.minPrice) / b.spec.tickSize;
      if (postOnly !== 0 && (isBuy ? limitTick >= b.bestAsk : limitTick <= b.bestBid))
        return this.reject(book, orderId, account, side, price, quantity, Reason.POST_ONLY_WOULD_TAKE);
    } else {
      limitTick = this.protectionTick(b, side);
      price = 0;
    }
    this.emit(EventType.ACCEPTED, b, orderId, account, side, price, quantity, quantity, 0, 0, 0, Reason.NONE);

    if (tif === TimeInForce.FOK && !this.fillable(b, side, limitTick, quantity, account, stp)) {
      this.emit(EventType.CANCELED, b, orderId, account, side, price, quantity, 0, 0, 0, 0, Reason.FOK_UNFILLABLE);
      return;
    }
    const leaves = this.match(b, orderId, account, side, limitTick, quantity, stp);
    if (leaves === 0) return;
    if (this.takerKilled) {
      this.emit(EventType.CANCELED, b, orderId, account, side, price, leaves, 0, 0, 0, 0, Reason.SELF_TRADE);
    } else if (type === OrderType.LIMIT && (tif === TimeInForce.GTC || tif === TimeInForce.GTD)) {
      const slot = this.store.alloc();
      const st = this.store;
      st.id[slot] = orderId;
      st.account[slot] = account;
      st.book[slot] = book;
      st.side[slot] = side;
      st.tif[slot] = tif;
      st.postOnly[slot] = postOnly;
      st.stp[slot] = stp;
      st.quantity[slot] = quantity;
      st.filled[slot] = quantity - leaves;
      st.time[slot] = this.lastTime;
      st.expire[slot] = tif === TimeInForce.GTD ? expireTime : 0;
      this.rest(b, slot, limitTick, leaves);
    } else {
      const reason =
        type === OrderType.LIMIT
          ? Reason.IOC_REMAINDER
          : (isBuy ? b.bestAsk < b.ticks : b.bestBid >= 0)
            ? Reason.MARKET_PROTECTION
            : Reason.MARKET_NO_LIQUIDITY;
      this.emit(EventType.CANCELED, b, orderId, account, side, price, leaves, 0, 0, 0, 0, reason);
    }
  }

  /** Cancel one resting order; only its own account may cancel it. */
  cancel(seq: number, time: number, orderId: number, account: number): void {
    if (!this.begin(seq, time)) return;
    const slot = orderId >= 1 ? this.orderIndex.get(orderId) : -1;
    if (slot < 0 || this.store.account[slot] !== account)
      return this.reject(-1, orderId, account, 0, 0, 0, Reason.UNKNOWN_ORDER);
    this.remove(slot, EventType.CANCELED, Reason.USER_CANCELED);
  }

  /**
   * Cancel-replace a resting order to a new price and total quantity (filled part included).
   * Time priority is kept only when the price is unchanged and the quantity does not grow;
   * otherwise the order is re-entered at the new price as if new (it may trade) and goes to the
   * back of its level. A rejected replace leaves the original order untouched.
   */
  replace(seq: number, time: number, orderId: number, account: number, price: number, quantity: number): void {
    if (!this.begin(seq, time)) return;
    const st = this.store;
    const slot = orderId >= 1 ? this.orderIndex.get(orderId) : -1;
    if (slot < 0 || st.account[slot] !== account)
      return this.reject(-1, orderId, account, 0, price, quantity, Reason.UNKNOWN_ORDER);
    const b = this.books[st.book[slot]];
    const side = st.side[slot];
    if (b.halted) return this.reject(b.index, orderId, account, side, price, quantity, Reason.SYMBOL_HALTED);
    let reason = this.validatePrice(b, price);
    if (reason === Reason.NONE) reason = this.validateQuantity(b, quantity);
    if (reason === Reason.NONE && quantity <= st.filled[slot]) reason = Reason.QUANTITY_BELOW_FILLED;
    if (reason !== Reason.NONE) return this.reject(b.index, orderId, account, side, price, quantity, reason);

    const newTick = (price - b.spec.minPrice) / b.spec.tickSize;
    const oldTick = st.tick[slot];
    const newLeaves = quantity - st.filled[slot];
    if (newTick === oldTick && quantity <= st.quantity[slot]) {
      const page = b.page(oldTick);
      const off = oldTick & PAGE_MASK;
      page.qty[off] -= st.leaves[slot] - newLeaves;
      st.leaves[slot] = newLeaves;
      st.quantity[slot] = quantity;
      this.emit(EventType.REPLACED, b, orderId, account, side, price, quantity, newLeaves, 0, 0, 0, Reason.PRIORITY_KEPT);
      this.emitDelta(b, side, oldTick);
      return;
    }
    const isBuy = side === Side.BUY;
    if (st.postOnly[slot] !== 0 && (isBuy ? newTick >= b.bestAsk : newTick <= b.bestBid))
      return this.reject(b.index, orderId, account, side, price, quantity, Reason.POST_ONLY_WOULD_TAKE);

    // Take the order off its level, keeping its slot and id, then re-enter it.
    this.emit(EventType.REPLACED, b, orderId, account, side, price, quantity, newLeaves, 0, 0, 0, Reason.PRIORITY_LOST);
    this.unlinkLevel(b, slot);
    this.emitDelta(b, side, oldTick);
    st.quantity[slot] = quantity;
    const leaves = this.match(b, orderId, account, side, newTick, newLeaves, st.stp[slot]);
    st.filled[slot] = quantity - leaves;
    if (leaves === 0) {
      this.forget(slot);
    } else if (this.takerKilled) {
      this.emit(EventType.CANCELED, b, orderId, account, side, price, leaves, 0, 0, 0, 0, Reason.SELF_TRADE);
      this.forget(slot);
    } else {
      st.time[slot] = this.lastTime;
      this.relink(b, slot, newTick, leaves);
    }
  }

  /** Cancel every resting order of an account, in one symbol or (book = -1) all. */
  cancelAll(seq: number, time: number, account: number, book: number): void {
    if (!this.begin(seq, time)) return;
    if (book !== -1 && this.books[book] === undefined)
      return this.reject(-1, 0, account, 0, 0, 0, Reason.UNKNOWN_SYMBOL);
    const ai = this.accountIndex.get(account);
    if (ai >= 0) this.cancelAccount(ai, book, Reason.MASS_CANCEL);
  }

  /**
   * Dead-man switch: unless re-armed or disarmed (deadline 0) before `deadline`, every resting
   * order of the account is canceled by the first command whose time reaches it.
   */
  cancelAllAfter(seq: number, time: number, account: number, deadline: number): void {
    if (!this.begin(seq, time)) return;
    if (!(Number.isSafeInteger(account) && account >= 1 && account <= MAX_ACCOUNT))
      return this.reject(-1, 0, account, 0, 0, 0, Reason.INVALID_ACCOUNT);
    if (deadline !== 0 && !(deadline > this.lastTime && Number.isFinite(deadline)))
      return this.reject(-1, 0, account, 0, 0, 0, Reason.INVALID_DEADLINE);
    const ai = this.accountOf(account);
    this.accountDeadline[ai] = deadline;
    if (deadline !== 0) {
      this.deadman.push(deadline, account, ai);
      if (deadline < this.nextTimer) this.nextTimer = deadline;
    }
    this.events.push(
      EventType.STATUS, -1, 0, 0, account, 0, 0, deadline, 0, 0, 0, 0,
      deadline === 0 ? Reason.DEAD_MAN_DISARMED : Reason.DEAD_MAN_ARMED,
    );
  }

  /** Advance time: fires GTD expiries and dead-man switches that are due. */
  tick(seq: number, time: number): void {
    this.begin(seq, time);
  }

  /** Halt (no new orders or replaces; cancels still work) or resume a symbol. */
  setHalted(seq: number, time: number, book: number, halted: boolean): void {
    if (!this.begin(seq, time)) return;
    const b = this.books[book];
    if (b === undefined) return this.reject(-1, 0, 0, 0, 0, 0, Reason.UNKNOWN_SYMBOL);
    b.halted = halted;
    this.emit(EventType.STATUS, b, 0, 0, 0, 0, 0, 0, 0, 0, 0, halted ? Reason.HALTED : Reason.RESUMED);
  }

  // ---------------------------------------------------------------- matching

  /**
   * Match an incoming order against the opposite side up to limitTick. Returns the unfilled
   * quantity. Makers are always consumed from the head of a level, so a level's new head is
   * simply the first maker left standing.
   */
  private match(b: Book, takerId: number, takerAccount: number, side: number, limitTick: number, qty: number, stp: number): number {
    this.takerKilled = false;
    const st = this.store;
    const leavesArr = st.leaves;
    const accountArr = st.account;
    const nextArr = st.next;
    const ev = this.events;
    const isBuy = side === Side.BUY;
    const makerSide = isBuy ? Side.SELL : Side.BUY;
    let remaining = qty;
    while (remaining > 0) {
      const tick = isBuy ? b.bestAsk : b.bestBid;
      if (isBuy ? tick > limitTick : tick < limitTick) break;
      const page = b.page(tick);
      const off = tick & PAGE_MASK;
      const price = b.spec.minPrice + tick * b.spec.tickSize;
      const startCount = page.count[off];
      let levelQty = page.qty[off];
      let levelCount = startCount;
      let s = page.head[off];
      let traded = false;
      while (s !== -1 && remaining > 0) {
        const next = nextArr[s];
        if (accountArr[s] === takerAccount) {
          if (stp !== Stp.CANCEL_NEWEST) {
            levelQty -= leavesArr[s];
            levelCount--;
            ev.push(EventType.CANCELED, b.index, ++b.sequence, st.id[s], takerAccount, makerSide, price,
              leavesArr[s], 0, 0, 0, 0, Reason.SELF_TRADE);
            this.forget(s);
          }
          if (stp !== Stp.CANCEL_OLDEST) {
            this.takerKilled = true;
            if (stp === Stp.CANCEL_BOTH) s = next;
            break;
          }
          s = next;
          continue;
        }
        const makerLeaves = leavesArr[s];
        const fill = remaining < makerLeaves ? remaining : makerLeaves;
        remaining -= fill;
        const left = makerLeaves - fill;
        leavesArr[s] = left;
        st.filled[s] += fill;
        levelQty -= fill;
        traded = true;
        ev.push(EventType.TRADE, b.index, ++b.sequence, takerId, takerAccount, side, price, fill, remaining,
          st.id[s], accountArr[s], left, Reason.NONE);
        if (left === 0) {
          levelCount--;
          this.forget(s);
          s = next;
        }
      }
      page.head[off] = s;
      if (s === -1) page.tail[off] = -1;
      else st.prev[s] = -1;
      page.qty[off] = levelQty;
      page.count[off] = levelCount;
      if (traded) b.lastPrice = price;
      if (levelCount !== startCount || traded)
        ev.push(EventType.BOOK_DELTA, b.index, ++b.sequence, 0, 0, makerSide, price, levelQty, levelCount, 0, 0, 0, Reason.NONE);
      if (levelCount === 0) {
        b.bitmap.clear(tick);
        if (isBuy) b.bestAsk = b.nextAskAbove(tick);
        else b.bestBid = b.nextBidBelow(tick);
      }
      if (this.takerKilled) break;
    }
    return remaining;
  }

  /** FOK pre-check: would the order fill completely, walking the book exactly as match() would? */
  private fillable(b: Book, side: number, limitTick: number, qty: number, account: number, stp: number): boolean {
    const st = this.store;
    const isBuy = side === Side.BUY;
    let avail = 0;
    let tick = isBuy ? b.bestAsk : b.bestBid;
    while (isBuy ? tick <= limitTick : tick >= limitTick) {
      for (let s = b.levelHead(tick); s !== -1; s = st.next[s]) {
        if (st.account[s] === account) {
          if (stp === Stp.CANCEL_OLDEST) continue;
          return false;
        }
        avail += st.leaves[s];
        if (avail >= qty) return true;
      }
      tick = isBuy ? b.nextAskAbove(tick) : b.nextBidBelow(tick);
    }
    return false;
  }

  /** Market-order protection: the furthest tick a market order may reach (the band edge). */
  private protectionTick(b: Book, side: number): number {
    const spec = b.spec;
    const isBuy = side === Side.BUY;
    if (spec.bandBps === 0) return isBuy ? b.ticks - 1 : 0;
    let ref = b.lastPrice || spec.referencePrice || 0;
    if (ref === 0) {
      const best = isBuy ? b.bestAsk : b.bestBid;
      if (best < 0 || best >= b.ticks) return isBuy ? b.ticks - 1 : 0;
      ref = b.priceOf(best);
    }
    const band = Math.floor((ref * spec.bandBps) / 10000);
    if (isBuy) {
      const t = Math.floor((ref + band - spec.minPrice) / spec.tickSize);
      return t >= b.ticks ? b.ticks - 1 : t;
    }
    const t = Math.ceil((ref - band - spec.minPrice) / spec.tickSize);
    return t < 0 ? 0 : t;
  }

  // ---------------------------------------------------------------- book maintenance

  /** Link a slot at the back of level `tick` with `leaves` open and index it. */
  private rest(b: Book, slot: number, tick: number, leaves: number): void {
    const st = this.store;
    this.relink(b, slot, tick, leaves);
    this.orderIndex.set(st.id[slot], slot);
    const ai = this.accountOf(st.account[slot]);
    st.accountIdx[slot] = ai;
    const head = this.accountHead[ai];
    st.accPrev[slot] = -1;
    st.accNext[slot] = head;
    if (head !== -1) st.accPrev[head] = slot;
    this.accountHead[ai] = slot;
    if (st.tif[slot] === TimeInForce.GTD) {
      const exp = st.expire[slot];
      this.gtd.push(exp, st.id[slot], slot);
      if (exp < this.nextTimer) this.nextTimer = exp;
    }
  }

  /** Append a slot to the tail of a level and emit the level's delta. */
  private relink(b: Book, slot: number, tick: number, leaves: number): void {
    const st = this.store;
    const page = b.page(tick);
    const off = tick & PAGE_MASK;
    st.tick[slot] = tick;
    st.leaves[slot] = leaves;
    st.next[slot] = -1;
    const tail = page.tail[off];
    st.prev[slot] = tail;
    if (tail === -1) {
      page.head[off] = slot;
      b.bitmap.set(tick);
      if (st.side[slot] === Side.BUY) {
        if (tick > b.bestBid) b.bestBid = tick;
      } else if (tick < b.bestAsk) b.bestAsk = tick;
    } else st.next[tail] = slot;
    page.tail[off] = slot;
    page.qty[off] += leaves;
    page.count[off]++;
    this.emitDelta(b, st.side[slot], tick);
  }

  /** Unlink a slot from anywhere in its level, keeping it indexed. */
  private unlinkLevel(b: Book, slot: number): void {
    const st = this.store;
    const tick = st.tick[slot];
    const page: LevelPage = b.page(tick);
    const off = tick & PAGE_MASK;
    const prev = st.prev[slot];
    const next = st.next[slot];
    if (prev === -1) page.head[off] = next;
    else st.next[prev] = next;
    if (next === -1) page.tail[off] = prev;
    else st.prev[next] = prev;
    page.qty[off] -= st.leaves[slot];
    if (--page.count[off] === 0) {
      b.bitmap.clear(tick);
      if (st.side[slot] === Side.BUY) {
        if (tick === b.bestBid) b.bestBid = b.nextBidBelow(tick);
      } else if (tick === b.bestAsk) b.bestAsk = b.nextAskAbove(tick);
    }
  }

  /** Drop a slot from the id index and its account list and free it (level links untouched). */
  private forget(slot: number): void {
    const st = this.store;
    this.orderIndex.delete(st.id[slot]);
    const prev = st.accPrev[slot];
    const next = st.accNext[slot];
    if (prev === -1) this.accountHead[st.accountIdx[slot]] = next;
    else st.accNext[prev] = next;
    if (next !== -1) st.accPrev[next] = prev;
    st.release(slot);
  }

  /** Remove a resting order entirely, announcing it as canceled or expired. */
  private remove(slot: number, type: number, reason: number): void {
    const st = this.store;
    const b = this.books[st.book[slot]];
    const tick = st.tick[slot];
    this.unlinkLevel(b, slot);
    this.emit(type, b, st.id[slot], st.account[slot], st.side[slot], b.priceOf(tick), st.leaves[slot], 0, 0, 0, 0, reason);
    this.emitDelta(b, st.side[slot], tick);
    this.forget(slot);
  }

  /** Cancel an account's orders in ascending order id, so the event order is canonical. */
  private cancelAccount(ai: number, book: number, reason: number): void {
    const st = this.store;
    const slots: number[] = [];
    for (let s = this.accountHead[ai]; s !== -1; s = st.accNext[s]) if (book === -1 || st.book[s] === book) slots.push(s);
    slots.sort((x, y) => st.id[x] - st.id[y]);
    for (const s of slots) this.remove(s, EventType.CANCELED, reason);
  }

  private accountOf(account: number): number {
    let ai = this.accountIndex.get(account);
    if (ai >= 0) return ai;
    ai = this.accountCount++;
    if (ai === this.accountIds.length) {
      const cap = ai * 2;
      const ids = new Float64Array(cap);
      ids.set(this.accountIds);
      const heads = new Int32Array(cap).fill(-1);
      heads.set(this.accountHead);
      const deadlines = new Float64Array(cap);
      deadlines.set(this.accountDeadline);
      this.accountIds = ids;
      this.accountHead = heads;
      this.accountDeadline = deadlines;
    }
    this.accountIds[ai] = account;
    this.accountIndex.set(account, ai);
    return ai;
  }

  // ---------------------------------------------------------------- command plumbing

  /** Start a command: check sequencing, set the clock, fire due timers. */
  private begin(seq: number, time: number): boolean {
    const ev = this.events;
    if (!(seq > this.lastSeq) || !Number.isSafeInteger(seq)) {
      ev.reset(this.lastTime);
      ev.push(EventType.REJECTED, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, Reason.SEQUENCE_OUT_OF_ORDER);
      return false;
    }
    this.lastSeq = seq;
    // time never runs backwards inside the engine, whatever the host stamps
    if (time > this.lastTime) this.lastTime = time;
    ev.reset(this.lastTime);
    if (this.lastTime >= this.nextTimer) this.runTimers(this.lastTime);
    return true;
  }

  private runTimers(now: number): void {
    const st = this.store;
    const gtd = this.gtd;
    const dm = this.deadman;
    for (;;) {
      const tg = gtd.peekTime();
      const td = dm.peekTime();
      if (tg <= now && tg <= td) {
        const id = gtd.peekKey();
        const slot = gtd.peekSlot();
        gtd.pop();
        // stale entries (order already gone) are skipped
        if (st.id[slot] === id && st.expire[slot] === tg) this.remove(slot, EventType.EXPIRED, Reason.GTD_EXPIRED);
      } else if (td <= now) {
        const ai = dm.peekSlot();
        dm.pop();
        if (this.accountDeadline[ai] === td) {
          this.accountDeadline[ai] = 0;
          this.cancelAccount(ai, -1, Reason.DEAD_MAN_SWITCH);
        }
      } else break;
    }
    this.nextTimer = Math.min(gtd.peekTime(), dm.peekTime());
  }

  private validatePlace(
    b: Book,
    orderId: number,
    account: number,
    side: number,
    type: number,
    tif: number,
    price: number,
    quantity: number,
    postOnly: number,
    stp: number,
    expireTime: number,
  ): number {
    if (b.halted) return Reason.SYMBOL_HALTED;
    if (!(orderId >= 1 && Number.isSafeInteger(orderId))) return Reason.INVALID_ORDER_ID;
    if (this.orderIndex.get(orderId) !== -1) return Reason.DUPLICATE_ORDER_ID;
    if (!(account >= 1 && account <= MAX_ACCOUNT && Number.isInteger(account))) return Reason.INVALID_ACCOUNT;
    if (side !== Side.BUY && side !== Side.SELL) return Reason.INVALID_ORDER;
    if (stp !== Stp.CANCEL_NEWEST && stp !== Stp.CANCEL_OLDEST && stp !== Stp.CANCEL_BOTH) return Reason.INVALID_ORDER;
    const q = this.validateQuantity(b, quantity);
    if (q !== Reason.NONE) return q;
    if (type === OrderType.LIMIT) {
      const p = this.validatePrice(b, price);
      if (p !== Reason.NONE) return p;
      if (tif > TimeInForce.GTD) return Reason.INVALID_TIME_IN_FORCE;
      if (postOnly !== 0 && (tif === TimeInForce.IOC || tif === TimeInForce.FOK)) return Reason.INVALID_TIME_IN_FORCE;
      if (tif === TimeInForce.GTD && !(expireTime > this.lastTime && Number.isFinite(expireTime)))
        return Reason.INVALID_EXPIRE_TIME;
    } else if (type === OrderType.MARKET) {
      if (tif !== TimeInForce.IOC && tif !== TimeInForce.FOK) return Reason.INVALID_TIME_IN_FORCE;
      if (postOnly !== 0) return Reason.POST_ONLY_WOULD_TAKE;
    } else return Reason.INVALID_ORDER;
    return Reason.NONE;
  }

  private validatePrice(b: Book, price: number): number {
    const spec = b.spec;
    if (!Number.isSafeInteger(price) || price <= 0) return Reason.INVALID_PRICE;
    if (price < spec.minPrice || price > spec.maxPrice) return Reason.PRICE_OUT_OF_RANGE;
    if (price % spec.tickSize !== 0) return Reason.PRICE_OFF_TICK;
    if (spec.bandBps !== 0) {
      const ref = b.lastPrice || spec.referencePrice || 0;
      if (ref !== 0) {
        const band = Math.floor((ref * spec.bandBps) / 10000);
        if (price > ref + band || price < ref - band) return Reason.PRICE_OUT_OF_BAND;
      }
    }
    return Reason.NONE;
  }

  private validateQuantity(b: Book, quantity: number): number {
    const spec = b.spec;
    if (!Number.isSafeInteger(quantity) || quantity <= 0) return Reason.INVALID_QUANTITY;
    if (quantity % spec.lotSize !== 0) return Reason.QUANTITY_OFF_LOT;
    if (quantity < spec.minQty) return Reason.QUANTITY_BELOW_MIN;
    if (quantity > spec.maxQty) return Reason.QUANTITY_ABOVE_MAX;
    return Reason.NONE;
  }

  private reject(book: number, orderId: number, account: number, side: number, price: number, qty: number, reason: number): void {
    const b = this.books[book];
    this.events.push(EventType.REJECTED, b ? book : -1, b ? ++b.sequence : 0, orderId, account, side, price, qty, 0, 0, 0, 0, reason);
  }

  private emit(
    type: number,
    b: Book,
    orderId: number,
    account: number,
    side: number,
    price: number,
    qty: number,
    leaves: number,
    makerId: number,
    makerAccount: number,
    makerLeaves: number,
    reason: number,
  ): void {
    this.events.push(type, b.index, ++b.sequence, orderId, account, side, price, qty, leaves, makerId, makerAccount, makerLeaves, reason);
  }

  private emitDelta(b: Book, side: number, tick: number): void {
    this.events.push(EventType.BOOK_DELTA, b.index, ++b.sequence, 0, 0, side, b.priceOf(tick), b.levelQty(tick),
      b.levelCount(tick), 0, 0, 0, Reason.NONE);
  }

  // ---------------------------------------------------------------- restore support

  /** Re-insert a resting order from a snapshot without emitting events. */
  restoreOrder(
    book: number, orderId: number, account: number, side: number, tif: number, postOnly: number, stp: number,
    tick: number, quantity: number, leaves: number, filled: number, time: number, expire: number,
  ): void {
    const b = this.books[book];
    const slot = this.store.alloc();
    const st = this.store;
    st.id[slot] = orderId;
    st.account[slot] = account;
    st.book[slot] = book;
    st.side[slot] = side;
    st.tif[slot] = tif;
    st.postOnly[slot] = postOnly;
    st.stp[slot] = stp;
    st.quantity[slot] = quantity;
    st.filled[slot] = filled;
    st.time[slot] = time;
    st.expire[slot] = expire;
    const mark = this.events.length;
    this.rest(b, slot, tick, leaves);
    this.events.length = mark;
  }

  /** Re-arm a dead-man deadline from a snapshot. */
  restoreDeadline(account: number, deadline: number): void {
    const ai = this.accountOf(account);
    this.accountDeadline[ai] = deadline;
    this.deadman.push(deadline, account, ai);
    if (deadline < this.nextTimer) this.nextTimer = deadline;
  }
}
