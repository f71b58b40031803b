/** /v1/markets (public): parse → MarketService → response. Rate limited per IP. */
import { httpHandler } from '../shared/http-handler';
import { perIp } from '../shared/limits';
import { BUDGETS } from '../shared/rate-limit';
import { BookQuery, MarketPath, TradesQuery } from './schemas';
import { marketService as markets } from './wiring';
const limits = perIp(BUDGETS.reads);

/** GET /v1/markets */
export const list = httpHandler({ limits }, async () => ({ body: { markets: await markets().markets() } }));

/** GET /v1/markets/{symbol}/book?depth= */
export const book = httpHandler({ path: MarketPath, query: BookQuery, limits }, async ({ params, query }) => ({
  body: await markets().book(params.symbol, query.depth),
}));

/** GET /v1/markets/{symbol}/ticker */
export const ticker = httpHandler({ path: MarketPath, limits }, async ({ params }) => ({ body: await markets().ticker(params.symbol) }));

/** GET /v1/markets/{symbol}/trades?limit= */
export const trades = httpHandler({ path: MarketPath, query: TradesQuery, limits }, async ({ params, query }) => ({
  body: await markets().trades(params.symbol, query.limit),
}));
