import { getOrder, l1, l2, l3, openOrders } from './book-queries';
import { bookChecksum, engineChecksum } from './checksum';
import { MatchingCore, type EngineOptions } from './matching-core';
import type { EventBuffer } from './event-buffer';
import { restore, snapshot } from './snapshot';
import {
  OrderType,
  Side,
  Stp,
  TimeInForce,
  type Command,
  type EngineEvent,
  type L1,
  type L2,
  type L3,
  type RestingOrder,
  type SymbolSpec,
} from './types';

const SIDE_CODES = { buy: Side.BUY, sell: Side.SELL } as const;
const TYPE_CODES = { limit: OrderType.LIMIT, market: OrderType.MARKET } as const;
const TIF_CODES = { GTC: TimeInForce.GTC, IOC: TimeInForce.IOC, FOK: TimeInForce.FOK, GTD: TimeInForce.GTD } as const;
const STP_CODES = { cancel_newest: Stp.CANCEL_NEWEST, cancel_oldest: Stp.CANCEL_OLDEST, cancel_both: Stp.CANCEL_BOTH } as const;

/** Unknown names map to an out-of-range code so the core rejects them. */
function code<T extends Record<string, number>>(table: T, name: string | undefined, fallback: number): number {
  if (name === undefined) return fallback;
  return Object.prototype.hasOwnProperty.call(table, name) ? table[name as keyof T] : 255;
}

/**
 * The engine's public face: object commands in, decoded events out, plus book queries,
 * checksums and snapshots. The host journals `Command`s and replays them through `apply`.
 * Hot loops (benchmarks) can drive `core` directly with numeric arguments.
 */
export class MatchingEngine {
  readonly core: MatchingCore;

  constructor(options: EngineOptions | MatchingCore) {
    this.core = options instanceof MatchingCore ? options : new MatchingCore(options);
  }

  static restore(bytes: Uint8Array, options: { orderCapacity?: number } = {}): MatchingEngine {
    return new MatchingEngine(restore(bytes, options));
  }

  get symbols(): readonly SymbolSpec[] {
    return this.core.books.map((b) => b.spec);
  }

  get lastSequence(): number {
    return this.core.lastSeq;
  }

  /** Execute one command and return its events. */
  apply(cmd: Command): EngineEvent[] {
    return this.run(cmd).toArray(this.core.symbols);
  }

  /**
   * Execute one command and return the engine's event buffer, valid until the next command: for
   * callers that read fields directly instead of decoding objects (the host's replay path).
   */
  run(cmd: Command): EventBuffer {
    const c = this.core;
    switch (cmd.type) {
      case 'place': {
        const book = c.symbolIndex.get(cmd.symbol) ?? -1;
        const type = code(TYPE_CODES, cmd.orderType, 255);
        const tif = code(TIF_CODES, cmd.timeInForce, type === OrderType.MARKET ? TimeInForce.IOC : TimeInForce.GTC);
        c.place(
          cmd.seq,
          cmd.time,
          book,
          cmd.orderId,
          cmd.account,
          code(SIDE_CODES, cmd.side, 255),
          type,
          tif,
          cmd.price ?? 0,
          cmd.quantity,
          cmd.postOnly ? 1 : 0,
          code(STP_CODES, cmd.stp, Stp.CANCEL_NEWEST),
          cmd.expireTime ?? 0,
        );
        break;
      }
      case 'cancel':
        c.cancel(cmd.seq, cmd.time, cmd.orderId, cmd.account);
        break;
      case 'replace':
        c.replace(cmd.seq, cmd.time, cmd.orderId, cmd.account, cmd.price, cmd.quantity);
        break;
      case 'cancelAll':
        c.cancelAll(cmd.seq, cmd.time, cmd.account, cmd.symbol === undefined ? -1 : (c.symbolIndex.get(cmd.symbol) ?? -2));
        break;
      case 'cancelAllAfter':
        c.cancelAllAfter(cmd.seq, cmd.time, cmd.account, cmd.deadline);
        break;
      case 'tick':
        c.tick(cmd.seq, cmd.time);
        break;
      case 'halt':
      case 'resume':
        c.setHalted(cmd.seq, cmd.time, c.symbolIndex.get(cmd.symbol) ?? -1, cmd.type === 'halt');
        break;
      default: {
        const never: never = cmd;
        throw new Error(`unknown command ${JSON.stringify(never)}`);
      }
    }
    return c.events;
  }

  private book(symbol: string): number {
    const i = this.core.symbolIndex.get(symbol);
    if (i === undefined) throw new RangeError(`unknown symbol ${symbol}`);
    return i;
  }

  l1(symbol: string): L1 {
    return l1(this.core, this.book(symbol));
  }

  l2(symbol: string, depth = 50): L2 {
    return l2(this.core, this.book(symbol), depth);
  }

  l3(symbol: string): L3 {
    return l3(this.core, this.book(symbol));
  }

  getOrder(orderId: number): RestingOrder | null {
    return getOrder(this.core, orderId);
  }

  openOrders(account: number, symbol?: string): RestingOrder[] {
    return openOrders(this.core, account, symbol === undefined ? -1 : this.book(symbol));
  }

  /** Checksum of one book, or of the whole engine when no symbol is given. */
  checksum(symbol?: string): string {
    return symbol === undefined ? engineChecksum(this.core) : bookChecksum(this.core, this.book(symbol));
  }

  snapshot(): Uint8Array {
    return snapshot(this.core);
  }
}
