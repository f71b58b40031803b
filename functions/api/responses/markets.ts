/**
 * What the public market data routes answer. Every field is always sent (null where nothing is
 * known): a ticker from a host that published no band yet says priceBand null, not nothing.
 */
import { z } from 'zod';
import type { BookView, Ticker as TickerView } from '../../../matching-host/proto/market-data-views';
import type { MarketView } from '../../markets/market-service';
import { TRADE_ID_DESCRIPTION, type TradeView } from '../../../matching-host/proto/messages';
import { answers } from './answers';
import { decimal } from './common';

/** the lowest and highest limit price the host accepts now (edges included); null: no band applies, or nothing published yet */
const PriceBand = z.object({ low: decimal, high: decimal }).strict().nullable();

export const Market = answers<MarketView>()(
  z
    .object({
      symbol: z.string(),
      base: z.string(),
      quote: z.string(),
      tickSize: decimal,
      lotSize: decimal,
      minPrice: decimal,
      maxPrice: decimal,
      minQuantity: decimal,
      maxQuantity: decimal,
      priceBandPercent: z.number().min(0),
      /** the band's reference until the first trade (null: none) */
      referencePrice: decimal.nullable(),
      priceBand: PriceBand,
    })
    .strict(),
);

export const Markets = z.object({ markets: z.array(Market) }).strict();

/** [price, quantity, orders] */
const Level = z.tuple([decimal, decimal, z.number().int().min(1)]);

export const Book = answers<BookView>()(
  z
    .object({
      symbol: z.string(),
      sequence: z.number().int().min(0),
      time: z.number().int().min(0),
      bids: z.array(Level),
      asks: z.array(Level),
    })
    .strict(),
);

export const Ticker = answers<TickerView>()(
  z
    .object({
      symbol: z.string(),
      sequence: z.number().int().min(0),
      time: z.number().int().min(0),
      last: decimal.nullable(),
      lastQuantity: decimal.nullable(),
      bestBid: decimal.nullable(),
      bestAsk: decimal.nullable(),
      status: z.enum(['trading', 'halted']),
      priceBand: PriceBand,
    })
    .strict(),
);

const Trade = answers<TradeView>()(
  z
    .object({
      sequence: z.number().int().min(1),
      time: z.number().int().min(0),
      tradeId: z.string().min(1).meta({ description: TRADE_ID_DESCRIPTION }),
      price: decimal,
      quantity: decimal,
      /** the taker's side */
      side: z.enum(['buy', 'sell']),
    })
    .strict(),
);

export const Trades = z.object({ symbol: z.string(), trades: z.array(Trade) }).strict();
