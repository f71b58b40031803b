/**
 * Property tests: random command streams (placements of every kind, cancels, replaces, mass
 * cancels, dead-man switches, halts and clock ticks) over two narrow books so that orders cross
 * all the time. After every command the engine must satisfy the book invariants, and its events
 * must equal those of a deliberately naive reference model of the rules.
 */
import fc from 'fast-check';
import { MatchingEngine } from './matching-engine';
import type { Command, EngineEvent, EventTypeName, ReasonName, SideName, StpName, SymbolSpec, TimeInForceName } from './types';

// ------------------------------------------------------------------ symbols

const SYMBOLS: SymbolSpec[] = [
  // no band: everything between 1 and 1000 is a valid price
  {
    symbol: 'AAA',
    base: 'A',
    quote: 'Q',
    priceDecimals: 0,
    qtyDecimals: 0,
    tickSize: 1,
    lotSize: 1,
    minPrice: 1,
    maxPrice: 1000,
    minQty: 1,
    maxQty: 1000,
    bandBps: 0,
  },
  // ±5% band around 100 until the first trade, then around the last trade
  {
    symbol: 'BBB',
    base: 'B',
    quote: 'Q',
    priceDecimals: 0,
    qtyDecimals: 0,
    tickSize: 1,
    lotSize: 1,
    minPrice: 1,
    maxPrice: 1000,
    minQty: 1,
    maxQty: 1000,
    bandBps: 500,
    referencePrice: 100,
  },
  // ±2% band without a reference price: limits are free until the first trade, market orders are
  // held to the best opposite price ± 2 before it, so market protection kicks in often
  {
    symbol: 'CCC',
    base: 'C',
    quote: 'Q',
    priceDecimals: 0,
    qtyDecimals: 0,
    tickSize: 1,
    lotSize: 1,
    minPrice: 1,
    maxPrice: 1000,
    minQty: 1,
    maxQty: 1000,
    bandBps: 200,
  },
];
const MID = 100;
/** a handful of accounts, including the largest valid id */
const ACCOUNT_IDS = [1, 2, 65_536, 2 ** 31 - 1];
const ACCOUNTS = ACCOUNT_IDS.length;
/** order ids start here: small, around 2^32 (hashing of the high half), or near 2^53 */
const ID_BASES = [1, 2 ** 32 - 60, Number.MAX_SAFE_INTEGER - 5000];

// ------------------------------------------------------------------ generator

type PlaceOp = {
  k: 'place';
  dt: number;
  sym: number;
  side: SideName;
  market: boolean;
  tif: TimeInForceName | undefined;
  postOnly: boolean;
  stp: StpName | undefined;
  account: number;
  off: number;
  qty: number;
  expireIn: number;
  reuse: boolean;
  pick: number;
};
type Op =
  | PlaceOp
  | { k: 'cancel'; dt: number; pick: number; owner: boolean }
  | { k: 'replace'; dt: number; pick: number; owner: boolean; off: number; dq: number }
  | { k: 'cancelAll'; dt: number; account: number; sym: number }
  | { k: 'cancelAllAfter'; dt: number; account: number; deadlineIn: number }
  | { k: 'tick'; dt: number }
  | { k: 'halt' | 'resume'; dt: number; sym: number };

const dt = fc.oneof({ arbitrary: fc.constant(0), weight: 1 }, { arbitrary: fc.integer({ min: 1, max: 4 }), weight: 3 });
const account = fc.constantFrom(...ACCOUNT_IDS);
const pick = fc.nat({ max: 1000 });

const placeOp: fc.Arbitrary<Op> = fc
  .record({
    dt,
    sym: fc.integer({ min: 0, max: SYMBOLS.length - 1 }),
    side: fc.constantFrom<SideName>('buy', 'sell'),
    market: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
    tif: fc.constantFrom<TimeInForceName | undefined>(undefined, 'GTC', 'GTC', 'IOC', 'FOK', 'GTD'),
    postOnly: fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
    stp: fc.constantFrom<StpName | undefined>(undefined, 'cancel_newest', 'cancel_oldest', 'cancel_both'),
    account,
    off: fc.integer({ min: -6, max: 6 }),
    qty: fc.integer({ min: 1, max: 12 }),
    expireIn: fc.integer({ min: 1, max: 40 }),
    reuse: fc.integer({ min: 0, max: 19 }).map((n) => n === 0),
    pick,
  })
  .map((r) => ({ k: 'place' as const, ...r }));

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: placeOp, weight: 12 },
  {
    arbitrary: fc
      .record({ dt, pick, owner: fc.integer({ min: 0, max: 6 }).map((n) => n !== 0) })
      .map((r) => ({ k: 'cancel' as const, ...r })),
    weight: 3,
  },
  {
    arbitrary: fc
      .record({
        dt,
        pick,
        owner: fc.integer({ min: 0, max: 8 }).map((n) => n !== 0),
        off: fc.constantFrom(0, 0, 0, -1, 1, -2, 2, -4, 4),
        dq: fc.integer({ min: -6, max: 6 }),
      })
      .map((r) => ({ k: 'replace' as const, ...r })),
    weight: 4,
  },
  {
    arbitrary: fc
      .record({ dt, account, sym: fc.integer({ min: -1, max: SYMBOLS.length - 1 }) })
      .map((r) => ({ k: 'cancelAll' as const, ...r })),
    weight: 1,
  },
  {
    arbitrary: fc.record({ dt, account, deadlineIn: fc.integer({ min: 0, max: 60 }) }).map((r) => ({ k: 'cancelAllAfter' as const, ...r })),
    weight: 1,
  },
  { arbitrary: fc.record({ dt: fc.integer({ min: 0, max: 30 }) }).map((r) => ({ k: 'tick' as const, ...r })), weight: 2 },
  {
    arbitrary: fc
      .record({ dt, sym: fc.integer({ min: 0, max: SYMBOLS.length - 1 }), halt: fc.boolean() })
      .map((r) => ({ k: r.halt ? ('halt' as const) : ('resume' as const), dt: r.dt, sym: r.sym })),
    weight: 1,
  },
);

