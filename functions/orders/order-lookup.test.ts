/**
 * GET /v1/orders/{orderId} in every state, against real components: a matching host process that
 * publishes its order events to RabbitMQ, the order-event consumer's handler writing them to the
 * order history (dynalite), Redis, PostgreSQL. Closed orders come back from the history with their
 * fills; an order that left the book before its events reached the history is waited for, not
 * 404; another account's id and an unknown one get the same 404.
 */
import { CreateTableCommand, DeleteTableCommand, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import * as amqp from 'amqplib';
import type { Context } from 'aws-lambda';
import { assertTopology, defaultTopology } from '../../matching-host/proto/order-event-topology';
import { ensureTables, tableDefinitions } from '../../scripts/local/dynamo-tables';
import { invoke, type ApiResponse } from '../../test/support/api-event';
import { startFunctionsEnv, type FunctionsEnv } from '../../test/support/functions-env';
import { deposit } from '../accounts/accounts-handlers';
import { DynamoOrderHistory } from '../shared/adapters/dynamo-order-history';
import { dynamo } from '../shared/aws';
import type { Caller } from '../shared/caller';
import type { OrderEventRecord } from '../shared/ports/order-history';
import { userStore } from '../shared/users';
import { handler as orderEvents } from '../streams/order-events-handlers';
import { cancel, get, list, place, replace } from './orders-handlers';
import { Order } from './responses';

const exchange = `order-events-lookup-${process.pid}`;
let env: FunctionsEnv;
let seller: Caller;
let buyer: Caller;
let stranger: Caller;

/**
 * The order-event queue's consumer as AWS runs it (batches to the handler), with a switch that
 * holds batches back: it plays a history that trails the host.
 */
class HistoryFeed {
  /** what the handler threw (a test fails on any) */
  readonly errors: unknown[] = [];
  private held = false;
  private pending: amqp.ConsumeMessage[] = [];
  private running = Promise.resolve();
  private consumerTag = '';

  private constructor(
    private readonly conn: amqp.ChannelModel,
    private readonly ch: amqp.Channel,
  ) {}

  static async start(): Promise<HistoryFeed> {
    const conn = await amqp.connect('amqp://guest:guest@127.0.0.1:5672');
    const ch = await conn.createChannel();
    const topology = defaultTopology(exchange);
    await assertTopology(ch, topology);
    const feed = new HistoryFeed(conn, ch);
    feed.consumerTag = (await ch.consume(topology.queues[0], (m) => m && feed.arrived(m))).consumerTag;
    return feed;
  }

  hold(): void {
    this.held = true;
  }

  release(): void {
    this.held = false;
    this.flush();
  }

  private arrived(m: amqp.ConsumeMessage): void {
    this.pending.push(m);
    setTimeout(() => this.flush(), 20);
  }

  private flush(): void {
    if (this.held || this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    const context = { awsRequestId: 'mq', functionName: 'orderEvents', getRemainingTimeInMillis: () => 5000 } as unknown as Context;
    const event = {
      eventSource: 'aws:rmq',
      rmqMessagesByQueue: { [`${exchange}.history::/`]: batch.map((m) => ({ data: m.content.toString('base64') })) },
    };
    this.running = this.running
      .then(async () => {
        await orderEvents(event, context);
        for (const m of batch) this.ch.ack(m);
      })
      .catch((e: unknown) => void this.errors.push(e));
  }

  /**
   * No more deliveries, then what arrived is handed over and written before the caller closes
   * the history's store: a write still in flight then failed the whole file ("Database is closed").
   */
  async stop(): Promise<void> {
    await this.ch.cancel(this.consumerTag);
    this.held = false;
    this.flush();
    await this.running;
    const t = defaultTopology(exchange);
    for (const q of [...t.queues, t.deadLetterQueue]) await this.ch.deleteQueue(q);
    await this.ch.deleteExchange(t.exchange);
    await this.ch.deleteExchange(t.deadLetterExchange);
    await this.conn.close();
  }
}

let feed: HistoryFeed;

async function trader(name: string, asset: string, amount: string): Promise<Caller> {
  const u = await userStore().create(`${name}.${Date.now()}@example.com`, 'x');
  const who: Caller = { userId: u.id, roles: ['trader'], accountNo: u.accountNo };
  // through the account functions, so the ledger holds the funds that settlement moves
  expect(await invoke(deposit, { caller: who, body: { asset, amount, idempotencyKey: `fund-${u.id}` } })).toMatchObject({ status: 201 });
  return who;
}

beforeAll(async () => {
  process.env.SIMULATED_FUNDING = 'true';
  env = await startFunctionsEnv({ host: true, redisDb: 12, amqpExchange: exchange });
  feed = await HistoryFeed.start();
  seller = await trader('lookup-seller', 'BTC', '5');
  buyer = await trader('lookup-buyer', 'USD', '500000');
  stranger = await trader('lookup-stranger', 'USD', '1000');
}, 90_000);

afterAll(async () => {
  await feed.stop();
  await env.stop();
  delete process.env.SIMULATED_FUNDING;
});

let n = 0;
const cid = (): string => `lk-${Date.now()}-${++n}`;
const limit = (side: 'buy' | 'sell', quantity: string, price: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  clientOrderId: cid(),
  symbol: 'BTC-USD',
  side,
  type: 'limit',
  quantity,
  price,
  ...extra,
});
const placed = async (who: Caller, body: Record<string, unknown>): Promise<string> => {
  const r = await invoke(place, { caller: who, body });
  expect(r.status).toBe(201);
  return r.body.orderId as string;
};
const lookup = (who: Caller, orderId: string): Promise<ApiResponse> => invoke(get, { caller: who, path: { orderId } });

/** GET until the order is in `status` (the history catches up by itself; a GET never 404s meanwhile). */
async function until(who: Caller, orderId: string, status: string, ms = 8000): Promise<ApiResponse> {
  const deadline = Date.now() + ms;
  for (;;) {
    const r = await lookup(who, orderId);
    expect(r.status).not.toBe(404);
    if (r.body.status === status || Date.now() > deadline) return r;
    await new Promise((res) => setTimeout(res, 100));
  }
}

const HISTORY_TABLE = 'exchange-local-order-history';
const history = (): DynamoOrderHistory => new DynamoOrderHistory(dynamo(), HISTORY_TABLE, 365);

/** The order's events once the history holds one that `ok` accepts. */
async function historyOf(who: Caller, orderId: string, ok: (events: OrderEventRecord[]) => boolean): Promise<OrderEventRecord[]> {
  for (let i = 0; ; i++) {
    const events = await history().ofOrder(who.accountNo, Number(orderId));
    if (ok(events) || i === 80) return events;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const closedIds = async (who: Caller): Promise<Record<string, string>> => {
  const r = await invoke<{ orders: { orderId: string; status: string }[] }>(list, {
    caller: who,
    query: { status: 'closed', limit: '200' },
  });
  expect(r.status).toBe(200);
  return Object.fromEntries(r.body.orders.map((o) => [o.orderId, o.status]));
};

/** the answer is an order as the API documents it */
function order(r: ApiResponse): Order {
  expect(r.status).toBe(200);
  return Order.parse(r.body);
}

describe('GET /v1/orders/{orderId}', () => {
  it('answers a FILLED order with its fills, the taker’s and the maker’s', async () => {
    const makerId = await placed(seller, limit('sell', '0.3', '42000'));
    const takerId = await placed(buyer, limit('buy', '0.1', '42000'));
    const taker = order(await until(buyer, takerId, 'FILLED'));
    expect(taker).toMatchObject({
      orderId: takerId,
      status: 'FILLED',
      side: 'buy',
      price: '42000.00',
      quantity: '0.1000',
      filled: '0.1000',
      leaves: '0.0000',
    });
    expect(taker.fills).toEqual([
      {
        tradeId: expect.stringMatching(/^BTC-USD:e\d+:\d+$/) as string,
        price: '42000.00',
        quantity: '0.1000',
        liquidity: 'taker',
        time: expect.any(String) as string,
      },
    ]);
    expect(taker.closedAt).toBeDefined();

    // the maker rests, partly filled: open from the host, its fill from the history
    const open = order(await until(seller, makerId, 'PARTIALLY_FILLED'));
    expect(open).toMatchObject({ status: 'PARTIALLY_FILLED', filled: '0.1000', leaves: '0.2000', timeInForce: 'GTC' });
    expect(open.closedAt).toBeUndefined();
    // then filled by two more takers: it left the book, and its three fills are in the history
    await placed(buyer, limit('buy', '0.15', '42000'));
    await placed(buyer, limit('buy', '0.05', '42000'));
    const done = order(await until(seller, makerId, 'FILLED'));
    expect(done).toMatchObject({ status: 'FILLED', price: '42000.00', quantity: '0.3000', filled: '0.3000', leaves: '0.0000' });
    expect(done.fills?.map((f) => `${f.liquidity} ${f.quantity}`)).toEqual(['maker 0.1000', 'maker 0.1500', 'maker 0.0500']);
    expect(new Set(done.fills?.map((f) => f.tradeId)).size).toBe(3);
  });

  it('answers a CANCELED order, with what filled before the cancel', async () => {
    const id = await placed(seller, limit('sell', '0.2', '42500'));
    await placed(buyer, limit('buy', '0.05', '42500'));
    expect(await invoke(cancel, { caller: seller, path: { orderId: id } })).toMatchObject({ status: 200, body: { canceled: [id] } });
    const o = order(await until(seller, id, 'CANCELED'));
    expect(o).toMatchObject({ status: 'CANCELED', reason: 'USER_CANCELED', quantity: '0.2000', filled: '0.0500', leaves: '0.0000' });
    expect(o.fills).toHaveLength(1);
  });

  it('answers an EXPIRED GTD order', async () => {
    const id = await placed(
      seller,
      limit('sell', '0.1', '43000', { timeInForce: 'GTD', expireTime: new Date(Date.now() + 1500).toISOString() }),
    );
    expect(order(await lookup(seller, id))).toMatchObject({ status: 'OPEN', timeInForce: 'GTD' });
    await new Promise((r) => setTimeout(r, 1600));
    expect(order(await until(seller, id, 'EXPIRED'))).toMatchObject({
      status: 'EXPIRED',
      reason: 'GTD_EXPIRED',
      filled: '0.0000',
      fills: [],
    });
  });

  it('answers a REJECTED order (found through the closed-order list, as a client would)', async () => {
    // post-only that would take the resting ask: the host refuses it
    const ask = await placed(seller, limit('sell', '0.1', '43500'));
    const clientOrderId = cid();
    const r = await invoke(place, { caller: buyer, body: { ...limit('buy', '0.1', '43500', { postOnly: true }), clientOrderId } });
    expect(r).toMatchObject({ status: 422, body: { code: 'POST_ONLY_WOULD_TAKE' } });
    let id: string | undefined;
    for (let i = 0; i < 80 && !id; i++) {
      const closed = await invoke<{ orders: { orderId: string; clientOrderId: string; status: string }[] }>(list, {
        caller: buyer,
        query: { status: 'closed' },
      });
      const listed = closed.body.orders.find((o) => o.clientOrderId === clientOrderId);
      if (listed) expect(listed.status).toBe('REJECTED');
      id = listed?.orderId;
      if (!id) await new Promise((res) => setTimeout(res, 100));
    }
    const o = order(await lookup(buyer, id ?? '0'));
    expect(o).toMatchObject({
      orderId: id,
      clientOrderId,
      status: 'REJECTED',
      reason: 'POST_ONLY_WOULD_TAKE',
      side: 'buy',
      filled: '0.0000',
      fills: [],
    });
    expect(o.price).toBeUndefined();
    await invoke(cancel, { caller: seller, path: { orderId: ask } });
  });

  it('waits for the history instead of answering 404 for an order that just left the book', async () => {
    await placed(seller, limit('sell', '0.1', '42100'));
    feed.hold();
    try {
      // an IOC that fills at once: the host no longer has it, and its events are held back
      const id = await placed(buyer, limit('buy', '0.1', '42100', { timeInForce: 'IOC' }));
      const started = Date.now();
      const answer = lookup(buyer, id);
      await new Promise((r) => setTimeout(r, 600));
      feed.release();
      expect(order(await answer)).toMatchObject({ orderId: id, status: 'FILLED', fills: [{ liquidity: 'taker' }] });
      expect(Date.now() - started).toBeGreaterThanOrEqual(600);
    } finally {
      feed.release();
    }
  });

  it('answers 503 with Retry-After when the history stays behind past the wait, never 404', async () => {
    const id = await placed(seller, limit('sell', '0.1', '44000'));
    // its acceptance reaches the history, its cancel does not (yet)
    expect((await historyOf(seller, id, (events) => events.length > 0)).map((e) => e.type)).toEqual(['accepted']);
    feed.hold();
    try {
      await invoke(cancel, { caller: seller, path: { orderId: id } });
      const r = await lookup(seller, id);
      expect(r).toMatchObject({
        status: 503,
        body: { code: 'UNAVAILABLE', requestId: expect.any(String) as string },
        headers: { 'Retry-After': '1' },
      });
    } finally {
      feed.release();
    }
    expect(order(await until(seller, id, 'CANCELED')).status).toBe('CANCELED');
  });

  it('answers the same 404 for another account’s order, open or closed, and for an unknown id', async () => {
    const open = await placed(seller, limit('sell', '0.1', '45000'));
    const filled = await placed(buyer, limit('buy', '0.1', '45000'));
    await until(buyer, filled, 'FILLED');
    // the stranger tries to cancel them first (their refusals land in the stranger's own history)
    for (const id of [open, filled, '987654321'])
      expect(await invoke(cancel, { caller: stranger, path: { orderId: id } })).toMatchObject({ status: 404 });
    await new Promise((r) => setTimeout(r, 300));
    const unknown = await lookup(stranger, '987654321');
    expect(unknown).toMatchObject({
      status: 404,
      body: { code: 'NOT_FOUND', message: 'no such order', requestId: expect.any(String) as string },
    });
    for (const [who, id] of [
      [stranger, open],
      [stranger, filled],
      [buyer, open],
      [seller, filled],
    ] as const) {
      const started = Date.now();
      const r = await lookup(who, id);
      expect({ status: r.status, code: r.body.code, message: r.body.message }).toEqual({
        status: 404,
        code: 'NOT_FOUND',
        message: 'no such order',
      });
      // answered at once: no wait that would tell a stranger the id exists
      expect(Date.now() - started).toBeLessThan(1000);
    }
    await invoke(cancel, { caller: seller, path: { orderId: open } });
  });

  it('keeps an order whose replace the host refused open, and out of the closed-order list', async () => {
    const id = await placed(seller, limit('sell', '0.3', '42300'));
    await placed(buyer, limit('buy', '0.1', '42300'));
    // below what has filled: the host refuses it, and its refusal names the book's symbol as a placement's would
    const refused = await invoke(replace, { caller: seller, path: { orderId: id }, body: { price: '42300.00', quantity: '0.05' } });
    expect(refused).toMatchObject({ status: 422, body: { code: 'QUANTITY_BELOW_FILLED' } });
    const events = await historyOf(seller, id, (es) => es.some((e) => e.type === 'rejected'));
    expect(events.find((e) => e.type === 'rejected')).toMatchObject({
      symbol: 'BTC-USD',
      reason: 'QUANTITY_BELOW_FILLED',
      request: 'replace',
    });

    expect((await closedIds(seller))[id]).toBeUndefined();
    expect(order(await lookup(seller, id))).toMatchObject({
      status: 'PARTIALLY_FILLED',
      quantity: '0.3000',
      filled: '0.1000',
      leaves: '0.2000',
      fills: [{ liquidity: 'maker', quantity: '0.1000' }],
    });
    // once it does leave the book, the list has it as it ended
    await invoke(cancel, { caller: seller, path: { orderId: id } });
    await until(seller, id, 'CANCELED');
    expect((await closedIds(seller))[id]).toBe('CANCELED');
  });

  it('fed every order event to the history without a failure', () => {
    expect(feed.errors).toEqual([]);
  });
});

describe('an order lookup while the order history cannot be read', () => {
  /** The history table as an old .data/ left it, items and all, but without the byOrder index: every lookup by order fails. */
  const dropIndex = async (): Promise<void> => {
    const t = tableDefinitions('local').find((d) => d.TableName === HISTORY_TABLE);
    const items = (await dynamo().send(new ScanCommand({ TableName: HISTORY_TABLE, ConsistentRead: true }))).Items ?? [];
    await dynamo().send(new DeleteTableCommand({ TableName: HISTORY_TABLE }));
    await dynamo().send(
      new CreateTableCommand({
        ...t,
        TableName: HISTORY_TABLE,
        KeySchema: t?.KeySchema,
        AttributeDefinitions: t?.AttributeDefinitions?.filter((a) => a.AttributeName !== 'orderKey'),
        GlobalSecondaryIndexes: undefined,
      }),
    );
    for (const item of items) await dynamo().send(new PutItemCommand({ TableName: HISTORY_TABLE, Item: item }));
  };

  it('answers an open order from the host, without fills (not an empty list), on GET and after a PATCH', async () => {
    const id = await placed(seller, limit('sell', '0.2', '42700'));
    await placed(buyer, limit('buy', '0.05', '42700'));
    // nothing of these orders in flight to the history while its table is swapped
    await historyOf(seller, id, (es) => es.some((e) => e.type === 'fill'));
    await dropIndex();
    try {
      await expect(history().ofOrder(seller.accountNo, Number(id))).rejects.toThrow(/specified index/);
      const o = order(await lookup(seller, id));
      expect(o).toMatchObject({ orderId: id, status: 'PARTIALLY_FILLED', filled: '0.0500', leaves: '0.1500' });
      expect(o).not.toHaveProperty('fills');
      const replaced = await invoke(replace, { caller: seller, path: { orderId: id }, body: { price: '42800.00', quantity: '0.2' } });
      expect(order(replaced)).toMatchObject({ status: 'PARTIALLY_FILLED', price: '42800.00' });
      expect(replaced.body).not.toHaveProperty('fills');
    } finally {
      await ensureTables(process.env.AWS_ENDPOINT_URL_DYNAMODB ?? '');
    }
    // the index back: the fill is told again (the history's items were rebuilt into it)
    expect(order(await lookup(seller, id)).fills).toEqual([expect.objectContaining({ liquidity: 'maker', quantity: '0.0500' })]);
    await invoke(cancel, { caller: seller, path: { orderId: id } });
    await until(seller, id, 'CANCELED');
    expect(feed.errors).toEqual([]);
  });
});
