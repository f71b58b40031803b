/**
 * The markets API's view in Redis: per symbol the current L2 book (top levels), the ticker (with
 * the price band the engine enforces) and the recent trades, each stamped with the market data
 * sequence it reflects so a WebSocket client can take the book and apply only deltas with a
 * higher sequence. The sink keeps a mirror of all of it, built from durable market data events
 * (never from the live engine, which may be ahead of the journal), seeded from the recovered host.
 *
 * Redis holds no data of record (nothing on disk here; ElastiCache may fail over to an empty or
 * lagging node), so the sink rewrites a symbol's keys whole from the mirror at start, after every
 * reconnect, and whenever its periodic check finds a key missing or not at the sequence it wrote.
 */
import type { ChainableCommander } from 'ioredis';
import type { Logger } from 'pino';
import { fromUnits, toUnits } from '../../proto/decimal';
import { acceptedBand } from '../../engine/price-band';
import type { SideName, SymbolSpec } from '../../engine/types';
import { redisKeys, type BookView, type Ticker } from '../../proto/market-data-views';
import { transaction, type RedisClient } from '../../proto/redis-connection';
import type { MarketState } from '../core/host-core';
import type { Publication } from '../core/types';
import { tradeIdOf, type MarketDataEvent, type TradeData, type TradeView } from '../../proto/messages';
import { RECENT_TRADES } from '../core/recent-trades';
import type { PublicationSink } from './publisher';

interface Mirror {
  spec: SymbolSpec;
  sequence: number;
  time: number;
  /** price (decimal string) → [quantity, orders]; bids and asks */
  bids: Map<string, [string, number]>;
  asks: Map<string, [string, number]>;
  last: string | null;
  lastQuantity: string | null;
  status: Ticker['status'];
  /** the trades list as JSON entries, oldest first, at most RECENT_TRADES */
  trades: string[];
}

/** What the sink last stored for a symbol: the check compares Redis with it. */
interface Written {
  sequence: number;
  trades: boolean;
}

type Logged = Pick<Logger, 'info' | 'warn'>;

/** How often the sink checks that Redis still holds its views: a flush or failover is repaired within about this. */
export const VIEW_CHECK_MS = 1_000;

export class RedisSink implements PublicationSink {
  readonly name = 'redis';
  private readonly mirrors = new Map<string, Mirror>();
  /** symbols whose views and new trades are not yet in Redis; cleared only after a write succeeded */
  private readonly dirty = new Set<string>();
  private readonly pendingTrades = new Map<string, string[]>();
  /** symbols whose keys are rewritten whole on the next write (start, reconnect, loss found) */
  private readonly lost = new Set<string>();
  private readonly written = new Map<string, Written>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private failing = false;
  private readonly onReady = (): void => {
    // a reconnect may reach a new, empty or older node (failover, restart without persistence)
    this.loseAll();
    this.check();
  };

  constructor(
    private readonly redis: RedisClient,
    seeds: MarketState[],
    private readonly log?: Logged,
    readonly depth = 100,
  ) {
    for (const s of seeds) this.mirrors.set(s.spec.symbol, mirrorOf(s));
  }

  /**
   * Write every symbol's views now (Redis then matches the recovered host), then keep them there:
   * check every `everyMs` and on each reconnect, rewriting what is gone or behind. A write that
   * fails is retried by the next check.
   */
  start(everyMs = VIEW_CHECK_MS): void {
    this.loseAll();
    this.check();
    this.timer = setInterval(() => this.check(), everyMs);
    this.timer.unref();
    this.redis.on('ready', this.onReady);
  }

  async publish(batch: Publication[]): Promise<void> {
    for (const p of batch) for (const e of p.market) this.apply(e);
    await this.serially(() => this.flushOnce());
  }

  close(): Promise<void> {
    // the connection belongs to the host (it also mirrors snapshots); it closes it
    this.closed = true;
    clearInterval(this.timer);
    this.redis.off('ready', this.onReady);
    return this.chain.catch(() => undefined);
  }

  private loseAll(): void {
    for (const symbol of this.mirrors.keys()) this.lost.add(symbol);
  }

