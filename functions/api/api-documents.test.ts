/**
 * The API documents agree with the code: they are what the handlers' zod schemas generate (so
 * `npm run docs:api` has been run), every http route serverless.yml deploys is documented and
 * nothing else is, the OpenAPI document is valid 3.1 and declares every answer with its body, and
 * what the JSON Schemas say is what the handlers' schemas enforce.
 */
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { DOCS, renderDocs } from '../../scripts/api-docs';
import { Credentials } from '../auth/schemas';
import { PlaceOrder } from '../orders/schemas';
import { VOCABULARY } from './json-schema';
import { OpenApiContract } from '../../test/support/openapi-contract';
import { ROUTES } from './routes';

const ROOT = join(__dirname, '..', '..');
type Json = Record<string, unknown>;
type Operation = {
  operationId: string;
  requestBody?: { content: Record<string, { schema: Json }> };
  responses: Record<string, { content?: Record<string, { schema: Json }> }>;
};
const doc = JSON.parse(readFileSync(DOCS.openapi, 'utf8')) as { paths: Record<string, Record<string, Operation>> };
const operations = Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ path, method, op })));

function ajv(): Ajv2020 {
  const a = new Ajv2020({ strict: false });
  addFormats(a);
  return a;
}
const requestSchema = (path: string, method: string): Json => doc.paths[path][method].requestBody?.content['application/json'].schema ?? {};

