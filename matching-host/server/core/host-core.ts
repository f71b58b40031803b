/**
 * The host's deterministic state machine: engine + balances (risk) + idempotency, driven by
 * journaled commands. Like the engine it has no clock and no I/O: `execute` of the same command
 * list always gives the same replies, balances and book checksum, which is what recovery and the
 * DR standby rely on. The server layer (host.ts) assigns seq/time, journals, and acks.
 */
import { EVENT_STRIDE, EventField, type EventBuffer } from '../../engine/event-buffer';
import { MatchingEngine } from '../../engine/matching-engine';
import { priceBand } from '../../engine/price-band';
import { EventType, reasonName, Side, type Command, type L2, type ReasonName, type SideName, type SymbolSpec } from '../../engine/types';
import { Balances } from './balances';
import { IdempotencyWindow } from './idempotency-window';
import { ReplyWindow } from './reply-window';
import { TRANSFER_ID_WINDOW_MS } from '../../proto/transfer-window';
import { settlementFactors } from '../../proto/settlement-factors';
import { ByteReader, ByteWriter } from './byte-codec';
import { OrderReplies } from './order-replies';
import { derivePublication, isMarketDataCode, type PublicationContext } from './publication';
import { RecentTrades, type RecentTrade, type RecentTradesJSON } from './recent-trades';
import { epochAt, FIRST_EPOCH, type EpochStart } from './epochs';
import type { CommandResult, Fill, HostCommand, OrderReply, OrderStatus, RequestReply, TransferReply } from './types';
import type { MarketConfig } from '../../proto/market-config';

/**
 * Order retries reach the host within seconds (the edge retries a call a bounded number of times,
 * and it de-duplicates by clientOrderId itself first); 250 k keys cover ~8 minutes at 500 orders/s
 * and ~25 s at 10 k/s, and keep snapshots (which carry the window) small enough to load fast.
 * Transfers are retried for a day, so their ids are remembered by time (ReplyWindow).
 */
export const DEFAULT_IDEMPOTENCY_WINDOW = 250_000;
/**
 * At most this many transfer ids in one window (TRANSFER_ID_WINDOW_MS): ~2.9 transfers/s sustained
 * for two days, about 150 MB of memory and 60 MB of snapshot; past it new transfers wait.
 */
export const DEFAULT_TRANSFER_ID_CAPACITY = 500_000;
/**
 * Cancel, replace and cancel-all request ids are retried by the edge within seconds (its deadline
 * times its attempts, and a failover's look for the new primary): a minute of them, and at most
 * 100 k (a minute at 1,600 cancels/s, ten seconds at 10 k/s; past that the oldest go first).
 */
export const DEFAULT_REQUEST_ID_WINDOW = { ms: 60_000, capacity: 100_000 };

/** What an open order holds: `held` units of `asset`, released as it fills or leaves the book. */
interface OrderHold {
  account: number;
  asset: string;
  held: bigint;
  /** limit price the hold of a buy was computed at (price units) */
  holdPrice: number;
  clientOrderId: string;
}

/** See HostCore.captureState. */
export interface CapturedState {
  lastSeq: number;
  nextOrderId: number;
  balances: ReturnType<Balances['toJSON']>;
  /** bigints are immutable values, so capturing them is enough; text comes later */
  holds: [number, number, string, bigint, number, string][];
  /** the reply store, retained (see OrderReplies.retain) until `release`, and the window's slots, oldest first */
  orderReplies: { table: OrderReplies; slots: number[]; release: () => void };
  transferKeys: TransferReply[];
  requestKeys: RequestReply[];
  mdSequence: [string, number][];
  /** time of each symbol's last market data, and its last trades (what the public views show) */
  mdTime: [string, number][];
  recentTrades: RecentTradesJSON;
}

/** What the public market data views of one symbol show as of the last command (units). */
export interface MarketState {
  /** as the engine enforces it (from the history's start, or its snapshot) */
  spec: SymbolSpec;
  /** last market data sequence and its time (0 before any) */
  sequence: number;
  time: number;
  /** the whole book */
  l2: L2;
  /** 0 before the first trade */
  lastPrice: number;
  halted: boolean;
  /** newest first */
  trades: RecentTrade[];
}

function captureHolds(holds: Map<number, OrderHold>): CapturedState['holds'] {
  const out: CapturedState['holds'] = new Array<CapturedState['holds'][number]>(holds.size);
  let i = 0;
  for (const [id, h] of holds) out[i++] = [id, h.account, h.asset, h.held, h.holdPrice, h.clientOrderId];
  return out;
}