  /** One Redis round at a time, so a check never reads between a write's parts and writes never interleave. */
  private chain: Promise<void> = Promise.resolve();
  private serially(fn: () => Promise<void>): Promise<void> {
    const next = this.chain.catch(() => undefined).then(fn);
    this.chain = next;
    return next;
  }

  private check(): void {
    if (this.closed) return;
    this.serially(async () => {
      await this.verifyOnce();
      await this.flushOnce();
    }).then(
      () => {
        if (this.failing) this.log?.info('Redis reachable again; market data views written');
        this.failing = false;
      },
      (e: unknown) => {
        if (!this.failing) this.log?.warn({ err: e }, 'Redis not reachable; market data views are written once it is');
        this.failing = true;
      },
    );
  }

  /**
   * Compare Redis with what was written: a missing key or an older sequence marks the symbol lost.
   * One transaction per symbol: a symbol's keys share a slot, different symbols may not.
   */
  private async verifyOnce(): Promise<void> {
    const symbols = [...this.written.keys()].filter((s) => !this.lost.has(s));
    await Promise.all(
      symbols.map(async (symbol) => {
        const [ticker, book, trades] = await transaction<[string | null, number, number]>(
          this.redis.multi().get(redisKeys.ticker(symbol)).exists(redisKeys.book(symbol)).exists(redisKeys.trades(symbol)),
        );
        const w = this.written.get(symbol) as Written;
        const found = ticker === null ? null : (JSON.parse(ticker) as Ticker);
        // a higher sequence is a newer host's writing (after a failover): never wind the views back
        if (found === null || found.sequence < w.sequence || book !== 1 || (trades === 1) !== w.trades) {
          this.log?.warn(
            { symbol, expected: w.sequence, found: found?.sequence ?? null, book: book === 1, trades: trades === 1 },
            'market data views lost in Redis; rewriting them',
          );
          this.lost.add(symbol);
        }
      }),
    );
  }

  /**
   * Write the dirty symbols' views and new trades, and the lost symbols' keys whole, one
   * transaction per symbol (a symbol's keys share a slot: see redisKeys). What a failed one took
   * out of `dirty`/`lost`/`pendingTrades` goes back (ahead of newer trades); the first failure is
   * thrown once all are done.
   */
  private async flushOnce(): Promise<void> {
    if (this.dirty.size === 0 && this.lost.size === 0) return;
    const symbols = [...new Set([...this.dirty, ...this.lost])];
    const rewrite = new Set(this.lost);
    const trades = new Map<string, string[]>();
    for (const symbol of symbols) {
      this.dirty.delete(symbol);
      this.lost.delete(symbol);
      const t = this.pendingTrades.get(symbol);
      if (t) trades.set(symbol, t);
      this.pendingTrades.delete(symbol);
    }
    const results = await Promise.allSettled(
      symbols.map(async (symbol) => {
        const mirror = this.mirrors.get(symbol) as Mirror;
        const m = this.redis.multi();
        this.writeViews(m, mirror);
        const key = redisKeys.trades(symbol);
        // the list is newest first, as LPUSH of oldest-to-newest leaves it
        if (rewrite.has(symbol)) {
          m.del(key);
          if (mirror.trades.length > 0) m.rpush(key, ...[...mirror.trades].reverse());
        } else {
          const t = trades.get(symbol);
          if (t && t.length > 0) m.lpush(key, ...t).ltrim(key, 0, RECENT_TRADES - 1);
        }
        const wrote: Written = { sequence: mirror.sequence, trades: mirror.trades.length > 0 };
        await transaction(m);
        this.written.set(symbol, wrote);
      }),
    );
    let failure: Error | undefined;
    results.forEach((r, i) => {
      if (r.status === 'fulfilled') return;
      failure ??= r.reason instanceof Error ? r.reason : new Error(String(r.reason));
      const symbol = symbols[i];
      this.dirty.add(symbol);
      if (rewrite.has(symbol)) this.lost.add(symbol);
      const t = trades.get(symbol);
      // a rewrite writes the mirror's whole list, which holds these too
      if (t && !rewrite.has(symbol)) this.pendingTrades.set(symbol, [...t, ...(this.pendingTrades.get(symbol) ?? [])]);
    });
    if (failure) throw failure;
  }

