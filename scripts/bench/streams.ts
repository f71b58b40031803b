/**
 * Seeded command streams for the engine benchmark. A reference run of our engine during
 * generation tells which orders are still live, so every cancel targets a genuinely resting order.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { EventField } from '../../matching-host/engine/event-buffer';
import { MatchingCore } from '../../matching-host/engine/matching-core';
import { EventType, OrderType, Side, Stp, TimeInForce, type SymbolSpec } from '../../matching-host/engine/types';

export const STREAM_KINDS = ['uniform', 'deep'] as const;
export type StreamKind = (typeof STREAM_KINDS)[number];

export const Op = { LIMIT: 0, CANCEL: 1, MARKET: 2 } as const;

export interface Stream {
  n: number;
  /** most orders resting at once during the stream: what an operator would provision for */
  peakLive: number;
  op: Uint8Array;
  side: Uint8Array;
  price: Float64Array;
  qty: Float64Array;
  /** new order id, or the id to cancel */
  id: Float64Array;
  account: Int32Array;
}

export const MID = 5_000_000; // 50 000.00 at 2 decimals
export const ACCOUNTS = 1000;

export const BENCH_SYMBOL: SymbolSpec = {
  symbol: 'BTC-USD',
  base: 'BTC',
  quote: 'USD',
  priceDecimals: 2,
  qtyDecimals: 4,
  tickSize: 1,
  lotSize: 1,
  minPrice: 1,
  maxPrice: 10_000_000,
  minQty: 1,
  maxQty: 1_000_000_000,
  bandBps: 1000,
};

/** mulberry32: small, fast, good enough for workload generation */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function generateStream(kind: StreamKind, n: number, seed: number): Stream {
  const random = rng(seed ^ (kind === 'uniform' ? 0x5eed : 0xdee9));
  const int = (lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1));
  const s: Stream = {
    n,
    peakLive: 0,
    op: new Uint8Array(n),
    side: new Uint8Array(n),
    price: new Float64Array(n),
    qty: new Float64Array(n),
    id: new Float64Array(n),
    account: new Int32Array(n),
  };
  const core = new MatchingCore({ symbols: [BENCH_SYMBOL], orderCapacity: kind === 'deep' ? n : 1 << 16 });
  // live set with O(1) random pick and removal
  const live = new Float64Array(n);
  const pos = new Int32Array(n + 2).fill(-1);
  const liveAccount = new Int32Array(n + 2);
  let liveCount = 0;
  const drop = (id: number): void => {
    const p = pos[id];
    if (p < 0) return;
    const last = live[--liveCount];
    live[p] = last;
    pos[last] = p;
    pos[id] = -1;
  };
  let nextId = 1;
  for (let i = 0; i < n; i++) {
    const r = random();
    const seq = i + 1;
    let op: number;
    if (kind === 'uniform') op = r < 0.7 ? Op.LIMIT : r < 0.9 ? Op.CANCEL : Op.MARKET;
    else op = r < 0.88 ? Op.LIMIT : r < 0.98 ? Op.CANCEL : Op.MARKET;
    if (op === Op.CANCEL && liveCount === 0) op = Op.LIMIT;
    s.op[i] = op;
    if (op === Op.CANCEL) {
      const id = live[int(0, liveCount - 1)];
      s.id[i] = id;
      s.account[i] = liveAccount[id];
      core.cancel(seq, seq, id, liveAccount[id]);
    } else {
      const side = random() < 0.5 ? Side.BUY : Side.SELL;
      const account = int(1, ACCOUNTS);
      const id = nextId++;
      s.side[i] = side;
      s.id[i] = id;
      s.account[i] = account;
      if (op === Op.LIMIT) {
        let price: number;
        if (kind === 'uniform') price = MID + int(-50, 50);
        else price = side === Side.BUY ? MID - int(1, 5000) : MID + int(1, 5000);
        s.price[i] = price;
        s.qty[i] = int(1, 10);
        core.place(seq, seq, 0, id, account, side, OrderType.LIMIT, TimeInForce.GTC, price, s.qty[i], 0, Stp.CANCEL_NEWEST, 0);
      } else {
        s.qty[i] = int(1, kind === 'uniform' ? 10 : 20);
        core.place(seq, seq, 0, id, account, side, OrderType.MARKET, TimeInForce.IOC, 0, s.qty[i], 0, Stp.CANCEL_NEWEST, 0);
      }
      if (op === Op.LIMIT && core.orderIndex.get(id) >= 0) {
        live[liveCount] = id;
        pos[id] = liveCount++;
        liveAccount[id] = account;
        if (liveCount > s.peakLive) s.peakLive = liveCount;
      }
    }
    const ev = core.events;
    for (let e = 0; e < ev.length; e++) {
      const t = ev.type(e);
      if (t === EventType.TRADE && ev.field(e, EventField.MAKER_LEAVES) === 0) drop(ev.field(e, EventField.MAKER_ORDER_ID));
      else if (t === EventType.CANCELED || t === EventType.EXPIRED) drop(ev.field(e, EventField.ORDER_ID));
    }
  }
  return s;
}

/** The first k commands of a stream (views, no copy). */
export function prefix(s: Stream, k: number): Stream {
  const n = Math.min(k, s.n);
  return {
    n,
    peakLive: Math.min(s.peakLive, n),
    op: s.op.subarray(0, n),
    side: s.side.subarray(0, n),
    price: s.price.subarray(0, n),
    qty: s.qty.subarray(0, n),
    id: s.id.subarray(0, n),
    account: s.account.subarray(0, n),
  };
}

export function writeStream(s: Stream): Buffer {
  const parts = [s.op, s.side, s.price, s.qty, s.id, s.account].map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength));
  const header = Buffer.alloc(8);
  header.writeUInt32LE(s.n, 0);
  header.writeUInt32LE(s.peakLive, 4);
  return Buffer.concat([header, ...parts]);
}

/**
 * Read a stream written by writeStream. Columns are read straight into their typed arrays, so
 * no file-sized buffer is left behind for the collector to reclaim during a measured run.
 */
export function readStream(source: Buffer | string): Stream {
  const buf = typeof source === 'string' ? null : source;
  const fd = typeof source === 'string' ? openSync(source, 'r') : -1;
  let off = 0;
  const read = (target: Uint8Array): void => {
    if (buf) target.set(buf.subarray(off, off + target.length));
    else if (readSync(fd, target, 0, target.length, off) !== target.length) throw new Error('stream file truncated');
    off += target.length;
  };
  try {
    const header = new Uint8Array(8);
    read(header);
    const view = new DataView(header.buffer);
    const n = view.getUint32(0, true);
    const column = <T extends Uint8Array | Float64Array | Int32Array>(arr: T): T => {
      read(new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength));
      return arr;
    };
    return {
      n,
      peakLive: view.getUint32(4, true),
      op: column(new Uint8Array(n)),
      side: column(new Uint8Array(n)),
      price: column(new Float64Array(n)),
      qty: column(new Float64Array(n)),
      id: column(new Float64Array(n)),
      account: column(new Int32Array(n)),
    };
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}