/**
 * Turn random ops into concrete commands without looking at the engine: cancels and replaces pick
 * one of the last few placed orders (alive or not), mostly with the right account.
 */
function materialize(ops: Op[], idBase = 1): Command[] {
  let seq = 0;
  let time = 1000;
  let nextId = idBase;
  const placed: { id: number; account: number; price: number; quantity: number }[] = [];
  const recent = (p: number) => placed[placed.length - 1 - (p % Math.min(placed.length, 8))];
  const other = (a: number) => ACCOUNT_IDS[(ACCOUNT_IDS.indexOf(a) + 1) % ACCOUNTS];
  const out: Command[] = [];
  for (const op of ops) {
    time += op.dt;
    const base = { seq: ++seq, time };
    switch (op.k) {
      case 'place': {
        const id = op.reuse && placed.length > 0 ? recent(op.pick).id : nextId++;
        const price = MID + op.off;
        const cmd: Command = {
          ...base,
          type: 'place',
          symbol: SYMBOLS[op.sym].symbol,
          orderId: id,
          account: op.account,
          side: op.side,
          orderType: op.market ? 'market' : 'limit',
          quantity: op.qty,
        };
        if (!op.market) cmd.price = price;
        let tif = op.tif;
        if (op.market && (tif === 'GTC' || tif === 'GTD')) tif = op.pick % 7 === 0 ? tif : 'IOC'; // rarely invalid
        if (tif !== undefined) cmd.timeInForce = tif;
        if (tif === 'GTD') cmd.expireTime = time + op.expireIn;
        if (op.postOnly && !op.market && tif !== 'IOC' && tif !== 'FOK') cmd.postOnly = true;
        if (op.stp !== undefined) cmd.stp = op.stp;
        out.push(cmd);
        placed.push({ id, account: op.account, price, quantity: op.qty });
        break;
      }
      case 'cancel': {
        const p = placed.length ? recent(op.pick) : { id: 424242, account: 1 };
        out.push({ ...base, type: 'cancel', orderId: p.id, account: op.owner ? p.account : other(p.account) });
        break;
      }
      case 'replace': {
        const p = placed.length ? recent(op.pick) : { id: 424242, account: 1, price: MID, quantity: 5 };
        const quantity = Math.max(1, p.quantity + op.dq);
        out.push({
          ...base,
          type: 'replace',
          orderId: p.id,
          account: op.owner ? p.account : other(p.account),
          price: p.price + op.off,
          quantity,
        });
        break;
      }
      case 'cancelAll':
        out.push(
          op.sym < 0
            ? { ...base, type: 'cancelAll', account: op.account }
            : { ...base, type: 'cancelAll', account: op.account, symbol: SYMBOLS[op.sym].symbol },
        );
        break;
      case 'cancelAllAfter':
        out.push({ ...base, type: 'cancelAllAfter', account: op.account, deadline: op.deadlineIn === 0 ? 0 : time + op.deadlineIn });
        break;
      case 'tick':
        out.push({ ...base, type: 'tick' });
        break;
      case 'halt':
      case 'resume':
        out.push({ ...base, type: op.k, symbol: SYMBOLS[op.sym].symbol });
        break;
    }
  }
  return out;
}

const streamArb = (min: number, max: number) =>
  fc
    .tuple(fc.array(opArb, { minLength: min, maxLength: max, size: 'max' }), fc.constantFrom(...ID_BASES))
    .map(([ops, base]) => materialize(ops, base));

// ------------------------------------------------------------------ invariant checker

interface Tracked {
  quantity: number;
  filled: number;
  removed: number;
  postOnly: boolean;
  account: number;
  symbol: string;
}

class InvariantChecker {
  private readonly seqs = new Map<string, number>();
  private readonly orders = new Map<number, Tracked>();
  /** resting price of every order before the current command */
  private restingPrice = new Map<number, number>();

  constructor(private readonly eng: MatchingEngine) {}

  private fail(msg: string, cmd: Command, events: EngineEvent[]): never {
    throw new Error(`${msg}\ncommand: ${JSON.stringify(cmd)}\nevents: ${JSON.stringify(events, null, 1)}`);
  }