  private apply(e: MarketDataEvent): void {
    const mirror = this.mirrors.get(e.symbol);
    // re-sent messages after a retry or restart are older than the mirror: skip them
    if (!mirror || e.sequence <= mirror.sequence) return;
    mirror.sequence = e.sequence;
    mirror.time = e.time;
    this.dirty.add(e.symbol);
    if (e.type === 'level2') {
      const side = e.data.side === 'buy' ? mirror.bids : mirror.asks;
      if (e.data.quantity === '0' || e.data.orders === 0) side.delete(e.data.price);
      else side.set(e.data.price, [e.data.quantity, e.data.orders]);
    } else if (e.type === 'trade') {
      mirror.last = e.data.price;
      mirror.lastQuantity = e.data.quantity;
      const entry = tradeEntry(e.sequence, e.time, e.data);
      mirror.trades.push(entry);
      if (mirror.trades.length > RECENT_TRADES) mirror.trades.shift();
      const list = this.pendingTrades.get(e.symbol) ?? [];
      list.push(entry);
      // only the newest ones can end up in the list
      if (list.length > RECENT_TRADES * 2) list.splice(0, list.length - RECENT_TRADES);
      this.pendingTrades.set(e.symbol, list);
    } else mirror.status = e.data.status;
  }

  private writeViews(m: ChainableCommander, mirror: Mirror): void {
    const { spec, sequence, time } = mirror;
    const symbol = spec.symbol;
    const bids = sortLevels(mirror.bids, 'buy').slice(0, this.depth);
    const asks = sortLevels(mirror.asks, 'sell').slice(0, this.depth);
    const book: BookView = { symbol, sequence, time, bids, asks };
    const band = acceptedBand(spec, mirror.last === null ? 0 : toUnits(mirror.last, spec.priceDecimals));
    const ticker: Ticker = {
      symbol,
      sequence,
      time,
      last: mirror.last,
      lastQuantity: mirror.lastQuantity,
      bestBid: bids[0]?.[0] ?? null,
      bestAsk: asks[0]?.[0] ?? null,
      status: mirror.status,
      priceBand: band && { low: fromUnits(band.low, spec.priceDecimals), high: fromUnits(band.high, spec.priceDecimals) },
    };
    m.set(redisKeys.book(symbol), JSON.stringify(book)).set(redisKeys.ticker(symbol), JSON.stringify(ticker));
  }
}

/** A trades list entry, as the markets API serves it. */
function tradeEntry(sequence: number, time: number, data: TradeData): string {
  const view: TradeView = { sequence, time, tradeId: data.tradeId, price: data.price, quantity: data.quantity, side: data.side };
  return JSON.stringify(view);
}

/** The views as the recovered host holds them: exactly what the live sink would have built. */
function mirrorOf(s: MarketState): Mirror {
  const { spec } = s;
  const px = (u: number): string => fromUnits(u, spec.priceDecimals);
  const qty = (u: number): string => fromUnits(u, spec.qtyDecimals);
  const level = (l: { price: number; quantity: number; orders: number }): [string, [string, number]] => [
    px(l.price),
    [qty(l.quantity), l.orders],
  ];
  const newest = s.trades[0];
  return {
    spec,
    sequence: s.sequence,
    time: s.time,
    bids: new Map(s.l2.bids.map(level)),
    asks: new Map(s.l2.asks.map(level)),
    last: s.lastPrice > 0 ? px(s.lastPrice) : null,
    // a snapshot from before the host kept its trades knows the last price only
    lastQuantity: newest ? qty(newest.quantity) : null,
    status: s.halted ? 'halted' : 'trading',
    trades: s.trades
      .map((t) =>
        tradeEntry(t.sequence, t.time, {
          tradeId: tradeIdOf(spec.symbol, t.epoch, t.sequence),
          price: px(t.price),
          quantity: qty(t.quantity),
          side: t.side,
        }),
      )
      .reverse(),
  };
}

function sortLevels(levels: Map<string, [string, number]>, side: SideName): [string, string, number][] {
  const out = [...levels].map(([p, [q, n]]): [string, string, number] => [p, q, n]);
  out.sort((a, b) => (side === 'buy' ? Number(b[0]) - Number(a[0]) : Number(a[0]) - Number(b[0])));
  return out;
}
