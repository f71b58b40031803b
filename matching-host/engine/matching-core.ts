import { Book, LEVEL_INT_SHIFT, LEVEL_NUM_SHIFT, LevelInt, LevelNum, PAGE_MASK as BOOK_PAGE_MASK, validateSpec } from './book';
import { EventBuffer } from './event-buffer';
import { IntMap } from './int-map';
import { ORDER_INT_SHIFT, ORDER_NUM_SHIFT, OrderInt, OrderNum, OrderStore, packFlags } from './order-store';
import { TimerHeap } from './timer-heap';
import * as T from './types';
import type { SymbolSpec } from './types';

// Local copies of imported constants: under CommonJS an imported binding is a getter call on
// every use, which the hot path cannot afford.
const EventType = T.EventType;
const OrderType = T.OrderType;
const Reason = T.Reason;
const Side = T.Side;
const Stp = T.Stp;
const TimeInForce = T.TimeInForce;
const { NEXT, PREV, ACCOUNT, TICK, FLAGS, ACC_NEXT, ACC_PREV, ACC_IDX } = OrderInt;
const { LEAVES, ID, QUANTITY, ENTRY } = OrderNum;
const IS = ORDER_INT_SHIFT;
const NS = ORDER_NUM_SHIFT;
const { HEAD, TAIL, COUNT } = LevelInt;
const QTY = LevelNum.QTY;
const LIS = LEVEL_INT_SHIFT;
const LNS = LEVEL_NUM_SHIFT;
const PAGE_MASK = BOOK_PAGE_MASK;
const MAX_ACCOUNT = 2 ** 31 - 1;
const DIRECT_ACCOUNTS = 1 << 22;

export interface EngineOptions {
  symbols: readonly SymbolSpec[];
  /** resting orders to reserve room for (the store doubles if ever exceeded) */
  orderCapacity?: number;
}

/** x is a multiple of m, for safe integers x ≥ 0 and m ≥ 1 (exact: see decimal divisibility note). */
function multipleOf(x: number, m: number): boolean {
  if (m === 1) return true;
  // For x < 2^53 a non-multiple's quotient is at least 1/m from an integer while the rounding
  // error is below x/(m·2^53) < 1/m, so floor(q) === q exactly when m divides x. Avoids fmod.
  const q = x / m;
  return Math.floor(q) === q;
}

/**
 * Price-time priority matching over a set of symbols. Pure and deterministic: every command
 * carries its own sequence number and time, there is no I/O, clock or randomness, and the same
 * command stream always yields the same events and book checksum.
 *
 * Commands are methods taking plain numbers (the hot path); their events are written to
 * `this.events`, which the caller reads before issuing the next command. `MatchingEngine`
 * (matching-engine.ts) wraps this with object commands and decoded events.
 */
export class MatchingCore {
  readonly events = new EventBuffer();
  readonly books: Book[];
  readonly symbols: string[];
  readonly symbolIndex = new Map<string, number>();
  readonly store: OrderStore;
  /** orderId → slot of every resting order */
  readonly orderIndex: IntMap;
  /**
   * account id → internal account index: host-assigned account ids are small and dense, so those
   * below DIRECT_ACCOUNTS are looked up in a plain array (-1 = unknown); larger ones in a hash map
   */
  private accountDirect = new Int32Array(1024).fill(-1);
  private readonly accountIndex = new IntMap(16);
  accountIds = new Float64Array(1024);
  /** first slot of each account's resting-order list, -1 when none */
  accountHead = new Int32Array(1024).fill(-1);
  /** armed dead-man deadline per account index, 0 when disarmed */
  accountDeadline = new Float64Array(1024);
  accountCount = 0;
  private readonly gtd = new TimerHeap();
  private readonly deadman = new TimerHeap(64);
  private nextTimer = Infinity;
  /** heap sizes at which stale timers are next cleaned out */
  private gtdCompactAt = 1024;
  private deadmanCompactAt = 1024;
  /**
   * highest order id ever rested: an id above it cannot be a duplicate, which spares the
   * sequentially numbering host an index probe per order
   */
  private maxOrderId = 0;
  /** set by match() when self-trade prevention canceled the incoming order */
  private takerKilled = false;
  lastSeq = 0;
  lastTime = 0;

