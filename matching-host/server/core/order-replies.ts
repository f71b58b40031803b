/**
 * The replies of placed orders that the idempotency window keeps, stored in typed columns by slot.
 * The window holds hundreds of thousands of them and replaces one per order; as objects (a reply,
 * its fills array, one object per fill) every one survives into the old generation and the
 * collector copies and marks it, which made replaying a long journal several times slower.
 * Here a reply costs a few column writes, and a retry (rare) gets a fresh object back.
 */
import { Reason, SIDE_NAMES, type ReasonName } from '../../engine/types';
import type { ByteReader, ByteWriter } from './byte-codec';
import type { Fill, OrderReply, OrderStatus } from './types';

const STATUSES: readonly OrderStatus[] = ['OPEN', 'PARTIALLY_FILLED', 'FILLED', 'CANCELED', 'EXPIRED', 'REJECTED'];
const REASONS: readonly OrderReply['reason'][] = [...(Object.keys(Reason) as ReasonName[]), 'INSUFFICIENT_FUNDS', 'UNKNOWN_ASSET'];
const STATUS_CODE = new Map(STATUSES.map((s, i) => [s, i]));
const REASON_CODE = new Map(REASONS.map((r, i) => [r, i]));
const NONE = REASON_CODE.get('NONE') as number;
/** fills stored in the columns; a reply with more keeps its fills as an array */
const INLINE_FILLS = 1;
/** numbers per slot: orderId, account, seq, price, quantity, filled, leaves, then 4 per inline fill */
const NUMS = 7 + 4 * INLINE_FILLS;

export class OrderReplies {
  private nums: Float64Array;
  /** per slot: status, reason, side, fill count (255: more than inline), liquidity bits */
  private codes: Uint8Array;
  private symbolOf: Uint16Array;
  private clientIds: string[] = [];
  private overflow = new Map<number, Fill[]>();
  private free: number[] = [];
  private used = 0;
  private retainers = 0;
  /** slots removed while retained, freed on release */
  private deferred: number[] = [];
  private readonly symbols: string[] = [];
  private readonly symbolIndex = new Map<string, number>();

  constructor(private capacity = 1024) {
    this.nums = new Float64Array(capacity * NUMS);
    this.codes = new Uint8Array(capacity * 5);
    this.symbolOf = new Uint16Array(capacity);
  }

  /** Store a reply; returns its slot. The reply object is not retained. */
  add(r: OrderReply): number {
    const slot = this.alloc();
    const n = this.nums;
    const o = slot * NUMS;
    n[o] = r.orderId;
    n[o + 1] = r.account;
    n[o + 2] = r.seq;
    n[o + 3] = r.price;
    n[o + 4] = r.quantity;
    n[o + 5] = r.filled;
    n[o + 6] = r.leaves;
    const c = slot * 5;
    this.codes[c] = STATUS_CODE.get(r.status) as number;
    // most replies carry no reason: skip the lookup for them
    this.codes[c + 1] = r.reason === 'NONE' ? NONE : (REASON_CODE.get(r.reason) as number);
    this.codes[c + 2] = r.side === 'buy' ? 0 : 1;
    const fills = r.fills;
    if (fills.length > INLINE_FILLS) {
      this.codes[c + 3] = 255;
      // the array is the reply's own and is not changed after execution, so it can be kept
      this.overflow.set(slot, fills);
    } else {
      this.codes[c + 3] = fills.length;
      let liquidity = 0;
      for (let i = 0; i < fills.length; i++) {
        const f = fills[i];
        const p = o + 7 + 4 * i;
        n[p] = f.price;
        n[p + 1] = f.quantity;
        n[p + 2] = f.counterOrderId;
        n[p + 3] = f.sequence;
        if (f.liquidity === 'maker') liquidity |= 1 << i;
      }
      this.codes[c + 4] = liquidity;
    }
    this.symbolOf[slot] = this.symbolCode(r.symbol);
    this.clientIds[slot] = r.clientOrderId;
    return slot;
  }

  /**
   * Snapshot form of a reply, straight from the columns: f64 orderId, account, seq, price,
   * quantity, filled, leaves | u8 status, reason, side | str symbol, clientOrderId | u32 fill count
   * | per fill f64 price, quantity, counterOrderId, sequence, u8 maker. Binary because a snapshot
   * carries the whole window (hundreds of thousands of replies): as JSON, parsing it took most of a
   * restart.
   */
  encode(w: ByteWriter, slot: number): void {
    const n = this.nums;
    const o = slot * NUMS;
    const c = slot * 5;
    for (let i = 0; i < 7; i++) w.f64(n[o + i]);
    w.u8(this.codes[c]);
    w.u8(this.codes[c + 1]);
    w.u8(this.codes[c + 2]);
    w.str(this.symbols[this.symbolOf[slot]]);
    w.str(this.clientIds[slot]);
    const count = this.codes[c + 3];
    if (count === 255) {
      const fills = this.overflow.get(slot) as Fill[];
      w.u32(fills.length);
      for (const f of fills) {
        w.f64(f.price);
        w.f64(f.quantity);
        w.f64(f.counterOrderId);
        w.f64(f.sequence);
        w.u8(f.liquidity === 'maker' ? 1 : 0);
      }
      return;
    }
    w.u32(count);
    for (let i = 0; i < count; i++) {
      const p = o + 7 + 4 * i;
      w.f64(n[p]);
      w.f64(n[p + 1]);
      w.f64(n[p + 2]);
      w.f64(n[p + 3]);
      w.u8((this.codes[c + 4] >> i) & 1);
    }
  }

