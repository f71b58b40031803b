import type { Fill, OrderReply } from './types';
import { ByteReader, ByteWriter } from './byte-codec';
import { OrderReplies } from './order-replies';

const fill = (i: number, liquidity: Fill['liquidity']): Fill => ({
  price: 100 + i,
  quantity: 2 + i,
  counterOrderId: 900 + i,
  sequence: 50 + i,
  liquidity,
});

function reply(orderId: number, fills: Fill[], over: Partial<OrderReply> = {}): OrderReply {
  return {
    orderId,
    clientOrderId: `c-${orderId}`,
    account: 7,
    symbol: 'BTC-USD',
    side: 'sell',
    status: 'PARTIALLY_FILLED',
    price: 5_000_000,
    quantity: 30,
    filled: 3,
    leaves: 27,
    fills,
    reason: 'NONE',
    seq: 1000 + orderId,
    ...over,
  };
}

describe('OrderReplies', () => {
  it('gives back every field of a reply, with no, inline and overflowing fills', () => {
    const t = new OrderReplies(2);
    const replies = [
      reply(1, []),
      reply(2, [fill(0, 'taker')]),
      reply(3, [fill(0, 'maker'), fill(1, 'taker')]),
      reply(4, [fill(0, 'taker'), fill(1, 'maker'), fill(2, 'taker'), fill(3, 'maker')]),
      reply(5, [], { status: 'REJECTED', reason: 'INSUFFICIENT_FUNDS', side: 'buy', symbol: 'ETH-USD', price: 0, filled: 0, leaves: 0 }),
      reply(6, [], { status: 'EXPIRED', reason: 'GTD_EXPIRED', account: 2 ** 40, clientOrderId: 'ü-ñ' }),
    ];
    const slots = replies.map((r) => t.add(r));
    replies.forEach((r, i) => expect(t.get(slots[i])).toEqual(r));
    // the snapshot form reads back into a fresh store as the same replies
    const w = new ByteWriter();
    slots.forEach((slot) => t.encode(w, slot));
    const bytes = w.copy();
    const restored = new OrderReplies();
    const rd = new ByteReader(bytes, 0, bytes.length);
    const back: OrderReply[] = [];
    while (rd.off < bytes.length) back.push(restored.get(restored.addEncoded(rd)));
    expect(back).toEqual(replies);
    // a damaged entry is refused, not stored as something else
    bytes[7 * 8] = 99;
    expect(() => new OrderReplies().addEncoded(new ByteReader(bytes, 0, bytes.length))).toThrow(/bad reply code 99/);
    expect(t.orderId(slots[3])).toBe(4);
    // the object handed back is a copy: changing it changes nothing stored
    t.get(slots[3]).fills[0].price = 1;
    expect(t.get(slots[3])).toEqual(replies[3]);
  });

  it('reuses removed slots, but not while retained by a snapshot', () => {
    const t = new OrderReplies();
    const a = t.add(reply(1, [fill(0, 'taker'), fill(1, 'taker'), fill(2, 'taker')]));
    const b = t.add(reply(2, []));
    const release = t.retain();
    t.remove(a);
    const c = t.add(reply(3, [fill(5, 'maker')]));
    expect(c).not.toBe(a);
    // what the snapshot captured is still there, unchanged
    expect(t.get(a)).toEqual(reply(1, [fill(0, 'taker'), fill(1, 'taker'), fill(2, 'taker')]));
    expect(t.get(b)).toEqual(reply(2, []));
    release();
    release(); // a second call changes nothing
    const d = t.add(reply(4, []));
    expect(d).toBe(a);
    expect(t.get(d).orderId).toBe(4);
    expect(t.get(c)).toEqual(reply(3, [fill(5, 'maker')]));
  });
});