  check(cmd: Command, events: EngineEvent[]): void {
    const ensure = (ok: boolean, msg: string): void => {
      if (!ok) this.fail(msg, cmd, events);
    };
    const touched = new Set<number>();

    for (const e of events) {
      // per-symbol sequence: +1 per event; 0 for events tied to no symbol
      if (e.symbol === '') ensure(e.sequence === 0, 'symbol-less event with a sequence');
      else {
        const prev = this.seqs.get(e.symbol) ?? 0;
        ensure(e.sequence === prev + 1, `sequence gap on ${e.symbol}: ${prev} → ${e.sequence}`);
        this.seqs.set(e.symbol, e.sequence);
      }
      switch (e.type) {
        case 'accepted': {
          const old = this.orders.get(e.orderId);
          ensure(!old || old.quantity === old.filled + old.removed, `order ${e.orderId} accepted while still open`);
          ensure(e.leaves === e.quantity && e.quantity > 0, 'accepted leaves ≠ quantity');
          const postOnly = cmd.type === 'place' && cmd.postOnly === true;
          this.orders.set(e.orderId, { quantity: e.quantity, filled: 0, removed: 0, postOnly, account: e.account, symbol: e.symbol });
          touched.add(e.orderId);
          break;
        }
        case 'trade': {
          const taker = this.orders.get(e.orderId);
          const maker = this.orders.get(e.makerOrderId);
          ensure(taker !== undefined && maker !== undefined, 'trade for an unknown order');
          ensure(e.account !== e.makerAccount, `self trade between ${e.orderId} and ${e.makerOrderId}`);
          ensure(maker!.account === e.makerAccount && taker!.account === e.account, 'trade accounts do not match the orders');
          ensure(!taker!.postOnly, `post-only order ${e.orderId} traded as taker`);
          ensure(e.quantity > 0, 'empty fill');
          ensure(this.restingPrice.get(e.makerOrderId) === e.price, `trade not at the maker's resting price`);
          taker!.filled += e.quantity;
          maker!.filled += e.quantity;
          ensure(e.leaves === taker!.quantity - taker!.filled - taker!.removed, 'trade leaves inconsistent with fills');
          ensure(e.makerLeaves === maker!.quantity - maker!.filled - maker!.removed, 'trade makerLeaves inconsistent with fills');
          ensure(e.leaves >= 0 && e.makerLeaves >= 0, 'overfill');
          touched.add(e.orderId).add(e.makerOrderId);
          break;
        }
        case 'canceled':
        case 'expired': {
          const t = this.orders.get(e.orderId);
          ensure(t !== undefined, 'cancel of an unknown order');
          ensure(e.quantity > 0, 'empty cancel');
          t!.removed += e.quantity;
          ensure(t!.quantity === t!.filled + t!.removed, `cancel/expiry of ${e.orderId} did not remove exactly the open quantity`);
          touched.add(e.orderId);
          break;
        }
        case 'replaced': {
          const t = this.orders.get(e.orderId);
          ensure(t !== undefined && t.removed === 0, 'replace of an unknown order');
          t!.quantity = e.quantity;
          ensure(e.leaves === t!.quantity - t!.filled && e.leaves > 0, 'replaced leaves ≠ quantity − filled');
          touched.add(e.orderId);
          break;
        }
        default:
          break;
      }
    }

    // limit prices are respected by takers
    if (cmd.type === 'place' || cmd.type === 'replace') {
      const limitPrice = cmd.type === 'place' ? (cmd.orderType === 'limit' ? cmd.price : undefined) : cmd.price;
      for (const e of events) {
        if (e.type !== 'trade' || limitPrice === undefined) continue;
        ensure(e.side === 'buy' ? e.price <= limitPrice : e.price >= limitPrice, 'trade through the taker limit');
      }
    }

    if (cmd.type === 'place' && events.some((e) => e.type === 'accepted')) {
      const tif = cmd.timeInForce ?? (cmd.orderType === 'market' ? 'IOC' : 'GTC');
      // Timers fire before the command itself, possibly for an earlier order that reused this id:
      // only events from this order's acceptance on belong to it.
      const own = events.slice(events.findIndex((e) => e.type === 'accepted' && e.orderId === cmd.orderId));
      const fills = own.filter((e) => e.type === 'trade' && e.orderId === cmd.orderId).reduce((s, e) => s + e.quantity, 0);
      const cancels = own.filter((e) => e.type === 'canceled' && e.orderId === cmd.orderId);
      if (tif === 'FOK') {
        // all or nothing
        const all = fills === cmd.quantity && cancels.length === 0;
        const none = fills === 0 && cancels.length === 1 && cancels[0].reason === 'FOK_UNFILLABLE' && cancels[0].quantity === cmd.quantity;
        ensure(all || none, `FOK partially filled: ${fills}/${cmd.quantity}`);
      }
      if (tif === 'IOC' || tif === 'FOK' || cmd.orderType === 'market')
        ensure(this.eng.getOrder(cmd.orderId) === null, 'IOC/FOK/market order rests');
      if (cmd.postOnly) ensure(fills === 0, 'post-only order filled on entry');
    }

    // book state
    const alive = new Set<number>();
    const nextResting = new Map<number, number>();
    for (const spec of SYMBOLS) {
      const sym = spec.symbol;
      const l1 = this.eng.l1(sym);
      if (l1.bid && l1.ask) ensure(l1.bid.price < l1.ask.price, `crossed book ${sym}: ${l1.bid.price} ≥ ${l1.ask.price}`);
      const l2 = this.eng.l2(sym, 1 << 20);
      const l3 = this.eng.l3(sym);
      ensure(l2.sequence === (this.seqs.get(sym) ?? 0) && l3.sequence === l2.sequence, 'book sequence ≠ last event sequence');
      for (const [levels, orders, side] of [
        [l2.bids, l3.bids, 'buy'],
        [l2.asks, l3.asks, 'sell'],
      ] as const) {
        const agg: { price: number; quantity: number; orders: number }[] = [];
        for (const o of orders) {
          ensure(o.side === side && o.symbol === sym, 'order on the wrong side/book');
          const last = agg[agg.length - 1];
          if (last && last.price === o.price) {
            last.quantity += o.leaves;
            last.orders++;
          } else agg.push({ price: o.price, quantity: o.leaves, orders: 1 });
          const t = this.orders.get(o.orderId);
          ensure(t !== undefined, `unknown resting order ${o.orderId}`);
          ensure(
            o.quantity === t!.quantity && o.filled === t!.filled && t!.removed === 0,
            `resting order ${o.orderId} quantity/filled disagree with events`,
          );
          ensure(o.leaves === t!.quantity - t!.filled && o.leaves > 0, `resting order ${o.orderId} leaves disagree with events`);
          ensure(o.account === t!.account && o.symbol === t!.symbol, 'resting order account/symbol disagree');
          ensure(!alive.has(o.orderId), `order ${o.orderId} rests twice`);
          alive.add(o.orderId);
          nextResting.set(o.orderId, o.price);
        }
        for (let i = 1; i < agg.length; i++)
          ensure(side === 'buy' ? agg[i].price < agg[i - 1].price : agg[i].price > agg[i - 1].price, 'l3 not in price order');
        ensure(JSON.stringify(levels) === JSON.stringify(agg), `l2 ≠ aggregated l3 on ${sym} ${side}`);
      }
      // the last book_delta for a level describes it as it now is
      const lastDelta = new Map<string, EngineEvent>();
      for (const e of events) if (e.type === 'book_delta' && e.symbol === sym) lastDelta.set(`${e.side}:${e.price}`, e);
      for (const e of lastDelta.values()) {
        const lvl = (e.side === 'buy' ? l2.bids : l2.asks).find((x) => x.price === e.price);
        ensure((lvl?.quantity ?? 0) === e.quantity && (lvl?.orders ?? 0) === e.leaves, `stale book_delta ${e.side} ${e.price}`);
      }
    }
    // conservation: every tracked order is either open (and resting) or fully accounted for
    for (const id of touched) {
      const t = this.orders.get(id)!;
      const open = t.quantity - t.filled - t.removed;
      ensure(open >= 0, `order ${id} over-accounted`);
      ensure(open === 0 ? !alive.has(id) : alive.has(id), `order ${id}: open ${open} but resting=${alive.has(id)}`);
      const r = this.eng.getOrder(id);
      ensure((r === null) === !alive.has(id), `getOrder(${id}) disagrees with l3`);
      if (r) ensure(r.leaves === open, `getOrder(${id}).leaves wrong`);
    }
    for (const [id] of nextResting)
      ensure(
        this.orders.get(id)!.quantity - this.orders.get(id)!.filled - this.orders.get(id)!.removed > 0,
        'resting order fully accounted',
      );
    this.restingPrice = nextResting;
  }
}