  /**
   * Read one reply in `encode`'s layout straight into a new slot (restore: no reply object on the
   * way); returns the slot. Throws on a malformed entry.
   */
  addEncoded(rd: ByteReader): number {
    const slot = this.alloc();
    const n = this.nums;
    const o = slot * NUMS;
    for (let i = 0; i < 7; i++) n[o + i] = rd.f64();
    const c = slot * 5;
    this.codes[c] = code(rd.u8(), STATUSES.length);
    this.codes[c + 1] = code(rd.u8(), REASONS.length);
    this.codes[c + 2] = code(rd.u8(), 2);
    this.symbolOf[slot] = this.symbolCode(rd.interned());
    this.clientIds[slot] = rd.str();
    const count = rd.u32();
    if (count > INLINE_FILLS) {
      const fills: Fill[] = [];
      for (let i = 0; i < count; i++)
        fills.push({
          price: rd.f64(),
          quantity: rd.f64(),
          counterOrderId: rd.f64(),
          sequence: rd.f64(),
          liquidity: code(rd.u8(), 2) === 1 ? 'maker' : 'taker',
        });
      this.codes[c + 3] = 255;
      this.overflow.set(slot, fills);
    } else {
      let liquidity = 0;
      for (let i = 0; i < count; i++) {
        const p = o + 7 + 4 * i;
        n[p] = rd.f64();
        n[p + 1] = rd.f64();
        n[p + 2] = rd.f64();
        n[p + 3] = rd.f64();
        if (code(rd.u8(), 2) === 1) liquidity |= 1 << i;
      }
      this.codes[c + 3] = count;
      this.codes[c + 4] = liquidity;
    }
    return slot;
  }

  account(slot: number): number {
    return this.nums[slot * NUMS + 1];
  }

  clientOrderId(slot: number): string {
    return this.clientIds[slot];
  }

  private alloc(): number {
    const slot = this.free.length > 0 ? (this.free.pop() as number) : this.used++;
    if (slot >= this.capacity) this.grow();
    return slot;
  }

  private symbolCode(symbol: string): number {
    let s = this.symbolIndex.get(symbol);
    if (s === undefined) {
      s = this.symbols.length;
      this.symbols.push(symbol);
      this.symbolIndex.set(symbol, s);
    }
    return s;
  }

  orderId(slot: number): number {
    return this.nums[slot * NUMS];
  }

  /** A fresh reply object for a slot. */
  get(slot: number): OrderReply {
    const n = this.nums;
    const o = slot * NUMS;
    const c = slot * 5;
    const count = this.codes[c + 3];
    let fills: Fill[];
    if (count === 255) fills = (this.overflow.get(slot) as Fill[]).map((f) => ({ ...f }));
    else {
      fills = [];
      for (let i = 0; i < count; i++) {
        const p = o + 7 + 4 * i;
        fills.push({
          price: n[p],
          quantity: n[p + 1],
          counterOrderId: n[p + 2],
          sequence: n[p + 3],
          liquidity: (this.codes[c + 4] >> i) & 1 ? 'maker' : 'taker',
        });
      }
    }
    return {
      orderId: n[o],
      clientOrderId: this.clientIds[slot],
      account: n[o + 1],
      symbol: this.symbols[this.symbolOf[slot]],
      side: SIDE_NAMES[this.codes[c + 2]],
      status: STATUSES[this.codes[c]],
      price: n[o + 3],
      quantity: n[o + 4],
      filled: n[o + 5],
      leaves: n[o + 6],
      fills,
      reason: REASONS[this.codes[c + 1]],
      seq: n[o + 2],
    };
  }

  /** Free a slot for reuse (once no snapshot retains the replies). */
  remove(slot: number): void {
    if (this.retainers > 0) {
      this.deferred.push(slot);
      return;
    }
    if (this.codes[slot * 5 + 3] === 255) this.overflow.delete(slot);
    this.clientIds[slot] = '';
    this.free.push(slot);
  }

  /**
   * Keep every stored reply readable until the returned release is called: a snapshot reads the
   * replies of its capture while commands go on, so slots freed meanwhile are not reused before it
   * is done (a reply never changes once stored, so nothing needs copying).
   */
  retain(): () => void {
    this.retainers++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.retainers === 0) {
        for (const slot of this.deferred) this.remove(slot);
        this.deferred = [];
      }
    };
  }

  /** Make room for n replies at once (a restore knows how many it brings: no doubling on the way). */
  reserve(n: number): void {
    if (n > this.capacity) this.grow(n);
  }

  private grow(min = 0): void {
    const capacity = Math.max(this.capacity * 2, 1024, min);
    const nums = new Float64Array(capacity * NUMS);
    nums.set(this.nums);
    const codes = new Uint8Array(capacity * 5);
    codes.set(this.codes);
    const symbolOf = new Uint16Array(capacity);
    symbolOf.set(this.symbolOf);
    this.nums = nums;
    this.codes = codes;
    this.symbolOf = symbolOf;
    this.capacity = capacity;
  }
}

function code(value: number, count: number): number {
  if (value >= count) throw new RangeError(`bad reply code ${value}`);
  return value;
}