describe('API documents', () => {
  it('are generated from the schemas the handlers validate with (run npm run docs:api after changing one)', () => {
    const d = renderDocs();
    expect(readFileSync(DOCS.openapi, 'utf8')).toBe(d.openapi);
    expect(readFileSync(DOCS.asyncapi, 'utf8')).toBe(d.asyncapi);
  });

  it('document exactly the http routes serverless.yml deploys', () => {
    const sls = parse(readFileSync(join(ROOT, 'serverless.yml'), 'utf8'), { logLevel: 'silent', maxAliasCount: -1 }) as {
      functions: Record<string, { events?: { http?: { path: string; method: string } }[] }>;
    };
    const deployed = Object.values(sls.functions)
      .flatMap((f) => f.events ?? [])
      .filter((e) => e.http)
      .map((e) => `${e.http?.method.toUpperCase()} /${e.http?.path}`)
      .sort();
    const documented = ROUTES.map((r) => `${r.method.toUpperCase()} ${r.path}`).sort();
    expect(documented).toEqual(deployed);
  });

  it('is a valid OpenAPI 3.1 document (and the validator would say if not)', () => {
    // @seriousme/openapi-schema-validator is an ES module: its command line runs it outside Jest's module system
    const validate = (file: string): { status: number | null; stdout: string } =>
      spawnSync(join(ROOT, 'node_modules', '.bin', 'validate-api'), [file], { encoding: 'utf8' });
    const r = validate(DOCS.openapi);
    expect({ status: r.status, result: JSON.parse(r.stdout) as unknown }).toEqual({ status: 0, result: { valid: true } });
    const dir = mkdtempSync(join(tmpdir(), 'openapi-'));
    try {
      const broken = JSON.parse(readFileSync(DOCS.openapi, 'utf8')) as { paths: Record<string, Record<string, Json>> };
      broken.paths['/v1/ping'].get.responses = 'none';
      writeFileSync(join(dir, 'broken.json'), JSON.stringify(broken));
      expect(validate(join(dir, 'broken.json')).status).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('declares a body for every answer but a 204, the error shape for every refusal, and a unique operationId', () => {
    for (const { path, method, op } of operations) {
      for (const [status, r] of Object.entries(op.responses)) {
        const where = `${method.toUpperCase()} ${path} ${status}`;
        if (status === '204') expect({ where, content: r.content }).toEqual({ where, content: undefined });
        else expect({ where, schema: r.content?.['application/json']?.schema }).toEqual({ where, schema: expect.any(Object) as Json });
        if (Number(status) >= 400)
          expect({ where, schema: r.content?.['application/json'].schema }).toEqual({
            where,
            schema: { $ref: '#/components/schemas/Error' },
          });
      }
    }
    expect(new Set(operations.map((o) => o.op.operationId)).size).toBe(operations.length);
  });

  it('describe bodies the handlers accept', () => {
    const order = requestSchema('/v1/orders', 'post') as { required?: string[]; additionalProperties?: boolean };
    expect(order.required).toEqual(expect.arrayContaining(['clientOrderId', 'symbol', 'side', 'type', 'quantity']));
    // mass assignment is refused by the schema itself
    expect(order.additionalProperties).toBe(false);
    const route = ROUTES.find((r) => r.path === '/v1/orders' && r.method === 'post');
    expect(
      route?.body?.safeParse({ clientOrderId: 'a', symbol: 'BTC-USD', side: 'buy', type: 'limit', quantity: '1', price: '1' }).success,
    ).toBe(true);
  });

  it('lists the server’s symbols and assets, wherever one is asked for or answered', () => {
    const found: string[] = [];
    const walk = (node: unknown, where: string): void => {
      if (!node || typeof node !== 'object') return;
      const n = node as Json;
      for (const [name, p] of Object.entries((n.properties ?? {}) as Record<string, Json>))
        if (VOCABULARY[name] && p.type === 'string') {
          found.push(`${where}.${name}`);
          expect({ at: `${where}.${name}`, enum: p.enum }).toEqual({ at: `${where}.${name}`, enum: [...VOCABULARY[name]] });
        }
      if (n.in && VOCABULARY[n.name as string]) {
        found.push(`${where} parameter ${String(n.name)}`);
        expect({ at: where, enum: (n.schema as Json).enum }).toEqual({ at: where, enum: [...VOCABULARY[n.name as string]] });
      }
      for (const [k, v] of Object.entries(n)) for (const x of Array.isArray(v) ? (v as unknown[]) : [v]) walk(x, `${where}/${k}`);
    };
    walk(doc.paths, '');
    // orders, markets, transfers, ledger, fills … ask for or answer them
    expect(found.length).toBeGreaterThan(20);
    expect(VOCABULARY.symbol).toEqual(['BTC-USD', 'ETH-USD']);
  });

  it('states the order’s cross-field rules as the server enforces them (zod and the JSON Schema agree on random orders)', () => {
    const validate = ajv().compile(requestSchema('/v1/orders', 'post'));
    const optional = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(a, { nil: undefined });
    const order = fc
      .record({
        clientOrderId: fc.constant('c-1'),
        symbol: fc.constantFrom('BTC-USD', 'ETH-USD'),
        side: fc.constantFrom('buy', 'sell'),
        type: fc.constantFrom('limit', 'market'),
        quantity: fc.constantFrom('0.1', '2'),
        timeInForce: optional(fc.constantFrom('GTC', 'IOC', 'FOK', 'GTD')),
        price: optional(fc.constantFrom('42000', '42000.50')),
        postOnly: optional(fc.boolean()),
        expireTime: optional(fc.constant('2030-01-01T00:00:00Z')),
        stp: optional(fc.constantFrom('cancel_newest', 'cancel_both')),
      })
      .map((o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)));
    const outcomes = new Set<boolean>();
    fc.assert(
      fc.property(order, (o) => {
        const server = PlaceOrder.safeParse(o).success;
        outcomes.add(server);
        expect({ o, document: validate(o) }).toEqual({ o, document: server });
      }),
      { numRuns: 3000 },
    );
    // both sides were exercised
    expect([...outcomes].sort()).toEqual([false, true]);
  });

  it('refuses a registration email whose domain label starts or ends with "-", in the document as on the server', () => {
    const validate = ajv().compile(requestSchema('/v1/auth/register', 'post'));
    const password = 'correct horse battery staple';
    for (const [email, ok] of [
      ['a@foo-.com', false],
      ['a@-foo.com', false],
      ['a@foo.bar-.com', false],
      ['a@localhost', false],
      ['a.b+c@sub.foo-bar.co', true],
      ['trader@example.com', true],
    ] as const) {
      expect({ email, server: Credentials.safeParse({ email, password }).success, document: validate({ email, password }) }).toEqual({
        email,
        server: ok,
        document: ok,
      });
    }
  });
});

describe('the contract check the e2e suites run on every answer', () => {
  let contract: OpenApiContract;
  beforeAll(async () => {
    contract = await OpenApiContract.load();
  });
  const json = { 'content-type': 'application/json' };
  const error = JSON.stringify({ code: 'NOT_FOUND', message: 'no such order', requestId: 'r-1' });

  it('passes an answer the document declares', () => {
    expect(contract.check({ method: 'GET', path: '/v1/orders/12', status: 404, headers: json, text: error })).toEqual([]);
    expect(contract.check({ method: 'GET', path: '/v1/ping', status: 200, headers: json, text: '{"status":"ok"}' })).toEqual([]);
    expect(contract.check({ method: 'POST', path: '/v1/auth/logout', status: 204, headers: {}, text: '' })).toEqual([]);
    expect(contract.check({ method: 'GET', path: '/v1/nope', status: 404, headers: json, text: error })).toEqual([]);
  });

  it('fails an undeclared status, a body that does not match, a missing declared header, and the emulator’s own shapes', () => {
    expect(contract.check({ method: 'GET', path: '/v1/auth/me', status: 404, headers: json, text: error })[0]).toMatch(
      /status not declared/,
    );
    expect(contract.check({ method: 'GET', path: '/v1/ping', status: 200, headers: json, text: '{"status":"ok","extra":1}' })).not.toEqual(
      [],
    );
    expect(contract.check({ method: 'GET', path: '/v1/orders/12', status: 200, headers: json, text: '{"orderId":"12"}' })).not.toEqual([]);
    expect(
      contract.check({
        method: 'GET',
        path: '/v1/auth/me',
        status: 429,
        headers: json,
        text: JSON.stringify({ code: 'RATE_LIMITED', message: 'x', requestId: 'r' }),
      })[0],
    ).toMatch(/Retry-After/);
    expect(
      contract.check({
        method: 'GET',
        path: '/v1/auth/me',
        status: 401,
        headers: json,
        text: '{"statusCode":401,"error":"Unauthorized","message":"Unauthorized"}',
      }),
    ).not.toEqual([]);
    expect(
      contract.check({
        method: 'GET',
        path: '/v1/nope',
        status: 404,
        headers: json,
        text: '{"statusCode":404,"error":"Serverless-offline: route not found."}',
      }),
    ).not.toEqual([]);
  });

  it('holds the market data answers to every field the server always sends (null where nothing is known, never left out)', () => {
    const ok = (path: string, body: Json): string[] =>
      contract.check({ method: 'GET', path, status: 200, headers: json, text: JSON.stringify(body) });
    const without = (body: Json, field: string): Json => Object.fromEntries(Object.entries(body).filter(([k]) => k !== field));
    const market: Json = {
      symbol: 'BTC-USD',
      base: 'BTC',
      quote: 'USD',
      tickSize: '0.01',
      lotSize: '0.0001',
      minPrice: '0.01',
      maxPrice: '10000000.00',
      minQuantity: '0.0001',
      maxQuantity: '1000.0000',
      priceBandPercent: 10,
      referencePrice: '42000.00',
      priceBand: { low: '37800.00', high: '46200.00' },
    };
    const ticker: Json = {
      symbol: 'BTC-USD',
      sequence: 0,
      time: 0,
      last: null,
      lastQuantity: null,
      bestBid: null,
      bestAsk: null,
      status: 'trading',
      priceBand: null,
    };
    const trade: Json = { sequence: 3, time: 1, tradeId: 'BTC-USD:3', price: '42000.00', quantity: '0.1000', side: 'buy' };
    expect(ok('/v1/markets', { markets: [market, { ...market, referencePrice: null, priceBand: null }] })).toEqual([]);
    expect(ok('/v1/markets/BTC-USD/ticker', ticker)).toEqual([]);
    expect(ok('/v1/markets/BTC-USD/trades', { symbol: 'BTC-USD', trades: [trade] })).toEqual([]);
    for (const field of ['referencePrice', 'priceBand']) expect(ok('/v1/markets', { markets: [without(market, field)] })).not.toEqual([]);
    expect(ok('/v1/markets/BTC-USD/ticker', without(ticker, 'priceBand'))).not.toEqual([]);
    for (const field of ['tradeId', 'side'])
      expect(ok('/v1/markets/BTC-USD/trades', { symbol: 'BTC-USD', trades: [without(trade, field)] })).not.toEqual([]);
  });
});
