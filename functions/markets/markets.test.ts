/**
 * The markets routes against a real matching host publishing to Redis: each market shows its
 * reference price and the band in force, the ticker the same band, and the band is exactly what
 * the host enforces: a limit order at either edge is accepted, one tick beyond it is refused.
 */
import { invoke } from '../../test/support/api-event';
import { startFunctionsEnv, type FunctionsEnv } from '../../test/support/functions-env';
import { until } from '../../test/support/until';
import { matchingHost } from '../shared/matching-host';
import { list, ticker } from './markets-handlers';

let env: FunctionsEnv;
const SELLER = 901;
const BUYER = 902;

beforeAll(async () => {
  env = await startFunctionsEnv({ host: true, redisDb: 10 });
  const stamp = Date.now();
  await matchingHost('accounts').deposit(SELLER, 'BTC', '10', `md-s-${stamp}`);
  await matchingHost('accounts').deposit(BUYER, 'USD', '1000000', `md-b-${stamp}`);
}, 60_000);

afterAll(() => env.stop());

type Band = { low: string; high: string } | null;
interface Market {
  symbol: string;
  referencePrice: string | null;
  priceBand: Band;
}
let ip = 0;
// each read from its own address: polling must not run into the per-IP read budget
const markets = async (): Promise<Market[]> => (await invoke<{ markets: Market[] }>(list, { ip: `10.201.0.${++ip % 250}` })).body.markets;
const tickerOf = async (symbol: string): Promise<{ sequence: number; last: string | null; priceBand: Band }> =>
  (await invoke<{ sequence: number; last: string | null; priceBand: Band }>(ticker, { path: { symbol }, ip: `10.202.0.${++ip % 250}` }))
    .body;

let n = 0;
const limit = (account: number, side: 'buy' | 'sell', price: string): Promise<{ status: string; reason: string }> =>
  matchingHost('trading').placeOrder(account, {
    clientOrderId: `md-${Date.now()}-${++n}`,
    symbol: 'BTC-USD',
    side,
    type: 'limit',
    timeInForce: 'IOC',
    price,
    quantity: '0.0100',
  });
const cents = (price: string, d: number): string => (Math.round(Number(price) * 100) + d).toString().replace(/(\d\d)$/, '.$1');

/** At `high` a sell is taken, a cent above refused; at `low` a buy, a cent below refused (IOC: nothing rests, the band stays). */
async function expectEnforced(band: { low: string; high: string }): Promise<void> {
  expect(await limit(SELLER, 'sell', band.high)).toMatchObject({ reason: 'IOC_REMAINDER' });
  expect(await limit(SELLER, 'sell', cents(band.high, 1))).toMatchObject({ status: 'REJECTED', reason: 'PRICE_OUT_OF_BAND' });
  expect(await limit(BUYER, 'buy', band.low)).toMatchObject({ reason: 'IOC_REMAINDER' });
  expect(await limit(BUYER, 'buy', cents(band.low, -1))).toMatchObject({ status: 'REJECTED', reason: 'PRICE_OUT_OF_BAND' });
}

it('lists each market with its reference price and, before any trade, the band around it', async () => {
  const ms = await until('the host publishing its views', markets, (m) => m.every((x) => x.priceBand !== null), 20_000, 200);
  expect(ms).toEqual([
    expect.objectContaining({
      symbol: 'BTC-USD',
      referencePrice: '42000.00',
      priceBandPercent: 10,
      priceBand: { low: '37800.00', high: '46200.00' },
    }),
    expect.objectContaining({
      symbol: 'ETH-USD',
      referencePrice: '3000.00',
      priceBandPercent: 10,
      priceBand: { low: '2700.00', high: '3300.00' },
    }),
  ]);
  expect(await tickerOf('BTC-USD')).toMatchObject({ last: null, priceBand: { low: '37800.00', high: '46200.00' } });
  await expectEnforced({ low: '37800.00', high: '46200.00' });
});

it('moves the band to the last trade, in the ticker and the market list alike', async () => {
  await matchingHost('trading').placeOrder(SELLER, {
    clientOrderId: `md-ask-${Date.now()}`,
    symbol: 'BTC-USD',
    side: 'sell',
    type: 'limit',
    price: '43210.55',
    quantity: '0.0100',
  });
  const taken = await matchingHost('trading').placeOrder(BUYER, {
    clientOrderId: `md-bid-${Date.now()}`,
    symbol: 'BTC-USD',
    side: 'buy',
    type: 'limit',
    price: '43210.55',
    quantity: '0.0100',
  });
  expect(taken).toMatchObject({ status: 'FILLED' });
  // 10 % of 43 210.55 is 4 321.055: the half-width is rounded down to the cent
  const band = { low: '38889.50', high: '47531.60' };
  const t = await until(
    'the ticker at the trade',
    () => tickerOf('BTC-USD'),
    (x) => x.last === '43210.55',
  );
  expect(t.priceBand).toEqual(band);
  expect((await markets()).find((m) => m.symbol === 'BTC-USD')).toMatchObject({ referencePrice: '42000.00', priceBand: band });
  await expectEnforced(band);
  expect((await tickerOf('BTC-USD')).last).toBe('43210.55');
});

it('answers an unknown symbol with 404 and the error shape', async () => {
  expect(await invoke(ticker, { path: { symbol: 'NOPE-USD' } })).toMatchObject({
    status: 404,
    body: { code: 'NOT_FOUND', message: expect.any(String) as string, requestId: expect.any(String) as string },
  });
});
