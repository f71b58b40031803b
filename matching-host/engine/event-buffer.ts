import { EVENT_TYPE_NAMES, SIDE_NAMES, reasonName, type EngineEvent, type EventTypeName } from './types';

/**
 * The events of the last command, as columns of reusable typed arrays. The engine fills it on
 * every command without allocating; consumers read the columns directly (hot path) or decode
 * them into objects with `toArray` (host, tests). It is overwritten by the next command.
 */
export class EventBuffer {
  length = 0;
  /** time of the command that produced these events */
  time = 0;
  type!: Uint8Array;
  book!: Int32Array;
  sequence!: Float64Array;
  orderId!: Float64Array;
  account!: Float64Array;
  side!: Uint8Array;
  price!: Float64Array;
  quantity!: Float64Array;
  leaves!: Float64Array;
  makerOrderId!: Float64Array;
  makerAccount!: Float64Array;
  makerLeaves!: Float64Array;
  reason!: Uint8Array;
  private capacity = 0;

  constructor(capacity = 256) {
    this.resize(capacity);
  }

  reset(time: number): void {
    this.length = 0;
    this.time = time;
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
    if (this.length === this.capacity) this.resize(this.capacity * 2);
    const i = this.length++;
    this.type[i] = type;
    this.book[i] = book;
    this.sequence[i] = sequence;
    this.orderId[i] = orderId;
    this.account[i] = account;
    this.side[i] = side;
    this.price[i] = price;
    this.quantity[i] = quantity;
    this.leaves[i] = leaves;
    this.makerOrderId[i] = makerOrderId;
    this.makerAccount[i] = makerAccount;
    this.makerLeaves[i] = makerLeaves;
    this.reason[i] = reason;
  }

  /** Decode event i. `symbols[book]` names the symbol. */
  get(i: number, symbols: readonly string[]): EngineEvent {
    const b = this.book[i];
    return {
      type: EVENT_TYPE_NAMES[this.type[i]] as EventTypeName,
      symbol: b >= 0 ? symbols[b] : '',
      sequence: this.sequence[i],
      time: this.time,
      orderId: this.orderId[i],
      account: this.account[i],
      side: SIDE_NAMES[this.side[i]],
      price: this.price[i],
      quantity: this.quantity[i],
      leaves: this.leaves[i],
      makerOrderId: this.makerOrderId[i],
      makerAccount: this.makerAccount[i],
      makerLeaves: this.makerLeaves[i],
      reason: reasonName(this.reason[i]),
    };
  }

  toArray(symbols: readonly string[]): EngineEvent[] {
    const out: EngineEvent[] = new Array<EngineEvent>(this.length);
    for (let i = 0; i < this.length; i++) out[i] = this.get(i, symbols);
    return out;
  }

  private resize(cap: number): void {
    const n = this.length;
    const copy = <T extends Float64Array | Int32Array | Uint8Array>(a: T | undefined, b: T): T => {
      if (a) b.set(a.subarray(0, n));
      return b;
    };
    this.type = copy(this.type, new Uint8Array(cap));
    this.book = copy(this.book, new Int32Array(cap));
    this.sequence = copy(this.sequence, new Float64Array(cap));
    this.orderId = copy(this.orderId, new Float64Array(cap));
    this.account = copy(this.account, new Float64Array(cap));
    this.side = copy(this.side, new Uint8Array(cap));
    this.price = copy(this.price, new Float64Array(cap));
    this.quantity = copy(this.quantity, new Float64Array(cap));
    this.leaves = copy(this.leaves, new Float64Array(cap));
    this.makerOrderId = copy(this.makerOrderId, new Float64Array(cap));
    this.makerAccount = copy(this.makerAccount, new Float64Array(cap));
    this.makerLeaves = copy(this.makerLeaves, new Float64Array(cap));
    this.reason = copy(this.reason, new Uint8Array(cap));
    this.capacity = cap;
  }
}
