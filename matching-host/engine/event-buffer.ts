import { EVENT_TYPE_NAMES, SIDE_NAMES, reasonName, type EngineEvent, type EventTypeName } from './types';

/** Field offsets of an event record. */
export const EventField = {
  TYPE: 0,
  BOOK: 1,
  SEQUENCE: 2,
  ORDER_ID: 3,
  ACCOUNT: 4,
  SIDE: 5,
  PRICE: 6,
  QUANTITY: 7,
  LEAVES: 8,
  MAKER_ORDER_ID: 9,
  MAKER_ACCOUNT: 10,
  MAKER_LEAVES: 11,
  REASON: 12,
} as const;
export const EVENT_STRIDE = 16;

/**
 * The events of the last command, as fixed-size records in one reusable Float64Array. The engine
 * fills it on every command without allocating; consumers read fields with `field()` (hot path)
 * or decode objects with `toArray` (host, tests). It is overwritten by the next command.
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

  field(i: number, f: number): number {
    return this.data[i * EVENT_STRIDE + f];
  }

  push(
    type: number,
    book: number,
    sequence: number,
    orderId: number,
    account: number,
    side: number,
    price: number,
    quantity: number,
    leaves: number,
    makerOrderId: number,
    makerAccount: number,
    makerLeaves: number,
    reason: number,
  ): void {
    let d = this.data;
    const o = this.length * EVENT_STRIDE;
    if (o === d.length) d = this.grow();
    this.length++;
    d[o] = type;
    d[o + 1] = book;
    d[o + 2] = sequence;
    d[o + 3] = orderId;
    d[o + 4] = account;
    d[o + 5] = side;
    d[o + 6] = price;
    d[o + 7] = quantity;
    d[o + 8] = leaves;
    d[o + 9] = makerOrderId;
    d[o + 10] = makerAccount;
    d[o + 11] = makerLeaves;
    d[o + 12] = reason;
  }

  /** Decode event i. `symbols[book]` names the symbol. */
  get(i: number, symbols: readonly string[]): EngineEvent {
    const d = this.data;
    const o = i * EVENT_STRIDE;
    const b = d[o + EventField.BOOK];
    return {
      type: EVENT_TYPE_NAMES[d[o + EventField.TYPE]] as EventTypeName,
      symbol: b >= 0 ? symbols[b] : '',
      sequence: d[o + EventField.SEQUENCE],
      time: this.time,
      orderId: d[o + EventField.ORDER_ID],
      account: d[o + EventField.ACCOUNT],
      side: SIDE_NAMES[d[o + EventField.SIDE]],
      price: d[o + EventField.PRICE],
      quantity: d[o + EventField.QUANTITY],
      leaves: d[o + EventField.LEAVES],
      makerOrderId: d[o + EventField.MAKER_ORDER_ID],
      makerAccount: d[o + EventField.MAKER_ACCOUNT],
      makerLeaves: d[o + EventField.MAKER_LEAVES],
      reason: reasonName(d[o + EventField.REASON]),
    };
  }

  toArray(symbols: readonly string[]): EngineEvent[] {
    const out: EngineEvent[] = new Array<EngineEvent>(this.length);
    for (let i = 0; i < this.length; i++) out[i] = this.get(i, symbols);
    return out;
  }

  private grow(): Float64Array {
    const d = new Float64Array(this.data.length * 2);
    d.set(this.data);
    this.data = d;
    return d;
  }
}