// ------------------------------------------------------------------ naive reference model

interface MOrder {
  id: number;
  account: number;
  book: number;
  side: SideName;
  price: number;
  quantity: number;
  filled: number;
  leaves: number;
  tif: TimeInForceName;
  postOnly: boolean;
  stp: StpName;
  expire: number;
}
interface MBook {
  spec: SymbolSpec;
  bids: MOrder[];
  asks: MOrder[];
  lastPrice: number;
  halted: boolean;
  sequence: number;
}

/** The rules written as plainly as possible: arrays, linear scans, no indexes. */
class Model {
  readonly books: MBook[];
  private readonly orders = new Map<number, MOrder>();
  private readonly deadlines = new Map<number, number>();
  private lastSeq = 0;
  private lastTime = 0;
  private out: EngineEvent[] = [];

  constructor(specs: SymbolSpec[]) {
    this.books = specs.map((spec) => ({ spec, bids: [], asks: [], lastPrice: 0, halted: false, sequence: 0 }));
  }

  private push(type: EventTypeName, b: MBook | null, f: Partial<EngineEvent>): void {
    this.out.push({
      type,
      symbol: b ? b.spec.symbol : '',
      sequence: b ? ++b.sequence : 0,
      time: this.lastTime,
      orderId: 0,
      account: 0,
      side: 'buy',
      price: 0,
      quantity: 0,
      leaves: 0,
      makerOrderId: 0,
      makerAccount: 0,
      makerLeaves: 0,
      reason: 'NONE',
      ...f,
    });
  }