/** The JSON part of the state: everything except the idempotency replies. */
function stateHead(c: CapturedState): Buffer {
  const json = JSON.stringify({
    v: 3,
    lastSeq: c.lastSeq,
    nextOrderId: c.nextOrderId,
    balances: c.balances,
    holds: c.holds.map(([id, account, asset, held, holdPrice, cid]) => [id, account, asset, held.toString(), holdPrice, cid]),
    transferKeys: c.transferKeys,
    requestKeys: c.requestKeys,
    mdSequence: c.mdSequence,
    mdTime: c.mdTime,
    recentTrades: c.recentTrades,
    replies: c.orderReplies.slots.length,
  });
  const text = Buffer.from(json, 'utf8');
  const len = Buffer.allocUnsafe(4);
  len.writeUInt32LE(text.length, 0);
  return Buffer.concat([len, text]);
}

/**
 * The state as bytes: u32 length | JSON head | the window's replies oldest first (order-replies.ts),
 * `slice` replies per part, so the caller can yield between parts.
 */
function* stateParts(c: CapturedState, slice: number): Generator<Buffer> {
  yield stateHead(c);
  const { table, slots } = c.orderReplies;
  const w = new ByteWriter();
  for (let i = 0; i < slots.length; i += slice) {
    w.reset();
    for (let j = i; j < Math.min(i + slice, slots.length); j++) table.encode(w, slots[j]);
    yield w.copy();
  }
}

/**
 * Serialize a capture as chunks, yielding to the event loop between slices of replies: no giant
 * buffer is built, so neither encoding nor the collector stalls matching for long.
 */
export async function stateChunksInSlices(c: CapturedState, slice = 5_000): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  try {
    for (const part of stateParts(c, slice)) {
      chunks.push(part);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } finally {
    c.orderReplies.release();
  }
  return chunks;
}

/** A reply as the JSON state of MEXHOST1 snapshots stored it (read for upgrades only). */
type ReplyTuple = [
  number,
  string,
  number,
  string,
  SideName,
  OrderStatus,
  number,
  number,
  number,
  number,
  OrderReply['reason'],
  number,
  number[],
  string,
];

function fromReplyTuple(t: ReplyTuple): OrderReply {
  const [orderId, clientOrderId, account, symbol, side, status, price, quantity, filled, leaves, reason, seq, f, liquidity] = t;
  const fills: Fill[] = [];
  for (let i = 0; i < f.length; i += 4)
    fills.push({
      price: f[i],
      quantity: f[i + 1],
      counterOrderId: f[i + 2],
      sequence: f[i + 3],
      liquidity: liquidity[i / 4] === 'm' ? 'maker' : 'taker',
    });
  return { orderId, clientOrderId, account, symbol, side, status, price, quantity, filled, leaves, fills, reason, seq };
}

export class HostCore implements PublicationContext {
  readonly engine: MatchingEngine;
  readonly balances: Balances;
  private readonly specs = new Map<string, SymbolSpec>();
  /** per symbol: multiplier from price×qty units to quote units, and from qty units to base units */
  private readonly factors = new Map<string, { quote: bigint; base: bigint }>();
  private readonly holds = new Map<number, OrderHold>();
  /** (account, clientOrderId) → slot of the original command's reply; an open order's key is never evicted */
  private readonly orderKeys: IdempotencyWindow<number>;
  private readonly replies = new OrderReplies();
  /** (account, transferId) → reply of the original transfer, for a window of journaled time */
  private readonly transferKeys: ReplyWindow<TransferReply>;
  /** (account, requestId) → reply of the original cancel / replace / cancel-all, for a window of journaled time */
  private readonly requestKeys: ReplyWindow<RequestReply>;
  /** contiguous market data sequence per engine book (see publication.ts) */
  private readonly mdSequence: number[];
  /** per engine book: time of its last market data, and its last trades */
  private readonly mdTime: number[];
  private readonly recentTrades: RecentTrades;
  /** per engine book: market data counted in the command being executed (zero between commands) */
  private readonly mdTaken: Int32Array;
  /** configured spec and settlement factors per engine book (events name books by index) */
  private readonly bookSpecs: (SymbolSpec | undefined)[];
  private readonly bookFactors: ({ quote: bigint; base: bigint } | undefined)[];
  /** client ids of orders that left the book during the current command, for its publication */
  private readonly departed = new Map<number, string>();
  nextOrderId = 1;
  lastSeq = 0;
  /** the DR epochs of the history being executed (the host keeps them; a replay is given them) */
  epochs: EpochStart[] = [];
  /** the epoch the command being executed runs in */
  private epoch = FIRST_EPOCH;

