import type Redis from 'ioredis';
import { redisKeys, type BookView, type Ticker } from '../../../matching-host/proto/market-data-views';
import { TradeView } from '../../../matching-host/proto/messages';
import type { MarketDataPort } from '../ports/market-data';

export class RedisMarketData implements MarketDataPort {
  constructor(private readonly redis: Redis) {}

  async book(symbol: string): Promise<BookView | null> {
    const v = await this.redis.get(redisKeys.book(symbol));
    return v ? (JSON.parse(v) as BookView) : null;
  }

  async ticker(symbol: string): Promise<Ticker | null> {
    const v = await this.redis.get(redisKeys.ticker(symbol));
    return v ? (JSON.parse(v) as Ticker) : null;
  }

  async tickers(symbols: readonly string[]): Promise<(Ticker | null)[]> {
    if (symbols.length === 0) return [];
    const vs = await this.redis.mget(...symbols.map((s) => redisKeys.ticker(s)));
    return vs.map((v) => (v ? (JSON.parse(v) as Ticker) : null));
  }

  /** Validated with the host's own declaration of an entry: one that does not parse is left out. */
  async trades(symbol: string, limit: number): Promise<TradeView[]> {
    const entries = await this.redis.lrange(redisKeys.trades(symbol), 0, limit - 1);
    return entries.flatMap((t) => {
      const parsed = TradeView.safeParse(JSON.parse(t));
      return parsed.success ? [parsed.data] : [];
    });
  }
}
