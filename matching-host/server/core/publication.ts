/**
 * What the host publishes about one command, derived deterministically from the command and its
 * result: public market data (to Kinesis, and the Redis book/ticker) and private order events (to
 * the order-event queue). Because it is a pure function of the journaled command and the state
 * before it, a publisher that fell behind can regenerate exactly the same messages by replaying
 * the journal (publication-replay.ts), and consumers can de-duplicate by sequence.
 *
 * Sequences: market data carries a contiguous per-symbol `sequence` (the engine's own per-symbol
 * counter also counts private events, so it would show gaps to a public consumer); order events
 * are identified by `(seq, idx)`: the journal sequence of their command and their index in it.
 */
import { fromUnits } from '../../proto/decimal';
import { EVENT_TYPE_NAMES, EventType, Reason, type EngineEvent, type SymbolSpec } from '../../engine/types';
import { type CommandResult, type HostCommand, type Publication } from './types';
import { ORDER_REQUESTS, tradeIdOf, type MarketDataEvent, type OrderEvent, type OrderRequest } from '../../proto/messages';

const isOrderRequest = (type: HostCommand['type']): type is OrderRequest => (ORDER_REQUESTS as readonly string[]).includes(type);

/** What derivation needs from the host's state. */
export interface PublicationContext {
  spec(symbol: string): SymbolSpec | undefined;
  clientOrderIdOf(orderId: number): string | undefined;
  assetDecimals(asset: string): number | undefined;
  /** advance and return the symbol's market data sequence */
  nextMarketSequence(symbol: string): number;
  /** the DR epoch command `seq` ran in */
  epochOf(seq: number): number;
}

/** What is public market data, by the engine's event type and reason codes (replay counts these without decoding). */
export function isMarketDataCode(type: number, reason: number): boolean {
  return (
    type === EventType.TRADE ||
    type === EventType.BOOK_DELTA ||
    (type === EventType.STATUS && (reason === Reason.HALTED || reason === Reason.RESUMED))
  );
}

function isMarketData(e: EngineEvent): boolean {
  return isMarketDataCode(EVENT_TYPE_NAMES.indexOf(e.type), Reason[e.reason]);
}

/** `events`: the command's engine events (CommandResult carries only what the host decided). */
export function derivePublication(ctx: PublicationContext, cmd: HostCommand, result: CommandResult, events: EngineEvent[]): Publication {
  const market: MarketDataEvent[] = [];
  const orders: OrderEvent[] = [];
  const { seq, time } = cmd;
  const epoch = ctx.epochOf(seq);
  const request = isOrderRequest(cmd.type) ? { request: cmd.type } : {};
  const push = (e: Omit<OrderEvent, 'seq' | 'idx' | 'time'>): void => {
    orders.push({ seq, idx: orders.length, time, ...e });
  };
  for (const e of events) {
    const spec = ctx.spec(e.symbol);
    const px = (v: number): string => (spec ? fromUnits(v, spec.priceDecimals) : String(v));
    const qty = (v: number): string => (spec ? fromUnits(v, spec.qtyDecimals) : String(v));
    let tradeId = '';
    if (isMarketData(e) && spec) {
      const sequence = ctx.nextMarketSequence(e.symbol);
      const head = { symbol: e.symbol, sequence, seq, time };
      if (e.type === 'trade') {
        tradeId = tradeIdOf(e.symbol, epoch, sequence);
        market.push({ ...head, type: 'trade', data: { tradeId, price: px(e.price), quantity: qty(e.quantity), side: e.side } });
      } else if (e.type === 'book_delta') {
        market.push({ ...head, type: 'level2', data: { side: e.side, price: px(e.price), quantity: qty(e.quantity), orders: e.leaves } });
      } else {
        market.push({ ...head, type: 'status', data: { status: e.reason === 'HALTED' ? 'halted' : 'trading' } });
      }
    }
    const order = { orderId: e.orderId, clientOrderId: ctx.clientOrderIdOf(e.orderId), symbol: e.symbol, side: e.side };
    switch (e.type) {
      case 'accepted':
        push({ account: e.account, type: 'accepted', ...order, price: px(e.price), quantity: qty(e.quantity), leaves: qty(e.leaves) });
        break;
      case 'trade': {
        const fill = { price: px(e.price), quantity: qty(e.quantity), symbol: e.symbol };
        push({
          account: e.account,
          type: 'fill',
          ...order,
          ...fill,
          leaves: qty(e.leaves),
          fill: { tradeId, liquidity: 'taker', counterOrderId: e.makerOrderId },
        });
        push({
          account: e.makerAccount,
          type: 'fill',
          orderId: e.makerOrderId,
          clientOrderId: ctx.clientOrderIdOf(e.makerOrderId),
          side: e.side === 'buy' ? 'sell' : 'buy',
          ...fill,
          leaves: qty(e.makerLeaves),
          fill: { tradeId, liquidity: 'maker', counterOrderId: e.orderId },
        });
        break;
      }
      case 'canceled':
      case 'expired':
      case 'replaced':
        push({
          account: e.account,
          type: e.type,
          ...order,
          price: px(e.price),
          quantity: qty(e.quantity),
          leaves: qty(e.leaves),
          reason: e.reason,
        });
        break;
      case 'rejected':
        // UNKNOWN_ORDER: the id names no order of the requester's (none, or another account's):
        // the owner's clientOrderId must not reach the requester's history and user channel
        if (e.account > 0)
          push({
            account: e.account,
            type: 'rejected',
            ...order,
            clientOrderId: e.reason === 'UNKNOWN_ORDER' ? undefined : order.clientOrderId,
            symbol: e.symbol || undefined,
            reason: e.reason,
            ...request,
          });
        break;
      default:
        break;
    }
  }
  // refusals decided by the host's risk check never reach the engine
  if (result.order && result.order.reason === 'INSUFFICIENT_FUNDS') {
    const o = result.order;
    push({
      account: o.account,
      type: 'rejected',
      orderId: o.orderId,
      clientOrderId: o.clientOrderId,
      symbol: o.symbol,
      side: o.side,
      reason: o.reason,
      ...request,
    });
  } else if (cmd.type === 'replace' && result.rejectReason === 'INSUFFICIENT_FUNDS') {
    push({
      account: cmd.account,
      type: 'rejected',
      orderId: cmd.orderId,
      clientOrderId: ctx.clientOrderIdOf(cmd.orderId),
      reason: 'INSUFFICIENT_FUNDS',
      request: 'replace',
    });
  }
  if (result.transfer) {
    const t = result.transfer;
    const decimals = ctx.assetDecimals(t.asset);
    const amount = decimals !== undefined && /^\d+$/.test(t.amount) ? fromUnits(BigInt(t.amount), decimals) : t.amount;
    push({
      account: t.account,
      type: cmd.type === 'deposit' ? 'deposit' : 'withdrawal',
      reason: t.reason,
      transfer: { transferId: t.transferId, asset: t.asset, amount, ok: t.ok },
    });
  }
  return { seq, time, market, orders };
}
