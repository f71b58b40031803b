import type { RedisClient } from '../../../matching-host/proto/redis-connection';
import type { z } from 'zod';
import { redisKeys } from '../../../matching-host/proto/market-data-views';
import { BookView, Ticker, TradeView } from '../../../matching-host/proto/messages';
import { unavailable } from '../errors';
import { count, logger } from '../observability';
import type { MarketDataPort } from '../ports/market-data';

/**
 * A view as the host's declaration allows it, or a refusal: what Redis holds is passed to clients
 * and read by order entry, so a malformed or hostile record is never passed on (logged, 503).
 */
function view<T>(schema: z.ZodType<T>, key: string, raw: string | null): T | null {
  if (raw === null) return null;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    json = undefined;
  }
  const r = schema.safeParse(json);
  if (r.success) return r.data;
  count('MarketDataViewRefused');
  logger.error('a market data view does not parse: refused', { key });
  throw unavailable(5, 'market data is unavailable');
}

export class RedisMarketData implements MarketDataPort {
  constructor(private readonly redis: RedisClient) {}

  async book(symbol: string): Promise<BookView | null> {
    return view(BookView, redisKeys.book(symbol), await this.redis.get(redisKeys.book(symbol)));
  }

  async ticker(symbol: string): Promise<Ticker | null> {
    return view(Ticker, redisKeys.ticker(symbol), await this.redis.get(redisKeys.ticker(symbol)));
  }

  async tickers(symbols: readonly string[]): Promise<(Ticker | null)[]> {
    // one GET each, not an MGET: each symbol's views live in a slot of their own (redisKeys)
    const vs = await Promise.all(symbols.map((s) => this.redis.get(redisKeys.ticker(s))));
    return vs.map((v, i) => view(Ticker, redisKeys.ticker(symbols[i]), v));
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