  constructor(
    readonly config: MarketConfig,
    engine?: MatchingEngine,
    balances?: Balances,
  ) {
    const window = config.idempotencyWindow ?? DEFAULT_IDEMPOTENCY_WINDOW;
    this.orderKeys = new IdempotencyWindow<number>(
      window,
      (slot) => this.holds.has(this.replies.orderId(slot)),
      (slot) => this.replies.remove(slot),
    );
    this.transferKeys = new ReplyWindow<TransferReply>(
      config.transferIdWindow?.ms ?? TRANSFER_ID_WINDOW_MS,
      config.transferIdWindow?.capacity ?? DEFAULT_TRANSFER_ID_CAPACITY,
      (r) => r.transferId,
    );
    this.requestKeys = new ReplyWindow<RequestReply>(
      config.requestIdWindow?.ms ?? DEFAULT_REQUEST_ID_WINDOW.ms,
      config.requestIdWindow?.capacity ?? DEFAULT_REQUEST_ID_WINDOW.capacity,
      (r) => r.requestId,
    );
    this.engine = engine ?? new MatchingEngine({ symbols: config.symbols, orderCapacity: 1 << 16 });
    this.balances = balances ?? new Balances();
    for (const s of config.symbols) {
      this.factors.set(s.symbol, settlementFactors(s, config.assets));
      this.specs.set(s.symbol, s);
    }
    const symbols = this.engine.core.symbols;
    this.bookSpecs = symbols.map((sym) => this.specs.get(sym));
    this.bookFactors = symbols.map((sym) => this.factors.get(sym));
    this.mdSequence = symbols.map(() => 0);
    this.mdTime = symbols.map(() => 0);
    this.recentTrades = new RecentTrades(symbols.length);
    this.mdTaken = new Int32Array(symbols.length);
  }

  spec(symbol: string): SymbolSpec | undefined {
    return this.specs.get(symbol);
  }

  /** The earlier reply for a repeated clientOrderId, if any. */
  priorOrder(account: number, clientOrderId: string): OrderReply | undefined {
    const slot = this.orderKeys.get(account, clientOrderId);
    return slot === undefined ? undefined : this.replies.get(slot);
  }

  /**
   * Keep a placed order's final reply for retries. Stored after the order ran, so the eviction this
   * insert triggers already sees the new order (and any order it filled) as open or gone.
   */
  private remember(reply: OrderReply): void {
    this.orderKeys.set(reply.account, reply.clientOrderId, this.replies.add(reply));
  }

  priorTransfer(account: number, transferId: string): TransferReply | undefined {
    return this.transferKeys.get(account, transferId);
  }

  /** The earlier reply for a repeated cancel / replace / cancel-all request id, if any. */
  priorRequest(account: number, requestId: string): RequestReply | undefined {
    return this.requestKeys.get(account, requestId);
  }

  get transferIdCapacity(): number {
    return this.transferKeys.capacity;
  }

  /** Whether a new transfer id executed at `time` can be remembered for its whole window. */
  hasRoomForTransfer(time: number): boolean {
    return this.transferKeys.hasRoom(time);
  }

  assetDecimals(asset: string): number | undefined {
    return this.config.assets[asset]?.decimals;
  }

  epochOf(seq: number): number {
    return seq === this.lastSeq ? this.epoch : epochAt(this.epochs, seq);
  }

  nextMarketSequence(symbol: string): number {
    const b = this.engine.core.symbolIndex.get(symbol);
    if (b === undefined) throw new Error(`no book for ${symbol}`);
    return ++this.mdSequence[b];
  }

  /** Last market data sequence published for a symbol (0 before the first). */
  marketSequence(symbol: string): number {
    const b = this.engine.core.symbolIndex.get(symbol);
    return b === undefined ? 0 : this.mdSequence[b];
  }

  /** What the symbol's public views show now: the publishers' starting point after a restart. */
  marketState(symbol: string): MarketState {
    const core = this.engine.core;
    const b = core.symbolIndex.get(symbol);
    if (b === undefined) throw new Error(`no book for ${symbol}`);
    const book = core.books[b];
    return {
      spec: book.spec,
      sequence: this.mdSequence[b],
      time: this.mdTime[b],
      l2: this.engine.l2(symbol, Number.MAX_SAFE_INTEGER),
      lastPrice: book.lastPrice,
      halted: book.halted,
      trades: this.recentTrades.list(b),
    };
  }