  private reject(
    b: MBook | null,
    orderId: number,
    account: number,
    side: SideName,
    price: number,
    quantity: number,
    reason: ReasonName,
  ): void {
    this.push('rejected', b, { orderId, account, side, price, quantity, reason });
  }

  private delta(b: MBook, side: SideName, price: number): void {
    const level = (side === 'buy' ? b.bids : b.asks).filter((o) => o.price === price);
    this.push('book_delta', b, { side, price, quantity: level.reduce((s, o) => s + o.leaves, 0), leaves: level.length });
  }

  private unlink(o: MOrder): void {
    const b = this.books[o.book];
    const list = o.side === 'buy' ? b.bids : b.asks;
    list.splice(list.indexOf(o), 1);
  }

  private insert(o: MOrder): void {
    const b = this.books[o.book];
    const list = o.side === 'buy' ? b.bids : b.asks;
    const worse = (x: MOrder) => (o.side === 'buy' ? x.price < o.price : x.price > o.price);
    const i = list.findIndex(worse);
    list.splice(i < 0 ? list.length : i, 0, o);
  }

  private remove(o: MOrder, type: EventTypeName, reason: ReasonName): void {
    const b = this.books[o.book];
    this.unlink(o);
    this.orders.delete(o.id);
    this.push(type, b, { orderId: o.id, account: o.account, side: o.side, price: o.price, quantity: o.leaves, reason });
    this.delta(b, o.side, o.price);
  }

  private cancelAccount(account: number, book: number, reason: ReasonName): void {
    const mine = [...this.orders.values()]
      .filter((o) => o.account === account && (book < 0 || o.book === book))
      .sort((x, y) => x.id - y.id);
    for (const o of mine) this.remove(o, 'canceled', reason);
  }

  private validPrice(b: MBook, price: number): ReasonName {
    const s = b.spec;
    if (!Number.isSafeInteger(price) || price <= 0) return 'INVALID_PRICE';
    if (price < s.minPrice || price > s.maxPrice) return 'PRICE_OUT_OF_RANGE';
    if (price % s.tickSize !== 0) return 'PRICE_OFF_TICK';
    const ref = b.lastPrice || s.referencePrice || 0;
    if (s.bandBps !== 0 && ref !== 0) {
      const band = Math.floor((ref * s.bandBps) / 10000);
      if (price > ref + band || price < ref - band) return 'PRICE_OUT_OF_BAND';
    }
    return 'NONE';
  }

  private validQty(b: MBook, q: number): ReasonName {
    const s = b.spec;
    if (!Number.isSafeInteger(q) || q <= 0) return 'INVALID_QUANTITY';
    if (q % s.lotSize !== 0) return 'QUANTITY_OFF_LOT';
    if (q < s.minQty) return 'QUANTITY_BELOW_MIN';
    if (q > s.maxQty) return 'QUANTITY_ABOVE_MAX';
    return 'NONE';
  }

  private crosses(b: MBook, side: SideName, price: number): boolean {
    return side === 'buy' ? b.asks.length > 0 && price >= b.asks[0].price : b.bids.length > 0 && price <= b.bids[0].price;
  }

  private fillable(b: MBook, side: SideName, limit: number, qty: number, account: number, stp: StpName): boolean {
    let avail = 0;
    for (const o of side === 'buy' ? b.asks : b.bids) {
      if (side === 'buy' ? o.price > limit : o.price < limit) break;
      if (o.account === account) {
        if (stp === 'cancel_oldest') continue;
        return false;
      }
      avail += o.leaves;
      if (avail >= qty) return true;
    }
    return false;
  }

  private match(
    b: MBook,
    takerId: number,
    account: number,
    side: SideName,
    limit: number,
    qty: number,
    stp: StpName,
  ): { leaves: number; killed: boolean } {
    const opp = side === 'buy' ? b.asks : b.bids;
    const makerSide: SideName = side === 'buy' ? 'sell' : 'buy';
    let remaining = qty;
    let killed = false;
    while (remaining > 0 && opp.length > 0 && !killed) {
      const p = opp[0].price;
      if (side === 'buy' ? p > limit : p < limit) break;
      let changed = false;
      for (const o of opp.filter((x) => x.price === p)) {
        if (remaining === 0) break;
        if (o.account === account) {
          if (stp !== 'cancel_newest') {
            this.push('canceled', b, { orderId: o.id, account, side: makerSide, price: p, quantity: o.leaves, reason: 'SELF_TRADE' });
            this.unlink(o);
            this.orders.delete(o.id);
            changed = true;
          }
          if (stp !== 'cancel_oldest') {
            killed = true;
            break;
          }
          continue;
        }
        const fill = Math.min(remaining, o.leaves);
        remaining -= fill;
        o.leaves -= fill;
        o.filled += fill;
        changed = true;
        b.lastPrice = p;
        this.push('trade', b, {
          orderId: takerId,
          account,
          side,
          price: p,
          quantity: fill,
          leaves: remaining,
          makerOrderId: o.id,
          makerAccount: o.account,
          makerLeaves: o.leaves,
        });
        if (o.leaves === 0) {
          this.unlink(o);
          this.orders.delete(o.id);
        }
      }
      if (changed) this.delta(b, makerSide, p);
    }
    return { leaves: remaining, killed };
  }

