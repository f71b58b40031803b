/** Market data as the matching host publishes it to Redis (ElastiCache): read-only for the functions. */
import type { BookView, Ticker } from '../../../matching-host/proto/market-data-views';
import type { TradeView } from '../../../matching-host/proto/messages';

export interface MarketDataPort {
  book(symbol: string): Promise<BookView | null>;
  ticker(symbol: string): Promise<Ticker | null>;
  /** several symbols' tickers in one round trip, in the order asked (null: none published yet) */
  tickers(symbols: readonly string[]): Promise<(Ticker | null)[]>;
  /** newest first */
  trades(symbol: string, limit: number): Promise<TradeView[]>;
}