  /**
   * Execute one stamped command. With `publish` (the default) the result carries its publication;
   * recovery passes false and only advances the market data sequences, which is cheaper.
   */
  execute(cmd: HostCommand, options: { publish?: boolean } = {}): CommandResult {
    if (cmd.seq <= this.lastSeq) throw new Error(`command seq ${cmd.seq} after ${this.lastSeq}`);
    this.lastSeq = cmd.seq;
    this.epoch = epochAt(this.epochs, cmd.seq);
    // clear() allocates a fresh table, so only when something departed in the previous command
    if (this.departed.size > 0) this.departed.clear();
    const result = this.dispatch(cmd);
    if ((cmd.type === 'cancel' || cmd.type === 'replace' || cmd.type === 'cancelAll') && cmd.requestId !== undefined)
      this.requestKeys.add({
        requestId: cmd.requestId,
        account: cmd.account,
        canceled: result.canceled ?? [],
        ...(result.rejectReason ? { rejectReason: result.rejectReason } : {}),
        seq: cmd.seq,
        time: cmd.time,
      });
    // every command runs the engine exactly once (see `run`), so its buffer holds this command's events
    const ev = this.engine.core.events;
    const publish = options.publish !== false;
    // derivePublication advances the sequences itself, in the same order
    this.trackMarketData(ev, cmd.time, !publish);
    if (publish) result.publication = derivePublication(this, cmd, result, ev.toArray(this.engine.core.symbols));
    return result;
  }

  /**
   * Follow the market data a command's events make, on every path (live, replay, standby), so the
   * views can be rebuilt from this state alone: each symbol's time of last market data and its
   * recent trades, with the sequences they get; `advance` also moves the sequences on (recovery,
   * which builds no messages).
   */
  private trackMarketData(ev: EventBuffer, time: number, advance: boolean): void {
    const taken = this.mdTaken;
    let any = false;
    for (let i = 0; i < ev.length; i++) {
      const b = ev.book(i);
      const type = ev.type(i);
      if (b < 0 || !this.bookSpecs[b] || !isMarketDataCode(type, ev.reason(i))) continue;
      any = true;
      const sequence = this.mdSequence[b] + ++taken[b];
      this.mdTime[b] = time;
      if (type === EventType.TRADE)
        this.recentTrades.push(b, sequence, time, ev.field(i, EventField.PRICE), ev.field(i, EventField.QUANTITY), ev.side(i), this.epoch);
    }
    if (!any) return;
    for (let b = 0; b < taken.length; b++) {
      if (advance) this.mdSequence[b] += taken[b];
      taken[b] = 0;
    }
  }

  private dispatch(cmd: HostCommand): CommandResult {
    switch (cmd.type) {
      case 'place':
        return this.place(cmd);
      case 'cancel': {
        return this.withCancels(this.run({ type: 'cancel', seq: cmd.seq, time: cmd.time, orderId: cmd.orderId, account: cmd.account }));
      }
      case 'replace':
        return this.replace(cmd);
      case 'cancelAll': {
        return this.withCancels(this.run({ type: 'cancelAll', seq: cmd.seq, time: cmd.time, account: cmd.account, symbol: cmd.symbol }));
      }
      case 'cancelAllAfter': {
        return this.withCancels(
          this.run({ type: 'cancelAllAfter', seq: cmd.seq, time: cmd.time, account: cmd.account, deadline: cmd.deadline }),
        );
      }
      case 'deposit':
      case 'withdraw':
        return this.transfer(cmd);
      case 'halt':
      case 'resume':
      case 'tick': {
        this.run(cmd);
        return {};
      }
    }
  }