  private runTimers(): void {
    const now = this.lastTime;
    for (;;) {
      let g: MOrder | undefined;
      for (const o of this.orders.values())
        if (o.tif === 'GTD' && o.expire <= now && (!g || o.expire < g.expire || (o.expire === g.expire && o.id < g.id))) g = o;
      let d: [number, number] | undefined;
      for (const [acc, dl] of this.deadlines) if (dl <= now && (!d || dl < d[1] || (dl === d[1] && acc < d[0]))) d = [acc, dl];
      if (g && (!d || g.expire <= d[1])) this.remove(g, 'expired', 'GTD_EXPIRED');
      else if (d) {
        this.deadlines.delete(d[0]);
        this.cancelAccount(d[0], -1, 'DEAD_MAN_SWITCH');
      } else break;
    }
  }

  apply(cmd: Command): EngineEvent[] {
    this.out = [];
    if (!(cmd.seq > this.lastSeq) || !Number.isSafeInteger(cmd.seq)) {
      this.reject(null, 0, 0, 'buy', 0, 0, 'SEQUENCE_OUT_OF_ORDER');
      return this.out;
    }
    this.lastSeq = cmd.seq;
    this.lastTime = Math.max(this.lastTime, cmd.time);
    this.runTimers();
    switch (cmd.type) {
      case 'place':
        this.place(cmd);
        break;
      case 'cancel': {
        const o = this.orders.get(cmd.orderId);
        if (!o || o.account !== cmd.account) this.reject(null, cmd.orderId, cmd.account, 'buy', 0, 0, 'UNKNOWN_ORDER');
        else this.remove(o, 'canceled', 'USER_CANCELED');
        break;
      }
      case 'replace':
        this.replace(cmd.orderId, cmd.account, cmd.price, cmd.quantity);
        break;
      case 'cancelAll': {
        const book = cmd.symbol === undefined ? -1 : this.books.findIndex((b) => b.spec.symbol === cmd.symbol);
        if (cmd.symbol !== undefined && book < 0) this.reject(null, 0, cmd.account, 'buy', 0, 0, 'UNKNOWN_SYMBOL');
        else this.cancelAccount(cmd.account, book, 'MASS_CANCEL');
        break;
      }
      case 'cancelAllAfter': {
        const { account: acc, deadline } = cmd;
        if (!(Number.isSafeInteger(acc) && acc >= 1 && acc <= 2 ** 31 - 1)) this.reject(null, 0, acc, 'buy', 0, 0, 'INVALID_ACCOUNT');
        else if (deadline !== 0 && !(deadline > this.lastTime && Number.isFinite(deadline)))
          this.reject(null, 0, acc, 'buy', 0, 0, 'INVALID_DEADLINE');
        else {
          if (deadline === 0) this.deadlines.delete(acc);
          else this.deadlines.set(acc, deadline);
          this.push('status', null, { account: acc, quantity: deadline, reason: deadline === 0 ? 'DEAD_MAN_DISARMED' : 'DEAD_MAN_ARMED' });
        }
        break;
      }
      case 'tick':
        break;
      case 'halt':
      case 'resume': {
        const b = this.books.find((x) => x.spec.symbol === cmd.symbol);
        if (!b) this.reject(null, 0, 0, 'buy', 0, 0, 'UNKNOWN_SYMBOL');
        else {
          b.halted = cmd.type === 'halt';
          this.push('status', b, { reason: b.halted ? 'HALTED' : 'RESUMED' });
        }
        break;
      }
    }
    return this.out;
  }

