/**
 * The markets API's view in Redis: per symbol the current L2 book (top levels), the ticker and the
 * recent trades, each stamped with the market data sequence it reflects so a WebSocket client can
 * take the book and apply only deltas with a higher sequence. The sink keeps a full-depth mirror
 * of the book built from durable level2 events (never from the live engine, which may be ahead of
 * the journal), seeded from the recovered engine.
 */
import type { Redis } from 'ioredis';
import { redisKeys, type BookView, type Ticker } from '../../proto/market-data-views';
import type { L2, SideName } from '../../engine/types';
import type { MarketDataEvent, Publication } from '../publication';
import type { PublicationSink } from './publisher';

interface Mirror {
  sequence: number;
  time: number;
  /** price (decimal string) → [quantity, orders]; bids and asks */
  bids: Map<string, [string, number]>;
  asks: Map<string, [string, number]>;
  ticker: Ticker;
}


const TRADES_KEPT = 100;

export interface SeedBook {
  l2: L2;
  /** market data sequence the book reflects */
  sequence: number;
  format: (side: 'price' | 'qty', units: number) => string;
}

export class RedisSink implements PublicationSink {
  readonly name = 'redis';
  private readonly mirrors = new Map<string, Mirror>();
  /** symbols whose views and trades are not yet in Redis; cleared only after a write succeeded */
  private readonly dirty = new Set<string>();
  private readonly pendingTrades = new Map<string, string[]>();

  constructor(
    private readonly redis: Redis,
    seeds: SeedBook[],
    readonly depth = 100,
  ) {
    for (const s of seeds) {
      const level = (l: { price: number; quantity: number; orders: number }): [string, [string, number]] => [s.format('price', l.price), [s.format('qty', l.quantity), l.orders]];
      this.mirrors.set(s.l2.symbol, {
        sequence: s.sequence,
        time: 0,
        bids: new Map(s.l2.bids.map(level)),
        asks: new Map(s.l2.asks.map(level)),
        ticker: { symbol: s.l2.symbol, sequence: s.sequence, time: 0, last: null, lastQuantity: null, bestBid: null, bestAsk: null, status: 'trading' },
      });
    }
  }

  /**
   * Write every symbol's current view (at start, so Redis matches the recovered host). Until it
   * succeeds the symbols stay dirty, so the next publish writes them (and `seedUntilDone` retries).
   */
  async seed(): Promise<void> {
    for (const symbol of this.mirrors.keys()) this.dirty.add(symbol);
    await this.flush();
  }

  /** Keep trying to seed in the background (a quiet market may not publish for a long time). */
  seedUntilDone(log: (e: unknown) => void, everyMs = 2_000): void {
    for (const symbol of this.mirrors.keys()) this.dirty.add(symbol);
    const attempt = (): void => {
      if (this.closed || this.dirty.size === 0) return;
      this.flush().catch((e: unknown) => {
        log(e);
        setTimeout(attempt, everyMs).unref();
      });
    };
    attempt();
  }

  private closed = false;

  async publish(batch: Publication[]): Promise<void> {
    for (const p of batch) for (const e of p.market) this.apply(e);
    await this.flush();
  }

  private flushing: Promise<void> = Promise.resolve();

  /**
   * Write the dirty symbols' views and pending trades in one transaction. One flush at a time:
   * what a flush takes out of `dirty`/`pendingTrades` goes back (ahead of newer trades) if it fails.
   */
  private flush(): Promise<void> {
    const next = this.flushing.catch(() => undefined).then(() => this.flushOnce());
    this.flushing = next;
    return next;
  }

  private async flushOnce(): Promise<void> {
    if (this.dirty.size === 0) return;
    const symbols = [...this.dirty];
    const trades = new Map<string, string[]>();
    for (const symbol of symbols) {
      this.dirty.delete(symbol);
      const t = this.pendingTrades.get(symbol);
      if (t) trades.set(symbol, t);
      this.pendingTrades.delete(symbol);
    }
    const m = this.redis.multi();
    for (const symbol of symbols) {
      this.writeViews(m, symbol);
      const t = trades.get(symbol);
      // newest first in the list, as LPUSH of oldest-to-newest leaves it
      if (t && t.length > 0) m.lpush(redisKeys.trades(symbol), ...t).ltrim(redisKeys.trades(symbol), 0, TRADES_KEPT - 1);
    }
    try {
      const res = await m.exec();
      const failed = res?.find(([err]) => err);
      if (!res || failed) throw failed?.[0] ?? new Error('redis transaction discarded');
    } catch (e) {
      for (const symbol of symbols) {
        this.dirty.add(symbol);
        const t = trades.get(symbol);
        if (t) this.pendingTrades.set(symbol, [...t, ...(this.pendingTrades.get(symbol) ?? [])]);
      }
      throw e;
    }
  }

  private apply(e: MarketDataEvent): void {
    const mirror = this.mirrors.get(e.symbol);
    // re-sent messages after a retry or restart are older than the mirror: skip them
    if (!mirror || e.sequence <= mirror.sequence) return;
    mirror.sequence = e.sequence;
    mirror.time = e.time;
    this.dirty.add(e.symbol);
    const trades = this.pendingTrades;
    const t = mirror.ticker;
    if (e.type === 'level2') {
      const side = e.data.side === 'buy' ? mirror.bids : mirror.asks;
      if (e.data.quantity === '0' || e.data.orders === 0) side.delete(e.data.price);
      else side.set(e.data.price, [e.data.quantity, e.data.orders]);
    } else if (e.type === 'trade') {
      t.last = e.data.price;
      t.lastQuantity = e.data.quantity;
      const list = trades.get(e.symbol) ?? [];
      list.push(JSON.stringify({ sequence: e.sequence, time: e.time, ...e.data }));
      // only the newest ones can end up in the list
      if (list.length > TRADES_KEPT * 2) list.splice(0, list.length - TRADES_KEPT);
      trades.set(e.symbol, list);
    } else t.status = e.data.status;
  }

  private writeViews(m: ReturnType<Redis['multi']>, symbol: string): void {
    const mirror = this.mirrors.get(symbol) as Mirror;
    const bids = sortLevels(mirror.bids, 'buy').slice(0, this.depth);
    const asks = sortLevels(mirror.asks, 'sell').slice(0, this.depth);
    const book: BookView = { symbol, sequence: mirror.sequence, time: mirror.time, bids, asks };
    const t = mirror.ticker;
    t.sequence = mirror.sequence;
    t.time = mirror.time;
    t.bestBid = bids[0]?.[0] ?? null;
    t.bestAsk = asks[0]?.[0] ?? null;
    m.set(redisKeys.book(symbol), JSON.stringify(book)).set(redisKeys.ticker(symbol), JSON.stringify(t));
  }

  close(): Promise<void> {
    // the connection belongs to the host (it also mirrors snapshots); it closes it
    this.closed = true;
    return Promise.resolve();
  }
}

function sortLevels(levels: Map<string, [string, number]>, side: SideName): [string, string, number][] {
  const out = [...levels].map(([p, [q, n]]): [string, string, number] => [p, q, n]);
  out.sort((a, b) => (side === 'buy' ? Number(b[0]) - Number(a[0]) : Number(a[0]) - Number(b[0])));
  return out;
}