  private place(cmd: Extract<HostCommand, { type: 'place' }>): CommandResult {
    const spec = this.specs.get(cmd.symbol);
    const orderId = this.nextOrderId++;
    const reply: OrderReply = {
      orderId,
      clientOrderId: cmd.clientOrderId,
      account: cmd.account,
      symbol: cmd.symbol,
      side: cmd.side,
      status: 'REJECTED',
      price: cmd.orderType === 'limit' ? cmd.price : 0,
      quantity: cmd.quantity,
      filled: 0,
      leaves: 0,
      fills: [],
      reason: 'NONE',
      seq: cmd.seq,
    };
    let hold: OrderHold | undefined;
    if (spec) {
      const f = this.factors.get(cmd.symbol) as { quote: bigint; base: bigint };
      const holdPrice = cmd.side === 'buy' ? (cmd.orderType === 'limit' ? cmd.price : this.marketBuyLimit(spec)) : 0;
      const asset = cmd.side === 'buy' ? spec.quote : spec.base;
      // Only hold for an order that could be valid; the engine rejects the rest with its reason.
      const amount =
        Number.isSafeInteger(cmd.quantity) && cmd.quantity > 0 && Number.isSafeInteger(holdPrice) && holdPrice >= 0
          ? cmd.side === 'buy'
            ? BigInt(holdPrice) * BigInt(cmd.quantity) * f.quote
            : BigInt(cmd.quantity) * f.base
          : 0n;
      if (!this.balances.canSpend(cmd.account, asset, amount)) {
        reply.reason = 'INSUFFICIENT_FUNDS';
        // the engine never sees the order, but the sequence is consumed: keep its clock moving
        this.run({ type: 'tick', seq: cmd.seq, time: cmd.time });
        this.remember(reply);
        return { order: reply };
      }
      hold = { account: cmd.account, asset, held: amount, holdPrice, clientOrderId: cmd.clientOrderId };
      this.balances.hold(cmd.account, asset, amount);
      this.holds.set(orderId, hold);
    }
    const ev = this.run({
      type: 'place',
      seq: cmd.seq,
      time: cmd.time,
      symbol: cmd.symbol,
      orderId,
      account: cmd.account,
      side: cmd.side,
      orderType: cmd.orderType,
      timeInForce: cmd.timeInForce,
      price: cmd.orderType === 'limit' ? cmd.price : undefined,
      quantity: cmd.quantity,
      postOnly: cmd.postOnly,
      expireTime: cmd.timeInForce === 'GTD' ? cmd.expireTime : undefined,
      stp: cmd.stp,
    });
    this.describe(reply, ev);
    this.remember(reply);
    return { order: reply };
  }

  /** Fill in status, fills and reason of a new order from its command's events. */
  private describe(reply: OrderReply, ev: EventBuffer): void {
    const id = reply.orderId;
    const d = ev.data;
    let resting = false;
    for (let i = 0; i < ev.length; i++) {
      const o = i * EVENT_STRIDE;
      const type = ev.type(i);
      if (type === EventType.REJECTED && d[o + EventField.ORDER_ID] === id) {
        reply.status = 'REJECTED';
        reply.reason = reasonName(ev.reason(i));
        return;
      }
      if (type === EventType.ACCEPTED && d[o + EventField.ORDER_ID] === id) {
        reply.status = 'OPEN';
        reply.leaves = d[o + EventField.QUANTITY];
        resting = true;
      } else if (type === EventType.TRADE && (d[o + EventField.ORDER_ID] === id || d[o + EventField.MAKER_ORDER_ID] === id)) {
        const taker = d[o + EventField.ORDER_ID] === id;
        const quantity = d[o + EventField.QUANTITY];
        reply.filled += quantity;
        reply.leaves = d[o + (taker ? EventField.LEAVES : EventField.MAKER_LEAVES)];
        reply.fills.push({
          price: d[o + EventField.PRICE],
          quantity,
          counterOrderId: d[o + (taker ? EventField.MAKER_ORDER_ID : EventField.ORDER_ID)],
          sequence: d[o + EventField.SEQUENCE],
          liquidity: taker ? 'taker' : 'maker',
        });
      } else if ((type === EventType.CANCELED || type === EventType.EXPIRED) && d[o + EventField.ORDER_ID] === id) {
        reply.leaves = 0;
        reply.reason = reasonName(ev.reason(i));
        reply.status = type === EventType.EXPIRED ? 'EXPIRED' : 'CANCELED';
        resting = false;
      }
    }
    if (reply.status === 'CANCELED' || reply.status === 'EXPIRED' || !resting) return;
    reply.status = reply.leaves === 0 ? 'FILLED' : reply.filled > 0 ? 'PARTIALLY_FILLED' : 'OPEN';
  }

  /** Reason of the first rejection in the command's events (of `orderId` if given). */
  private rejection(ev: EventBuffer, orderId?: number): ReasonName | undefined {
    for (let i = 0; i < ev.length; i++)
      if (ev.type(i) === EventType.REJECTED && (orderId === undefined || ev.field(i, EventField.ORDER_ID) === orderId))
        return reasonName(ev.reason(i));
    return undefined;
  }