  private place(cmd: Extract<Command, { type: 'place' }>): void {
    const b = this.books.find((x) => x.spec.symbol === cmd.symbol) ?? null;
    const { orderId: id, account: acc, side, quantity: qty } = cmd;
    let price = cmd.price ?? 0;
    if (!b) return this.reject(null, id, acc, side, price, qty, 'UNKNOWN_SYMBOL');
    const isMarket = cmd.orderType === 'market';
    const tif = cmd.timeInForce ?? (isMarket ? 'IOC' : 'GTC');
    const stp = cmd.stp ?? 'cancel_newest';
    const postOnly = cmd.postOnly === true;
    let reason: ReasonName = 'NONE';
    if (b.halted) reason = 'SYMBOL_HALTED';
    else if (!(id >= 1 && Number.isSafeInteger(id))) reason = 'INVALID_ORDER_ID';
    else if (this.orders.has(id)) reason = 'DUPLICATE_ORDER_ID';
    else if (!(acc >= 1 && acc <= 2 ** 31 - 1 && Number.isInteger(acc))) reason = 'INVALID_ACCOUNT';
    else if ((reason = this.validQty(b, qty)) !== 'NONE') {
      /* reason set */
    } else if (!isMarket) {
      reason = this.validPrice(b, price);
      if (reason === 'NONE' && postOnly && (tif === 'IOC' || tif === 'FOK')) reason = 'INVALID_TIME_IN_FORCE';
      if (reason === 'NONE' && tif === 'GTD' && !(cmd.expireTime !== undefined && cmd.expireTime > this.lastTime))
        reason = 'INVALID_EXPIRE_TIME';
    } else {
      if (tif !== 'IOC' && tif !== 'FOK') reason = 'INVALID_TIME_IN_FORCE';
      else if (postOnly) reason = 'POST_ONLY_WOULD_TAKE';
    }
    if (reason !== 'NONE') return this.reject(b, id, acc, side, price, qty, reason);
    if (!isMarket && postOnly && this.crosses(b, side, price)) return this.reject(b, id, acc, side, price, qty, 'POST_ONLY_WOULD_TAKE');

    let limit = price;
    if (isMarket) {
      price = 0;
      limit = side === 'buy' ? Infinity : -Infinity;
      const s = b.spec;
      let ref = b.lastPrice || s.referencePrice || 0;
      if (ref === 0) {
        const best = side === 'buy' ? b.asks[0] : b.bids[0];
        if (best) ref = best.price;
      }
      if (s.bandBps !== 0 && ref !== 0) {
        const band = Math.floor((ref * s.bandBps) / 10000);
        limit = side === 'buy' ? ref + band : ref - band;
      }
    }
    this.push('accepted', b, { orderId: id, account: acc, side, price, quantity: qty, leaves: qty });
    if (tif === 'FOK' && !this.fillable(b, side, limit, qty, acc, stp)) {
      this.push('canceled', b, { orderId: id, account: acc, side, price, quantity: qty, reason: 'FOK_UNFILLABLE' });
      return;
    }
    const { leaves, killed } = this.match(b, id, acc, side, limit, qty, stp);
    if (leaves === 0) return;
    if (killed) this.push('canceled', b, { orderId: id, account: acc, side, price, quantity: leaves, reason: 'SELF_TRADE' });
    else if (!isMarket && (tif === 'GTC' || tif === 'GTD')) {
      const o: MOrder = {
        id,
        account: acc,
        book: this.books.indexOf(b),
        side,
        price,
        quantity: qty,
        filled: qty - leaves,
        leaves,
        tif,
        postOnly,
        stp,
        expire: tif === 'GTD' ? cmd.expireTime! : 0,
      };
      this.orders.set(id, o);
      this.insert(o);
      this.delta(b, side, price);
    } else {
      const opp = side === 'buy' ? b.asks : b.bids;
      const why: ReasonName = !isMarket ? 'IOC_REMAINDER' : opp.length > 0 ? 'MARKET_PROTECTION' : 'MARKET_NO_LIQUIDITY';
      this.push('canceled', b, { orderId: id, account: acc, side, price, quantity: leaves, reason: why });
    }
  }

  private replace(id: number, acc: number, price: number, qty: number): void {
    const o = this.orders.get(id);
    if (!o || o.account !== acc) return this.reject(null, id, acc, 'buy', price, qty, 'UNKNOWN_ORDER');
    const b = this.books[o.book];
    if (b.halted) return this.reject(b, id, acc, o.side, price, qty, 'SYMBOL_HALTED');
    let reason = this.validPrice(b, price);
    if (reason === 'NONE') reason = this.validQty(b, qty);
    if (reason === 'NONE' && qty <= o.filled) reason = 'QUANTITY_BELOW_FILLED';
    if (reason !== 'NONE') return this.reject(b, id, acc, o.side, price, qty, reason);
    const newLeaves = qty - o.filled;
    if (price === o.price && qty <= o.quantity) {
      o.quantity = qty;
      o.leaves = newLeaves;
      this.push('replaced', b, {
        orderId: id,
        account: acc,
        side: o.side,
        price,
        quantity: qty,
        leaves: newLeaves,
        reason: 'PRIORITY_KEPT',
      });
      this.delta(b, o.side, price);
      return;
    }
    if (o.postOnly && this.crosses(b, o.side, price)) return this.reject(b, id, acc, o.side, price, qty, 'POST_ONLY_WOULD_TAKE');
    this.push('replaced', b, { orderId: id, account: acc, side: o.side, price, quantity: qty, leaves: newLeaves, reason: 'PRIORITY_LOST' });
    this.unlink(o);
    this.delta(b, o.side, o.price);
    o.quantity = qty;
    const { leaves, killed } = this.match(b, id, acc, o.side, price, newLeaves, o.stp);
    o.filled = qty - leaves;
    if (leaves === 0) this.orders.delete(id);
    else if (killed) {
      this.push('canceled', b, { orderId: id, account: acc, side: o.side, price, quantity: leaves, reason: 'SELF_TRADE' });
      this.orders.delete(id);
    } else {
      o.price = price;
      o.leaves = leaves;
      this.insert(o);
      this.delta(b, o.side, price);
    }
  }