  constructor(options: EngineOptions) {
    const cap = options.orderCapacity ?? 1024;
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
   * Events: rejected | accepted, then trades and book deltas, then canceled (IOC/FOK/market
   * remainder, self-trade) or a book delta for the resting remainder.
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
      limitTick = b.tickOf(price);
      if (postOnly !== 0 && (isBuy ? limitTick >= b.bestAsk : limitTick <= b.bestBid))
        return this.reject(book, orderId, account, side, price, quantity, Reason.POST_ONLY_WOULD_TAKE);
    } else {
      limitTick = this.protectionTick(b, side);
      price = 0;
    }
    this.emit(EventType.ACCEPTED, b, orderId, account, side, price, quantity, quantity, Reason.NONE);

    if (tif === TimeInForce.FOK && !this.fillable(b, side, limitTick, quantity, account, stp)) {
      this.emit(EventType.CANCELED, b, orderId, account, side, price, quantity, 0, Reason.FOK_UNFILLABLE);
      return;
    }
    // Only look at the book when the order crosses it.
    const leaves = (isBuy ? limitTick >= b.bestAsk : limitTick <= b.bestBid)
      ? this.match(b, orderId, account, side, limitTick, quantity, stp)
      : ((this.takerKilled = false), quantity);
    if (leaves === 0) return;
    if (this.takerKilled) {
      this.emit(EventType.CANCELED, b, orderId, account, side, price, leaves, 0, Reason.SELF_TRADE);
    } else if (type === OrderType.LIMIT && (tif === TimeInForce.GTC || tif === TimeInForce.GTD)) {
      const st = this.store;
      const slot = st.alloc();
      const oi = slot << IS;
      const on = slot << NS;
      st.nums[on + ID] = orderId;
      st.nums[on + QUANTITY] = quantity;
      st.ints[oi + ACCOUNT] = account;
      st.ints[oi + FLAGS] = packFlags(side, tif, postOnly, stp, book);
      st.cold[slot << 1] = this.lastTime;
      st.cold[(slot << 1) + 1] = tif === TimeInForce.GTD ? expireTime : 0;
      this.rest(b, slot, limitTick, leaves);
    } else {
      const why =
        type === OrderType.LIMIT
          ? Reason.IOC_REMAINDER
          : (isBuy ? b.bestAsk < b.ticks : b.bestBid >= 0)
            ? Reason.MARKET_PROTECTION
            : Reason.MARKET_NO_LIQUIDITY;
      this.emit(EventType.CANCELED, b, orderId, account, side, price, leaves, 0, why);
    }
  }

  /** Cancel one resting order; only its own account may cancel it. */
  cancel(seq: number, time: number, orderId: number, account: number): void {
    if (!this.begin(seq, time)) return;
    const slot = orderId >= 1 ? this.orderIndex.get(orderId) : -1;
    if (slot < 0 || this.store.ints[(slot << IS) + ACCOUNT] !== account)
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
    const oi = slot << IS;
    const on = slot << NS;
    if (slot < 0 || st.ints[oi + ACCOUNT] !== account) return this.reject(-1, orderId, account, 0, price, quantity, Reason.UNKNOWN_ORDER);
    const flags = st.ints[oi + FLAGS];
    const b = this.books[flags >>> 8];
    const side = flags & 1;
    const filled = st.nums[on + QUANTITY] - st.nums[on + LEAVES];
    if (b.halted) return this.reject(b.index, orderId, account, side, price, quantity, Reason.SYMBOL_HALTED);
    let reason = this.validatePrice(b, price);
    if (reason === Reason.NONE) reason = this.validateQuantity(b, quantity);
    if (reason === Reason.NONE && quantity <= filled) reason = Reason.QUANTITY_BELOW_FILLED;
    if (reason !== Reason.NONE) return this.reject(b.index, orderId, account, side, price, quantity, reason);

    const newTick = b.tickOf(price);
    const oldTick = st.ints[oi + TICK];
    const newLeaves = quantity - filled;
    if (newTick === oldTick && quantity <= st.nums[on + QUANTITY]) {
      b.page(oldTick);
      b.nums(oldTick)[((oldTick & PAGE_MASK) << LNS) + QTY] -= st.nums[on + LEAVES] - newLeaves;
      st.nums[on + LEAVES] = newLeaves;
      st.nums[on + QUANTITY] = quantity;
      this.emit(EventType.REPLACED, b, orderId, account, side, price, quantity, newLeaves, Reason.PRIORITY_KEPT);
      this.emitDelta(b, side, oldTick);
      return;
    }
    const isBuy = side === Side.BUY;
    const crosses = isBuy ? newTick >= b.bestAsk : newTick <= b.bestBid;
    if (((flags >> 3) & 1) !== 0 && crosses)
      return this.reject(b.index, orderId, account, side, price, quantity, Reason.POST_ONLY_WOULD_TAKE);

    // Take the order off its level, keeping its slot and id, then re-enter it as an incoming order.
    this.emit(EventType.REPLACED, b, orderId, account, side, price, quantity, newLeaves, Reason.PRIORITY_LOST);
    this.unlinkLevel(b, slot);
    this.emitDelta(b, side, oldTick);
    st.nums[on + QUANTITY] = quantity;
    st.nums[on + LEAVES] = newLeaves;
    const stp = (flags >> 4) & 3;
    const leaves = crosses ? this.match(b, orderId, account, side, newTick, newLeaves, stp) : ((this.takerKilled = false), newLeaves);
    if (leaves === 0) {
      st.nums[on + LEAVES] = 0;
      this.forget(slot);
    } else if (this.takerKilled) {
      this.emit(EventType.CANCELED, b, orderId, account, side, price, leaves, 0, Reason.SELF_TRADE);
      this.forget(slot);
    } else {
      st.cold[slot << 1] = this.lastTime;
      this.relink(b, slot, newTick, leaves);
    }
  }

  /** Cancel every resting order of an account, in one symbol or (book = -1) all. */
  cancelAll(seq: number, time: number, account: number, book: number): void {
    if (!this.begin(seq, time)) return;
    if (!(account >= 1 && account <= MAX_ACCOUNT && Math.floor(account) === account))
      return this.reject(-1, 0, account, 0, 0, 0, Reason.INVALID_ACCOUNT);
    if (book !== -1 && this.books[book] === undefined) return this.reject(-1, 0, account, 0, 0, 0, Reason.UNKNOWN_SYMBOL);
    const ai = this.findAccount(account);
    if (ai >= 0) this.cancelAccount(ai, book, Reason.MASS_CANCEL);
  }

  /**
   * Dead-man switch: unless re-armed or disarmed (deadline 0) before `deadline`, every resting
   * order of the account is canceled by the first command whose time reaches it.
   */
  /** When the next timer (a GTD expiry or a dead-man deadline) falls due; Infinity when none. */
  get nextTimerTime(): number {
    return this.nextTimer;
  }

  cancelAllAfter(seq: number, time: number, account: number, deadline: number): void {
    if (!this.begin(seq, time)) return;
    if (!(Number.isSafeInteger(account) && account >= 1 && account <= MAX_ACCOUNT))
      return this.reject(-1, 0, account, 0, 0, 0, Reason.INVALID_ACCOUNT);
    if (deadline !== 0 && !(deadline > this.lastTime && deadline <= Number.MAX_SAFE_INTEGER && Math.floor(deadline) === deadline))
      return this.reject(-1, 0, account, 0, 0, 0, Reason.INVALID_DEADLINE);
    const ai = this.accountOf(account);
    this.accountDeadline[ai] = deadline;
    if (deadline !== 0) {
      this.deadman.push(deadline, account, ai);
      if (deadline < this.nextTimer) this.nextTimer = deadline;
      if (this.deadman.size > this.deadmanCompactAt) this.compactTimers();
    }
    this.events.pushOrder(
      EventType.STATUS,
      -1,
      0,
      0,
      account,
      0,
      0,
      deadline,
      0,
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
    this.emit(EventType.STATUS, b, 0, 0, 0, 0, 0, 0, halted ? Reason.HALTED : Reason.RESUMED);
  }

  // ---------------------------------------------------------------- matching

  /**
   * Match an incoming order against the opposite side up to limitTick. Returns the unfilled
   * quantity. Makers are always consumed from the head of a level, so a level's new head is
   * simply the first maker left standing.
   */
  private match(b: Book, takerId: number, takerAccount: number, side: number, limitTick: number, qty: number, stp: number): number {
    this.takerKilled = false;
    const ev = this.events;
    const ints = this.store.ints;
    const nums = this.store.nums;
    const isBuy = side === Side.BUY;
    const makerSide = isBuy ? Side.SELL : Side.BUY;
    const bi = b.index;
    let remaining = qty;
    while (remaining > 0) {
      const tick = isBuy ? b.bestAsk : b.bestBid;
      if (isBuy ? tick > limitTick : tick < limitTick) break;
      const pi = b.page(tick);
      const pn = b.nums(tick);
      const off = tick & PAGE_MASK;
      const li = off << LIS;
      const ln = (off << LNS) + QTY;
      const price = b.minPrice + tick * b.tickSize;
      const startCount = pi[li + COUNT];
      let levelQty = pn[ln];
      let levelCount = startCount;
      let s = pi[li + HEAD];
      let traded = false;
      while (s !== -1 && remaining > 0) {
        const oi = s << IS;
        const on = s << NS;
        const next = ints[oi + NEXT];
        const makerLeaves = nums[on + LEAVES];
        if (ints[oi + ACCOUNT] === takerAccount) {
          if (stp !== Stp.CANCEL_NEWEST) {
            levelQty -= makerLeaves;
            levelCount--;
            ev.pushOrder(
              EventType.CANCELED,
              bi,
              ++b.sequence,
              nums[on + ID],
              takerAccount,
              makerSide,
              price,
              makerLeaves,
              0,
              Reason.SELF_TRADE,
            );
            nums[on + LEAVES] = 0;
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
        const fill = remaining < makerLeaves ? remaining : makerLeaves;
        remaining -= fill;
        const left = makerLeaves - fill;
        nums[on + LEAVES] = left;
        levelQty -= fill;
        traded = true;
        ev.pushTrade(bi, ++b.sequence, takerId, takerAccount, side, price, fill, remaining, nums[on + ID], ints[oi + ACCOUNT], left);
        if (left === 0) {
          levelCount--;
          this.forget(s);
          s = next;
        }
      }
      pi[li + HEAD] = s;
      if (s === -1) pi[li + TAIL] = -1;
      else ints[(s << IS) + PREV] = -1;
      pn[ln] = levelQty;
      pi[li + COUNT] = levelCount;
      if (traded) b.lastPrice = price;
      if (levelCount !== startCount || traded) ev.pushDelta(bi, ++b.sequence, makerSide, price, levelQty, levelCount);
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
    const ints = this.store.ints;
    const nums = this.store.nums;
    const isBuy = side === Side.BUY;
    let avail = 0;
    let tick = isBuy ? b.bestAsk : b.bestBid;
    while (isBuy ? tick <= limitTick : tick >= limitTick) {
      for (let s = b.levelHead(tick); s !== -1; s = ints[(s << IS) + NEXT]) {
        if (ints[(s << IS) + ACCOUNT] === account) {
          if (stp === Stp.CANCEL_OLDEST) continue;
          return false;
        }
        avail += nums[(s << NS) + LEAVES];
        if (avail >= qty) return true;
      }
      tick = isBuy ? b.nextAskAbove(tick) : b.nextBidBelow(tick);
    }
    return false;
  }

  /** Market-order protection: the furthest tick a market order may reach (the band edge). */
  private protectionTick(b: Book, side: number): number {
    const isBuy = side === Side.BUY;
    if (b.bandBps === 0) return isBuy ? b.ticks - 1 : 0;
    let ref = b.bandReference();
    if (ref === 0) {
      const best = isBuy ? b.bestAsk : b.bestBid;
      if (best < 0 || best >= b.ticks) return isBuy ? b.ticks - 1 : 0;
      ref = b.priceOf(best);
    }
    b.updateBand(ref);
    if (isBuy) {
      const t = Math.floor((b.bandHigh - b.minPrice) / b.tickSize);
      return t >= b.ticks ? b.ticks - 1 : t;
    }
    const t = Math.ceil((b.bandLow - b.minPrice) / b.tickSize);
    return t < 0 ? 0 : t;
  }

  // ---------------------------------------------------------------- book maintenance

  /** Link a slot at the back of level `tick` with `leaves` open and index it. */
  private rest(b: Book, slot: number, tick: number, leaves: number): void {
    this.relink(b, slot, tick, leaves);
    const st = this.store;
    const ints = st.ints;
    const oi = slot << IS;
    const id = st.nums[(slot << NS) + ID];
    this.orderIndex.set(id, slot);
    if (id > this.maxOrderId) this.maxOrderId = id;
    const ai = this.accountOf(ints[oi + ACCOUNT]);
    ints[oi + ACC_IDX] = ai;
    const head = this.accountHead[ai];
    ints[oi + ACC_PREV] = -1;
    ints[oi + ACC_NEXT] = head;
    if (head !== -1) ints[(head << IS) + ACC_PREV] = slot;
    this.accountHead[ai] = slot;
    const exp = st.cold[(slot << 1) + 1];
    if (exp !== 0) {
      this.gtd.push(exp, id, slot);
      if (exp < this.nextTimer) this.nextTimer = exp;
      if (this.gtd.size > this.gtdCompactAt) this.compactTimers();
    }
  }

  /** Append a slot to the tail of a level and emit the level's delta. */
  private relink(b: Book, slot: number, tick: number, leaves: number): void {
    const ints = this.store.ints;
    const oi = slot << IS;
    const pi = b.page(tick);
    const pn = b.nums(tick);
    const off = tick & PAGE_MASK;
    const li = off << LIS;
    const ln = (off << LNS) + QTY;
    const side = ints[oi + FLAGS] & 1;
    ints[oi + TICK] = tick;
    this.store.nums[(slot << NS) + LEAVES] = leaves;
    this.store.nums[(slot << NS) + ENTRY] = this.lastSeq;
    ints[oi + NEXT] = -1;
    const tail = pi[li + TAIL];
    ints[oi + PREV] = tail;
    if (tail === -1) {
      pi[li + HEAD] = slot;
      b.bitmap.set(tick);
      if (side === Side.BUY) {
        if (tick > b.bestBid) b.bestBid = tick;
      } else if (tick < b.bestAsk) b.bestAsk = tick;
    } else ints[(tail << IS) + NEXT] = slot;
    pi[li + TAIL] = slot;
    const qty = pn[ln] + leaves;
    const count = pi[li + COUNT] + 1;
    pn[ln] = qty;
    pi[li + COUNT] = count;
    this.events.pushDelta(b.index, ++b.sequence, side, b.minPrice + tick * b.tickSize, qty, count);
  }

  /** Unlink a slot from anywhere in its level, keeping it indexed. */
  private unlinkLevel(b: Book, slot: number): void {
    const ints = this.store.ints;
    const oi = slot << IS;
    const tick = ints[oi + TICK];
    const pi = b.page(tick);
    const pn = b.nums(tick);
    const off = tick & PAGE_MASK;
    const li = off << LIS;
    const prev = ints[oi + PREV];
    const next = ints[oi + NEXT];
    if (prev === -1) pi[li + HEAD] = next;
    else ints[(prev << IS) + NEXT] = next;
    if (next === -1) pi[li + TAIL] = prev;
    else ints[(next << IS) + PREV] = prev;
    const count = pi[li + COUNT] - 1;
    pi[li + COUNT] = count;
    pn[(off << LNS) + QTY] = count === 0 ? 0 : pn[(off << LNS) + QTY] - this.store.nums[(slot << NS) + LEAVES];
    if (count === 0) {
      b.bitmap.clear(tick);
      if ((ints[oi + FLAGS] & 1) === Side.BUY) {
        if (tick === b.bestBid) b.bestBid = b.nextBidBelow(tick);
      } else if (tick === b.bestAsk) b.bestAsk = b.nextAskAbove(tick);
    }
  }

  /** Drop a slot from the id index and its account list and free it (level links untouched). */
  private forget(slot: number): void {
    const st = this.store;
    const ints = st.ints;
    const oi = slot << IS;
    this.orderIndex.delete(st.nums[(slot << NS) + ID]);
    const prev = ints[oi + ACC_PREV];
    const next = ints[oi + ACC_NEXT];
    if (prev === -1) this.accountHead[ints[oi + ACC_IDX]] = next;
    else ints[(prev << IS) + ACC_NEXT] = next;
    if (next !== -1) ints[(next << IS) + ACC_PREV] = prev;
    st.release(slot);
  }

  /** Remove a resting order entirely, announcing it as canceled or expired. */
  private remove(slot: number, type: number, reason: number): void {
    const st = this.store;
    const oi = slot << IS;
    const on = slot << NS;
    const flags = st.ints[oi + FLAGS];
    const b = this.books[flags >>> 8];
    const tick = st.ints[oi + TICK];
    const side = flags & 1;
    this.unlinkLevel(b, slot);
    this.emit(type, b, st.nums[on + ID], st.ints[oi + ACCOUNT], side, b.minPrice + tick * b.tickSize, st.nums[on + LEAVES], 0, reason);
    this.emitDelta(b, side, tick);
    st.nums[on + LEAVES] = 0;
    this.forget(slot);
  }

  /** Cancel an account's orders in ascending order id, so the event order is canonical. */
  private cancelAccount(ai: number, book: number, reason: number): void {
    const st = this.store;
    const slots: number[] = [];
    for (let s = this.accountHead[ai]; s !== -1; s = st.accountNext(s)) if (book === -1 || st.flags(s) >>> 8 === book) slots.push(s);
    slots.sort((x, y) => st.id(x) - st.id(y));
    for (const s of slots) this.remove(s, EventType.CANCELED, reason);
  }

  /** Internal index of an account, or -1 if it never had an order or deadline. */
  findAccount(account: number): number {
    if (!Number.isSafeInteger(account) || account < 1) return -1;
    return account < this.accountDirect.length ? this.accountDirect[account] : this.accountIndex.get(account);
  }

  private accountOf(account: number): number {
    const ai = account < this.accountDirect.length ? this.accountDirect[account] : this.accountIndex.get(account);
    return ai >= 0 ? ai : this.addAccount(account);
  }

  private addAccount(account: number): number {
    const ai = this.accountCount++;
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
    if (account < DIRECT_ACCOUNTS) {
      let direct = this.accountDirect;
      if (account >= direct.length) {
        let size = direct.length * 2;
        while (size <= account) size *= 2;
        direct = new Int32Array(size).fill(-1);
        direct.set(this.accountDirect);
        this.accountDirect = direct;
      }
      direct[account] = ai;
    } else this.accountIndex.set(account, ai);
    return ai;
  }

  // ---------------------------------------------------------------- command plumbing

  /** Start a command: check sequencing, set the clock, fire due timers. */
  private begin(seq: number, time: number): boolean {
    if (!(seq > this.lastSeq && seq <= Number.MAX_SAFE_INTEGER && Math.floor(seq) === seq))
      return this.rejectCommand(Reason.SEQUENCE_OUT_OF_ORDER);
    if (!(time >= 0 && time <= Number.MAX_SAFE_INTEGER && Math.floor(time) === time)) return this.rejectCommand(Reason.INVALID_TIME);
    this.lastSeq = seq;
    // time never runs backwards inside the engine, whatever the host stamps
    if (time > this.lastTime) this.lastTime = time;
    this.events.reset(this.lastTime);
    if (this.lastTime >= this.nextTimer) this.runTimers(this.lastTime);
    return true;
  }

  /** Reject a command before it takes effect: its sequence number is not consumed. */
  private rejectCommand(reason: number): false {
    this.events.reset(this.lastTime);
    this.events.pushOrder(EventType.REJECTED, -1, 0, 0, 0, 0, 0, 0, 0, reason);
    return false;
  }

  /**
   * Timers of canceled orders and superseded deadlines stay in the heaps until they come due;
   * when a heap has doubled since its last clean-up, drop them (amortised O(1) per timer).
   */
  private compactTimers(): void {
    const st = this.store;
    this.gtd.compact((time, id, slot) => st.id(slot) === id && st.expire(slot) === time);
    this.deadman.compact((time, _account, ai) => this.accountDeadline[ai] === time);
    this.gtdCompactAt = Math.max(1024, this.gtd.size * 2);
    this.deadmanCompactAt = Math.max(1024, this.deadman.size * 2);
  }

  private runTimers(now: number): void {
    const gtd = this.gtd;
    const dm = this.deadman;
    for (;;) {
      const tg = gtd.peekTime();
      const td = dm.peekTime();
      if (tg <= now && tg <= td) {
        const id = gtd.peekKey();
        const slot = gtd.peekSlot();
        gtd.pop();
        // stale entries (order already gone or slot reused) are skipped
        if (this.store.id(slot) === id && this.store.expire(slot) === tg) this.remove(slot, EventType.EXPIRED, Reason.GTD_EXPIRED);
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
    if (!(orderId >= 1 && orderId <= Number.MAX_SAFE_INTEGER && Math.floor(orderId) === orderId)) return Reason.INVALID_ORDER_ID;
    if (orderId <= this.maxOrderId && this.orderIndex.get(orderId) !== -1) return Reason.DUPLICATE_ORDER_ID;
    if (!(account >= 1 && account <= MAX_ACCOUNT && Math.floor(account) === account)) return Reason.INVALID_ACCOUNT;
    if (side !== Side.BUY && side !== Side.SELL) return Reason.INVALID_ORDER;
    if (stp !== Stp.CANCEL_NEWEST && stp !== Stp.CANCEL_OLDEST && stp !== Stp.CANCEL_BOTH) return Reason.INVALID_ORDER;
    if (postOnly !== 0 && postOnly !== 1) return Reason.INVALID_ORDER;
    const q = this.validateQuantity(b, quantity);
    if (q !== Reason.NONE) return q;
    if (type === OrderType.LIMIT) {
      const p = this.validatePrice(b, price);
      if (p !== Reason.NONE) return p;
      if (tif !== TimeInForce.GTC && tif !== TimeInForce.IOC && tif !== TimeInForce.FOK && tif !== TimeInForce.GTD)
        return Reason.INVALID_TIME_IN_FORCE;
      if (postOnly !== 0 && (tif === TimeInForce.IOC || tif === TimeInForce.FOK)) return Reason.INVALID_TIME_IN_FORCE;
      if (
        tif === TimeInForce.GTD &&
        !(expireTime > this.lastTime && expireTime <= Number.MAX_SAFE_INTEGER && Math.floor(expireTime) === expireTime)
      )
        return Reason.INVALID_EXPIRE_TIME;
    } else if (type === OrderType.MARKET) {
      if (tif !== TimeInForce.IOC && tif !== TimeInForce.FOK) return Reason.INVALID_TIME_IN_FORCE;
      if (postOnly !== 0) return Reason.POST_ONLY_WOULD_TAKE;
    } else return Reason.INVALID_ORDER;
    return Reason.NONE;
  }

  private validatePrice(b: Book, price: number): number {
    if (!(price > 0 && price <= Number.MAX_SAFE_INTEGER && Math.floor(price) === price)) return Reason.INVALID_PRICE;
    if (price < b.minPrice || price > b.maxPrice) return Reason.PRICE_OUT_OF_RANGE;
    if (!multipleOf(price, b.tickSize)) return Reason.PRICE_OFF_TICK;
    if (b.bandBps !== 0) {
      const ref = b.bandReference();
      if (ref !== 0) {
        b.updateBand(ref);
        if (price > b.bandHigh || price < b.bandLow) return Reason.PRICE_OUT_OF_BAND;
      }
    }
    return Reason.NONE;
  }

  private validateQuantity(b: Book, quantity: number): number {
    if (!(quantity > 0 && quantity <= Number.MAX_SAFE_INTEGER && Math.floor(quantity) === quantity)) return Reason.INVALID_QUANTITY;
    if (!multipleOf(quantity, b.lotSize)) return Reason.QUANTITY_OFF_LOT;
    if (quantity < b.minQty) return Reason.QUANTITY_BELOW_MIN;
    if (quantity > b.maxQty) return Reason.QUANTITY_ABOVE_MAX;
    return Reason.NONE;
  }

  private reject(book: number, orderId: number, account: number, side: number, price: number, qty: number, reason: number): void {
    const b = this.books[book];
    this.events.pushOrder(EventType.REJECTED, b ? book : -1, b ? ++b.sequence : 0, orderId, account, side, price, qty, 0, reason);
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
    reason: number,
  ): void {
    this.events.pushOrder(type, b.index, ++b.sequence, orderId, account, side, price, qty, leaves, reason);
  }

  private emitDelta(b: Book, side: number, tick: number): void {
    const pi = b.page(tick);
    const off = tick & PAGE_MASK;
    this.events.pushDelta(
      b.index,
      ++b.sequence,
      side,
      b.minPrice + tick * b.tickSize,
      b.nums(tick)[(off << LNS) + QTY],
      pi[(off << LIS) + COUNT],
    );
  }

  // ---------------------------------------------------------------- restore support

  /** Pending timer entries (including not yet cleaned-out stale ones), for monitoring. */
  timerBacklog(): { gtd: number; deadman: number } {
    return { gtd: this.gtd.size, deadman: this.deadman.size };
  }

  /** Re-insert a resting order from a snapshot without emitting events. */
  restoreOrder(
    book: number,
    orderId: number,
    account: number,
    side: number,
    tif: number,
    postOnly: number,
    stp: number,
    tick: number,
    quantity: number,
    leaves: number,
    time: number,
    expire: number,
    entry: number,
  ): void {
    const b = this.books[book];
    const st = this.store;
    const slot = st.alloc();
    st.nums[(slot << NS) + ID] = orderId;
    st.nums[(slot << NS) + QUANTITY] = quantity;
    st.ints[(slot << IS) + ACCOUNT] = account;
    st.ints[(slot << IS) + FLAGS] = packFlags(side, tif, postOnly, stp, book);
    st.cold[slot << 1] = time;
    st.cold[(slot << 1) + 1] = expire;
    const mark = this.events.length;
    const sequence = b.sequence;
    this.rest(b, slot, tick, leaves);
    st.nums[(slot << NS) + ENTRY] = entry;
    this.events.length = mark;
    b.sequence = sequence;
  }

  /** Re-arm a dead-man deadline from a snapshot. */
  restoreDeadline(account: number, deadline: number): void {
    const ai = this.accountOf(account);
    this.accountDeadline[ai] = deadline;
    this.deadman.push(deadline, account, ai);
    if (deadline < this.nextTimer) this.nextTimer = deadline;
  }
}