  private replace(cmd: Extract<HostCommand, { type: 'replace' }>): CommandResult {
    const order = this.engine.getOrder(cmd.orderId);
    const hold = this.holds.get(cmd.orderId);
    const spec = order ? this.specs.get(order.symbol) : undefined;
    let extra = 0n;
    const before = hold ? { held: hold.held, holdPrice: hold.holdPrice } : undefined;
    if (
      order &&
      hold &&
      spec &&
      order.account === cmd.account &&
      Number.isSafeInteger(cmd.quantity) &&
      cmd.quantity > order.filled &&
      Number.isSafeInteger(cmd.price) &&
      cmd.price > 0
    ) {
      const f = this.factors.get(spec.symbol) as { quote: bigint; base: bigint };
      const leaves = BigInt(cmd.quantity - order.filled);
      const need = order.side === 'buy' ? BigInt(cmd.price) * leaves * f.quote : leaves * f.base;
      if (need > hold.held) {
        extra = need - hold.held;
        if (!this.balances.canSpend(cmd.account, hold.asset, extra)) {
          this.run({ type: 'tick', seq: cmd.seq, time: cmd.time });
          return { rejectReason: 'INSUFFICIENT_FUNDS' };
        }
        this.balances.hold(cmd.account, hold.asset, extra);
        hold.held += extra;
      }
      if (order.side === 'buy') hold.holdPrice = cmd.price;
    }
    // settled only after a refused hold is undone: the same command may expire this order (a due GTD timer)
    const ev = this.engine.run({
      type: 'replace',
      seq: cmd.seq,
      time: cmd.time,
      orderId: cmd.orderId,
      account: cmd.account,
      price: cmd.price,
      quantity: cmd.quantity,
    });
    const rejected = this.rejection(ev, cmd.orderId);
    if (rejected && hold && before) {
      // the order is untouched: put its hold back as it was
      if (extra > 0n) {
        this.balances.release(cmd.account, hold.asset, extra);
        hold.held -= extra;
      }
      hold.holdPrice = before.holdPrice;
    }
    this.settle(ev);
    // A buy whose hold now exceeds what its open quantity needs (smaller or cheaper) gets the surplus back.
    if (!rejected && hold && this.holds.has(cmd.orderId)) this.trimHold(cmd.orderId);
    return { canceled: this.canceledIn(ev), rejectReason: rejected };
  }

  /** Release what an open order holds beyond what its remaining quantity needs. */
  private trimHold(orderId: number): void {
    const hold = this.holds.get(orderId) as OrderHold;
    const order = this.engine.getOrder(orderId);
    if (!order) return;
    const f = this.factors.get(order.symbol) as { quote: bigint; base: bigint };
    const need = order.side === 'buy' ? BigInt(hold.holdPrice) * BigInt(order.leaves) * f.quote : BigInt(order.leaves) * f.base;
    if (hold.held > need) {
      this.balances.release(hold.account, hold.asset, hold.held - need);
      hold.held = need;
    }
  }

  private transfer(cmd: Extract<HostCommand, { type: 'deposit' | 'withdraw' }>): CommandResult {
    const reply: TransferReply & { time: number } = {
      transferId: cmd.transferId,
      account: cmd.account,
      asset: cmd.asset,
      amount: cmd.amount,
      ok: false,
      reason: 'NONE',
      seq: cmd.seq,
      time: cmd.time,
    };
    this.transferKeys.add(reply);
    // keep the engine's sequence and clock in step with the host's (fires due timers too)
    this.run({ type: 'tick', seq: cmd.seq, time: cmd.time });
    if (!this.config.assets[cmd.asset]) reply.reason = 'UNKNOWN_ASSET';
    else if (!/^[1-9]\d*$/.test(cmd.amount)) reply.reason = 'INVALID_AMOUNT';
    else {
      const amount = BigInt(cmd.amount);
      if (cmd.type === 'deposit') {
        this.balances.credit(cmd.account, cmd.asset, amount);
        reply.ok = true;
      } else if (this.balances.canSpend(cmd.account, cmd.asset, amount)) {
        this.balances.debit(cmd.account, cmd.asset, amount);
        reply.ok = true;
      } else reply.reason = 'INSUFFICIENT_FUNDS';
    }
    return { transfer: reply };
  }

