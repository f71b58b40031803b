/**
 * The price band at the edge when the host's ticker is not in Redis (not published yet, or lost
 * for a moment), against a real matching host that publishes no market data views: the edge has
 * no band to refuse by, so the host's own band decides, around its last trade and not around the
 * listing's reference price.
 */
import { invoke } from '../../test/support/api-event';
import { startFunctionsEnv, type FunctionsEnv } from '../../test/support/functions-env';
import { fundedTrader } from '../../test/support/traders';
import { ticker } from '../markets/markets-handlers';
import type { Caller } from '../shared/caller';
import { cancelAll, place, replace } from './orders-handlers';

let env: FunctionsEnv;
let seller: Caller;
let buyer: Caller;

beforeAll(async () => {
  // no redisDb: the host publishes its views nowhere, so the functions never find a ticker
  env = await startFunctionsEnv({ host: true });
  seller = await fundedTrader('band-seller', 'BTC', '1');
  buyer = await fundedTrader('band-buyer', 'USD', '100000');
}, 60_000);

afterAll(() => env.stop());

let n = 0;
const order = (side: 'buy' | 'sell', price: string): Record<string, unknown> => ({
  clientOrderId: `band-${Date.now()}-${++n}`,
  symbol: 'BTC-USD',
  side,
  type: 'limit',
  quantity: '0.01',
  price,
});

it('lets the host decide by its own band when no ticker is published', async () => {
  expect(await invoke(ticker, { path: { symbol: 'BTC-USD' } })).toMatchObject({ status: 200, body: { sequence: 0, priceBand: null } });
  // a trade at 45 000.00 (within 10 % of the reference price, 42 000.00): the host's band is now 40 500.00 to 49 500.00
  expect(await invoke(place, { caller: seller, body: order('sell', '45000.00') })).toMatchObject({ status: 201, body: { status: 'OPEN' } });
  expect(await invoke(place, { caller: buyer, body: order('buy', '45000.00') })).toMatchObject({ status: 201, body: { status: 'FILLED' } });

  // beyond the reference price's band but within the host's: accepted, placed and replaced
  const resting = await invoke(place, { caller: seller, body: order('sell', '47000.00') });
  expect(resting).toMatchObject({ status: 201, body: { status: 'OPEN', price: '47000.00' } });
  const moved = await invoke(replace, {
    caller: seller,
    path: { orderId: resting.body.orderId as string },
    body: { price: '48000.00', quantity: '0.01' },
  });
  expect(moved).toMatchObject({ status: 200, body: { status: 'OPEN', price: '48000.00' } });
  // beyond the host's band: its refusal, as for anything else the host refuses
  expect(await invoke(place, { caller: buyer, body: order('buy', '49500.01') })).toMatchObject({
    status: 422,
    body: { code: 'PRICE_OUT_OF_BAND' },
  });
  expect(
    await invoke(replace, {
      caller: seller,
      path: { orderId: resting.body.orderId as string },
      body: { price: '40000.00', quantity: '0.01' },
    }),
  ).toMatchObject({
    status: 422,
    body: { code: 'PRICE_OUT_OF_BAND' },
  });
  await invoke(cancelAll, { caller: seller });
});
