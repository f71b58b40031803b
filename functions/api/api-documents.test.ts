/**
 * The API documents agree with the code: they are what the handlers' zod schemas generate (so
 * `npm run docs:api` has been run), every http route serverless.yml deploys is documented and
 * nothing else is, and every documented body schema accepts what the API's own examples send.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { DOCS, renderDocs } from '../../scripts/api-docs';
import { ROUTES } from './routes';

const ROOT = join(__dirname, '..', '..');

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

  it('describe bodies the handlers accept', () => {
    const doc = JSON.parse(readFileSync(DOCS.openapi, 'utf8')) as { paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { required?: string[]; additionalProperties?: boolean } }> } }>> };
    const order = doc.paths['/v1/orders'].post.requestBody?.content['application/json'].schema;
    expect(order?.required).toEqual(expect.arrayContaining(['clientOrderId', 'symbol', 'side', 'type', 'quantity']));
    // mass assignment is refused by the schema itself
    expect(order?.additionalProperties).toBe(false);
    const route = ROUTES.find((r) => r.path === '/v1/orders' && r.method === 'post');
    expect(route?.body?.safeParse({ clientOrderId: 'a', symbol: 'BTC-USD', side: 'buy', type: 'limit', quantity: '1', price: '1' }).success).toBe(true);
  });
});
