/**
 * Public market data: the symbols and their rules (decimal strings, as orders are written) with the
 * price band in force, and the book, ticker and recent trades as the matching host last published
 * them to Redis, each with the symbol's market data sequence (a WebSocket client applies only
 * updates after it). The band comes from the host's ticker: the host computes it from what its
 * engine enforces, so it is what an order at that sequence would meet.
 */
import { fromUnits } from '../../matching-host/proto/decimal';
import type { SymbolSpec } from '../../matching-host/proto/market-config';
import type { BookView, Ticker } from '../../matching-host/proto/market-data-views';
import { AppError } from '../shared/errors';
import type { MarketDataPort } from '../shared/ports/market-data';
import type { TradeView } from '../../matching-host/proto/messages';

export interface MarketView {
  symbol: string;
  base: string;
  quote: string;
  tickSize: string;
  lotSize: string;
  minPrice: string;
  maxPrice: string;
  minQuantity: string;
  maxQuantity: string;
  /** limit prices must lie within this percentage of the last trade (of the reference price before the first trade) */
  priceBandPercent: number;
  /** the price the market was listed at: the band's reference until the first trade (null: none) */
  referencePrice: string | null;
  /** the lowest and highest accepted limit price now, as in the ticker (null: no band applies, or nothing published yet) */
  priceBand: Ticker['priceBand'];
}

const notFound = (symbol: string): AppError => new AppError(404, 'NOT_FOUND', `no market ${symbol}`);

export class MarketService {
  private readonly specs: Map<string, SymbolSpec>;

  constructor(
    private readonly data: MarketDataPort,
    symbols: readonly SymbolSpec[],
  ) {
    this.specs = new Map(symbols.map((s) => [s.symbol, s]));
  }

  async markets(): Promise<MarketView[]> {
    const specs = [...this.specs.values()];
    const tickers = await this.data.tickers(specs.map((s) => s.symbol));
    return specs.map((s, i) => ({
      symbol: s.symbol,
      base: s.base,
      quote: s.quote,
      tickSize: fromUnits(s.tickSize, s.priceDecimals),
      lotSize: fromUnits(s.lotSize, s.qtyDecimals),
      minPrice: fromUnits(s.minPrice, s.priceDecimals),
      maxPrice: fromUnits(s.maxPrice, s.priceDecimals),
      minQuantity: fromUnits(s.minQty, s.qtyDecimals),
      maxQuantity: fromUnits(s.maxQty, s.qtyDecimals),
      priceBandPercent: s.bandBps / 100,
      referencePrice: s.referencePrice ? fromUnits(s.referencePrice, s.priceDecimals) : null,
      priceBand: tickers[i]?.priceBand ?? null,
    }));
  }

  async book(symbol: string, depth: number): Promise<BookView> {
    this.known(symbol);
    const b = await this.data.book(symbol);
    // before the host's first publication: an empty book at sequence 0
    return b ? { ...b, bids: b.bids.slice(0, depth), asks: b.asks.slice(0, depth) } : { symbol, sequence: 0, time: 0, bids: [], asks: [] };
  }

  async ticker(symbol: string): Promise<Ticker> {
    this.known(symbol);
    const t = await this.data.ticker(symbol);
    // before the host's first publication nothing is known, the band included
    if (!t)
      return {
        symbol,
        sequence: 0,
        time: 0,
        last: null,
        lastQuantity: null,
        bestBid: null,
        bestAsk: null,
        status: 'trading',
        priceBand: null,
      };
    // a ticker written by a host from before the band was published has none
    return { ...t, priceBand: t.priceBand ?? null };
  }

  async trades(symbol: string, limit: number): Promise<{ symbol: string; trades: TradeView[] }> {
    this.known(symbol);
    return { symbol, trades: await this.data.trades(symbol, limit) };
  }

  private known(symbol: string): void {
    if (!this.specs.has(symbol)) throw notFound(symbol);
  }
}
