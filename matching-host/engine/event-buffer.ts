import { EVENT_TYPE_NAMES, EventType, SIDE_NAMES, reasonName, type EngineEvent, type EventTypeName } from './types';

/**
 * Field offsets of an event record. HEADER packs type | side << 4 | reason << 5 | (book + 1) << 12.
 * A field a type does not use is not written (it holds whatever the slot held before); decoders
 * must go by type, as `get` does.
 */
export const EventField = {
  HEADER: 0,
  SEQUENCE: 1,
  ORDER_ID: 2,
  ACCOUNT: 3,
  PRICE: 4,
  QUANTITY: 5,
  LEAVES: 6,
  MAKER_ORDER_ID: 8,
  MAKER_ACCOUNT: 9,
  MAKER_LEAVES: 10,
} as const;
export const EVENT_STRIDE = 16;
const EVENT_SHIFT = 4;

const TRADE = EventType.TRADE;
const BOOK_DELTA = EventType.BOOK_DELTA;

/**
 * The events of the last command, as fixed-size records in one reusable Float64Array. The engine
 * fills it on every command without allocating; consumers read fields directly (hot path) or
 * decode objects with `toArray` (host, tests). It is overwritten by the next command.
 */
export class EventBuffer {
  length = 0;
  /** time of the command that produced these events */
  time = 0;
  data: Float64Array;

  constructor(capacity = 256) {
    this.data = new Float64Array(capacity * EVENT_STRIDE);
  }

  reset(time: number): void {
    this.length = 0;
    this.time = time;
  }

  /** Record offset of the next event, growing the buffer if needed. */
  private next(): number {
    const o = this.length << EVENT_SHIFT;
    if (o === this.data.length) {
      const d = new Float64Array(this.data.length * 2);
      d.set(this.data);
      this.data = d;
    }
    this.length++;
    return o;
  }

  /** accepted, rejected, canceled, expired, replaced, status */
  pushOrder(
    type: number,
    book: number,
    sequence: number,
    orderId: number,
    account: number,
    side: number,
    price: number,
    quantity: number,
    leaves: number,
    reason: number,
  ): void {
    const o = this.next();
    const d = this.data;
    // side is masked: a rejection may echo an invalid side code, which must not spill into reason
    d[o] = type | ((side & 1) << 4) | (reason << 5) | ((book + 1) << 12);
    d[o + 1] = sequence;
    d[o + 2] = orderId;
    d[o + 3] = account;
    d[o + 4] = price;
    d[o + 5] = quantity;
    d[o + 6] = leaves;
  }

  /** A trade: orderId/account/side are the taker's, leaves the taker's remainder. */
  pushTrade(
    book: number,
    sequence: number,
    takerId: number,
    takerAccount: number,
    takerSide: number,
    price: number,
    quantity: number,
    takerLeaves: number,
    makerId: number,
    makerAccount: number,
    makerLeaves: number,
  ): void {
    const o = this.next();
    const d = this.data;
    d[o] = TRADE | (takerSide << 4) | ((book + 1) << 12);
    d[o + 1] = sequence;
    d[o + 2] = takerId;
    d[o + 3] = takerAccount;
    d[o + 4] = price;
    d[o + 5] = quantity;
    d[o + 6] = takerLeaves;
    d[o + 8] = makerId;
    d[o + 9] = makerAccount;
    d[o + 10] = makerLeaves;
  }

  /** A price level's new state: total quantity and number of orders. */
  pushDelta(book: number, sequence: number, side: number, price: number, quantity: number, orders: number): void {
    const o = this.next();
    const d = this.data;
    d[o] = BOOK_DELTA | (side << 4) | ((book + 1) << 12);
    d[o + 1] = sequence;
    d[o + 4] = price;
    d[o + 5] = quantity;
    d[o + 6] = orders;
  }

  type(i: number): number {
    return this.data[i << EVENT_SHIFT] & 15;
  }
  side(i: number): number {
    return (this.data[i << EVENT_SHIFT] >> 4) & 1;
  }
  reason(i: number): number {
    return (this.data[i << EVENT_SHIFT] >> 5) & 127;
  }
  book(i: number): number {
    return (this.data[i << EVENT_SHIFT] >> 12) - 1;
  }
  /** A numeric field of event i; only meaningful for fields its type uses. */
  field(i: number, f: number): number {
    return this.data[(i << EVENT_SHIFT) + f];
  }

  /** Decode event i. `symbols[book]` names the symbol. */
  get(i: number, symbols: readonly string[]): EngineEvent {
    const d = this.data;
    const o = i << EVENT_SHIFT;
    const type = this.type(i);
    const b = this.book(i);
    const isTrade = type === TRADE;
    const isDelta = type === BOOK_DELTA;
    return {
      type: EVENT_TYPE_NAMES[type] as EventTypeName,
      symbol: b >= 0 ? symbols[b] : '',
      sequence: d[o + EventField.SEQUENCE],
      time: this.time,
      orderId: isDelta ? 0 : d[o + EventField.ORDER_ID],
      account: isDelta ? 0 : d[o + EventField.ACCOUNT],
      side: SIDE_NAMES[this.side(i)],
      price: d[o + EventField.PRICE],
      quantity: d[o + EventField.QUANTITY],
      leaves: d[o + EventField.LEAVES],
      makerOrderId: isTrade ? d[o + EventField.MAKER_ORDER_ID] : 0,
      makerAccount: isTrade ? d[o + EventField.MAKER_ACCOUNT] : 0,
      makerLeaves: isTrade ? d[o + EventField.MAKER_LEAVES] : 0,
      reason: reasonName(this.reason(i)),
    };
  }

  toArray(symbols: readonly string[]): EngineEvent[] {
    const out: EngineEvent[] = new Array<EngineEvent>(this.length);
    for (let i = 0; i < this.length; i++) out[i] = this.get(i, symbols);
    return out;
  }
}