  /** resting orders per book side, priority order: [id, leaves, price] */
  queues(book: number): { bids: number[][]; asks: number[][] } {
    const b = this.books[book];
    const f = (o: MOrder) => [o.id, o.leaves, o.price];
    return { bids: b.bids.map(f), asks: b.asks.map(f) };
  }
}

// ------------------------------------------------------------------ properties

const NUM_RUNS = 250;
/** Stop (and report what was found so far) rather than spend minutes shrinking a long stream. */
const TIME_LIMIT = { interruptAfterTimeLimit: 30_000 };

const FIELDS = [
  'type',
  'symbol',
  'sequence',
  'time',
  'orderId',
  'account',
  'side',
  'price',
  'quantity',
  'leaves',
  'makerOrderId',
  'makerAccount',
  'makerLeaves',
  'reason',
] as const;
const canon = (e: EngineEvent): string =>
  JSON.stringify(FIELDS.map((f) => e[f])) + (Object.keys(e).length === FIELDS.length ? '' : ` extra keys: ${Object.keys(e).join(',')}`);

/** Cheap comparison with a short, readable failure (jest diffs of long streams make shrinking crawl). */
function sameEvents(cmd: Command, got: EngineEvent[], want: EngineEvent[]): void {
  const g = got.map(canon);
  const w = want.map(canon);
  if (g.join('\n') === w.join('\n')) return;
  let i = 0;
  while (i < g.length && g[i] === w[i]) i++;
  throw new Error(
    `events differ from the model at #${i} for ${JSON.stringify(cmd)}\n` +
      `fields: ${FIELDS.join(',')}\nengine: ${g[i] ?? '(none)'}\nmodel:  ${w[i] ?? '(none)'}\n` +
      `all engine events:\n  ${g.join('\n  ')}\nall model events:\n  ${w.join('\n  ')}`,
  );
}

describe('engine properties over random command streams', () => {
  it('keeps every book invariant after every command', () => {
    fc.assert(
      fc.property(streamArb(20, 200), (cmds) => {
        const eng = new MatchingEngine({ symbols: SYMBOLS });
        const checker = new InvariantChecker(eng);
        for (const cmd of cmds) checker.check(cmd, eng.apply(cmd));
      }),
      { numRuns: NUM_RUNS, ...TIME_LIMIT },
    );
  });

  it('produces exactly the events of a naive reference model', () => {
    fc.assert(
      fc.property(streamArb(20, 200), (cmds) => {
        const eng = new MatchingEngine({ symbols: SYMBOLS });
        const model = new Model(SYMBOLS);
        for (const cmd of cmds) {
          sameEvents(cmd, eng.apply(cmd), model.apply(cmd));
          for (let i = 0; i < SYMBOLS.length; i++) {
            const l3 = eng.l3(SYMBOLS[i].symbol);
            const f = (o: { orderId: number; leaves: number; price: number }) => [o.orderId, o.leaves, o.price];
            const got = JSON.stringify({ bids: l3.bids.map(f), asks: l3.asks.map(f) });
            const want = JSON.stringify(model.queues(i));
            if (got !== want)
              throw new Error(
                `book ${SYMBOLS[i].symbol} differs from the model after ${JSON.stringify(cmd)}\nengine: ${got}\nmodel:  ${want}`,
              );
          }
        }
      }),
      { numRuns: NUM_RUNS, ...TIME_LIMIT },
    );
  });

  it('streams actually exercise the interesting paths', () => {
    // guard against a generator that silently stops producing crossings, STP, FOK kills, expiries…
    const seen = new Set<string>();
    fc.assert(
      fc.property(streamArb(50, 200), (cmds) => {
        const eng = new MatchingEngine({ symbols: SYMBOLS });
        for (const cmd of cmds) for (const e of eng.apply(cmd)) seen.add(`${e.type}:${e.reason}`);
      }),
      // a fixed seed: this checks the generator, and a rare path missed by chance once failed CI with nothing wrong
      { numRuns: 60, seed: 20261204 },
    );
    for (const k of [
      'trade:NONE',
      'canceled:SELF_TRADE',
      'canceled:FOK_UNFILLABLE',
      'canceled:IOC_REMAINDER',
      'canceled:MARKET_NO_LIQUIDITY',
      'canceled:MARKET_PROTECTION',
      'expired:GTD_EXPIRED',
      'replaced:PRIORITY_KEPT',
      'replaced:PRIORITY_LOST',
      'canceled:MASS_CANCEL',
      'canceled:DEAD_MAN_SWITCH',
      'rejected:POST_ONLY_WOULD_TAKE',
      'rejected:PRICE_OUT_OF_BAND',
      'rejected:QUANTITY_BELOW_FILLED',
      'rejected:DUPLICATE_ORDER_ID',
      'rejected:SYMBOL_HALTED',
      'canceled:USER_CANCELED',
      'rejected:UNKNOWN_ORDER',
    ])
      expect(seen).toContain(k);
  });
});
