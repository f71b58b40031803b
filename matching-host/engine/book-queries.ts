import type { Book } from './book';
import type { MatchingCore } from './matching-core';
import { flagBook, flagPostOnly, flagSide, flagStp, flagTif } from './order-store';
import { SIDE_NAMES, STP_NAMES, TIME_IN_FORCE_NAMES, type L1, type L2, type L3, type Level, type RestingOrder } from './types';

function level(b: Book, tick: number): Level {
  return { price: b.priceOf(tick), quantity: b.levelQty(tick), orders: b.levelCount(tick) };
}

export function l1(core: MatchingCore, book: number): L1 {
  const b = core.books[book];
  return {
    bid: b.bestBid >= 0 ? level(b, b.bestBid) : null,
    ask: b.bestAsk < b.ticks ? level(b, b.bestAsk) : null,
  };
}

/** Aggregated levels, best first, at most `depth` per side. */
export function l2(core: MatchingCore, book: number, depth: number): L2 {
  const b = core.books[book];
  const bids: Level[] = [];
  for (let t = b.bestBid; t >= 0 && bids.length < depth; t = b.nextBidBelow(t)) bids.push(level(b, t));
  const asks: Level[] = [];
  for (let t = b.bestAsk; t < b.ticks && asks.length < depth; t = b.nextAskAbove(t)) asks.push(level(b, t));
  return { symbol: b.spec.symbol, sequence: b.sequence, bids, asks };
}

export function restingOrder(core: MatchingCore, slot: number): RestingOrder {
  const st = core.store;
  const b = core.books[flagBook(st.flags(slot))];
  return {
    orderId: st.id(slot),
    account: st.account(slot),
    symbol: b.spec.symbol,
    side: SIDE_NAMES[flagSide(st.flags(slot))],
    price: b.priceOf(st.tick(slot)),
    quantity: st.quantity(slot),
    filled: st.quantity(slot) - st.leaves(slot),
    leaves: st.leaves(slot),
    timeInForce: TIME_IN_FORCE_NAMES[flagTif(st.flags(slot))],
    postOnly: flagPostOnly(st.flags(slot)) === 1,
    stp: STP_NAMES[flagStp(st.flags(slot))],
    time: st.time(slot),
    expireTime: st.expire(slot),
  };
}

/** Every resting order, levels best first, each level in time priority. */
export function l3(core: MatchingCore, book: number): L3 {
  const b = core.books[book];
  const st = core.store;
  const bids: RestingOrder[] = [];
  for (let t = b.bestBid; t >= 0; t = b.nextBidBelow(t))
    for (let s = b.levelHead(t); s !== -1; s = st.next(s)) bids.push(restingOrder(core, s));
  const asks: RestingOrder[] = [];
  for (let t = b.bestAsk; t < b.ticks; t = b.nextAskAbove(t))
    for (let s = b.levelHead(t); s !== -1; s = st.next(s)) asks.push(restingOrder(core, s));
  return { symbol: b.spec.symbol, sequence: b.sequence, bids, asks };
}

export function getOrder(core: MatchingCore, orderId: number): RestingOrder | null {
  const slot = orderId >= 1 ? core.orderIndex.get(orderId) : -1;
  return slot < 0 ? null : restingOrder(core, slot);
}

/** An account's resting orders (optionally in one book), by ascending order id. */
export function openOrders(core: MatchingCore, account: number, book = -1): RestingOrder[] {
  const ai = core.findAccount(account);
  if (ai < 0) return [];
  const st = core.store;
  const out: RestingOrder[] = [];
  for (let s = core.accountHead[ai]; s !== -1; s = st.accountNext(s))
    if (book === -1 || flagBook(st.flags(s)) === book) out.push(restingOrder(core, s));
  return out.sort((a, b) => a.orderId - b.orderId);
}