  /** Highest price a market buy may pay: the engine's protection limit (band edge or max price). */
  private marketBuyLimit(spec: SymbolSpec): number {
    const core = this.engine.core;
    const b = core.books[core.symbolIndex.get(spec.symbol) as number];
    if (b.bandBps === 0) return spec.maxPrice;
    let ref = b.bandReference();
    if (ref === 0) {
      if (b.bestAsk >= b.ticks) return spec.maxPrice;
      ref = b.priceOf(b.bestAsk);
    }
    const high = priceBand(ref, b.bandBps)[1];
    const limit = spec.minPrice + Math.floor((high - spec.minPrice) / spec.tickSize) * spec.tickSize;
    return Math.min(limit, spec.maxPrice);
  }

  /** Move value for every trade and release the holds of orders that left the book. */
  private settle(ev: EventBuffer): void {
    const d = ev.data;
    for (let i = 0; i < ev.length; i++) {
      const o = i * EVENT_STRIDE;
      const type = ev.type(i);
      if (type === EventType.TRADE) {
        const b = ev.book(i);
        const spec = this.bookSpecs[b] as SymbolSpec;
        const f = this.bookFactors[b] as { quote: bigint; base: bigint };
        const quantity = BigInt(d[o + EventField.QUANTITY]);
        const taker = d[o + EventField.ORDER_ID];
        const maker = d[o + EventField.MAKER_ORDER_ID];
        const quote = BigInt(d[o + EventField.PRICE]) * quantity * f.quote;
        const base = quantity * f.base;
        const takerBuys = ev.side(i) === Side.BUY;
        const bh = this.holds.get(takerBuys ? taker : maker) as OrderHold;
        const sh = this.holds.get(takerBuys ? maker : taker) as OrderHold;
        // the buyer held at its limit; it pays the trade price and gets the difference back
        const reserved = BigInt(bh.holdPrice) * quantity * f.quote;
        this.balances.transferHeld(bh.account, sh.account, spec.quote, quote);
        if (reserved > quote) this.balances.release(bh.account, spec.quote, reserved - quote);
        bh.held -= reserved;
        this.balances.transferHeld(sh.account, bh.account, spec.base, base);
        sh.held -= base;
        if (d[o + EventField.LEAVES] === 0) this.dropHold(taker);
        if (d[o + EventField.MAKER_LEAVES] === 0) this.dropHold(maker);
      } else if (type === EventType.CANCELED || type === EventType.EXPIRED) {
        const id = d[o + EventField.ORDER_ID];
        if (id !== 0) this.dropHold(id);
      } else if (type === EventType.REJECTED) {
        const id = d[o + EventField.ORDER_ID];
        if (id !== 0 && this.holds.has(id) && !this.engine.getOrder(id)) this.dropHold(id);
      }
    }
  }

  /**
   * Apply a command to the engine and settle its events (trades, released holds). Each host
   * command runs the engine exactly once, here or in `replace`, which `execute` relies on.
   */
  private run(cmd: Command): EventBuffer {
    const ev = this.engine.run(cmd);
    this.settle(ev);
    return ev;
  }

  private dropHold(orderId: number): void {
    const h = this.holds.get(orderId);
    if (!h) return;
    if (h.held > 0n) this.balances.release(h.account, h.asset, h.held);
    this.holds.delete(orderId);
    this.departed.set(orderId, h.clientOrderId);
  }

  private withCancels(ev: EventBuffer): CommandResult {
    return { canceled: this.canceledIn(ev), rejectReason: this.rejection(ev) };
  }

  private canceledIn(ev: EventBuffer): number[] {
    const out: number[] = [];
    for (let i = 0; i < ev.length; i++) if (ev.type(i) === EventType.CANCELED) out.push(ev.field(i, EventField.ORDER_ID));
    return out;
  }

  /** Client id of an open order, or of one that left the book in the command being executed. */
  clientOrderIdOf(orderId: number): string | undefined {
    return this.holds.get(orderId)?.clientOrderId ?? this.departed.get(orderId);
  }

  /** Everything besides the engine snapshot that recovery needs, at once (tests; the host uses stateChunksInSlices). */
  stateBytes(): Buffer {
    const c = this.captureState();
    try {
      return Buffer.concat([...stateParts(c, 5_000)]);
    } finally {
      c.orderReplies.release();
    }
  }

  /**
   * The state at this instant, cheaply: small parts copied, the idempotency replies retained in
   * place (nothing copied). The host serializes the big part in slices between commands
   * (`stateChunksInSlices`, which releases the replies), so a snapshot does not stall matching.
   */
  captureState(): CapturedState {
    return {
      lastSeq: this.lastSeq,
      nextOrderId: this.nextOrderId,
      balances: this.balances.toJSON(),
      holds: captureHolds(this.holds),
      orderReplies: { table: this.replies, slots: this.orderKeys.toArray(), release: this.replies.retain() },
      transferKeys: this.transferKeys.toArray().map((r) => ({ ...r })),
      requestKeys: this.requestKeys.toArray().map((r) => ({ ...r })),
      mdSequence: this.engine.core.symbols.map((sym, b): [string, number] => [sym, this.mdSequence[b]]).filter(([, n]) => n > 0),
      mdTime: this.engine.core.symbols.map((sym, b): [string, number] => [sym, this.mdTime[b]]).filter(([, t]) => t > 0),
      recentTrades: this.recentTrades.toJSON(this.engine.core.symbols),
    };
  }

  /**
   * Rebuild from a snapshot's engine image and state bytes. `format` 'json-v2' is the state of
   * snapshots written before the binary reply section (MEXHOST1 files), read so that an existing
   * data directory can be upgraded.
   */
  static fromState(config: MarketConfig, engineSnapshot: Uint8Array, state: Buffer, format: 'v3' | 'json-v2' = 'v3'): HostCore {
    const headEnd = format === 'v3' ? 4 + state.readUInt32LE(0) : state.length;
    const s = JSON.parse(state.toString('utf8', format === 'v3' ? 4 : 0, headEnd)) as {
      v: number;
      lastSeq: number;
      nextOrderId: number;
      balances: [number, [string, string, string][]][];
      holds: [number, number, string, string, number, string][];
      transferKeys: TransferReply[];
      /** absent in snapshots written before cancels carried request ids */
      requestKeys?: RequestReply[];
      mdSequence?: [string, number][];
      /** absent in snapshots written before the host kept them: the views start without */
      mdTime?: [string, number][];
      recentTrades?: RecentTradesJSON;
      /** v3: how many replies the binary section holds */
      replies?: number;
      /** v2: the replies as tuples */
      orderKeys?: ReplyTuple[];
    };
    if (s.v !== (format === 'v3' ? 3 : 2)) throw new Error(`host state version ${s.v} in a ${format} snapshot`);
    const core = new HostCore(config, MatchingEngine.restore(engineSnapshot, { orderCapacity: 1 << 16 }), Balances.fromJSON(s.balances));
    core.lastSeq = s.lastSeq;
    core.nextOrderId = s.nextOrderId;
    for (const [id, account, asset, held, holdPrice, clientOrderId] of s.holds)
      core.holds.set(id, { account, asset, held: BigInt(held), holdPrice, clientOrderId });
    // restore, not set: the window comes back exactly as captured, nothing evicted on the way
    if (format === 'v3') {
      const expected = s.replies ?? 0;
      core.replies.reserve(expected);
      core.orderKeys.reserve(expected);
      const rd = new ByteReader(state, headEnd, state.length);
      let n = 0;
      for (; rd.off < state.length; n++) {
        const slot = core.replies.addEncoded(rd);
        core.orderKeys.restore(core.replies.account(slot), core.replies.clientOrderId(slot), slot);
      }
      if (n !== expected) throw new Error(`snapshot state holds ${n} replies, its head says ${expected}`);
    } else {
      for (const t of s.orderKeys ?? []) {
        const r = fromReplyTuple(t);
        core.orderKeys.restore(r.account, r.clientOrderId, core.replies.add(r));
      }
    }
    for (const r of s.transferKeys) core.transferKeys.restore(r);
    for (const r of s.requestKeys ?? []) core.requestKeys.restore(r);
    for (const [symbol, n] of s.mdSequence ?? []) {
      const b = core.engine.core.symbolIndex.get(symbol);
      if (b === undefined) throw new Error(`snapshot has a market data sequence for ${symbol}, which has no book`);
      core.mdSequence[b] = n;
    }
    const bookOf = (symbol: string): number | undefined => core.engine.core.symbolIndex.get(symbol);
    for (const [symbol, t] of s.mdTime ?? []) {
      const b = bookOf(symbol);
      if (b === undefined) throw new Error(`snapshot has a market data time for ${symbol}, which has no book`);
      core.mdTime[b] = t;
    }
    core.recentTrades.restore(s.recentTrades ?? [], bookOf);
    return core;
  }
}
