/**
 * The OpenAPI 3.1 document of the REST API, generated from ROUTES and the zod schemas of what the
 * handlers take and answer (JSON Schema 2020-12, as OpenAPI 3.1 uses). Every status a route can
 * answer is declared, with its body. `npm run docs:api` writes functions/api/openapi.json.
 */
import { jsonSchemaOf } from './json-schema';
import { ApiError } from './responses/common';
import { ROUTES, type Answer, type Route } from './routes';

type Json = Record<string, unknown>;

const ERROR = { $ref: '#/components/schemas/Error' };
const RETRY_AFTER = {
  'Retry-After': { description: 'seconds to wait before trying again', required: true, schema: { type: 'integer', minimum: 1 } },
};

/** What every route of its kind may answer besides its own refusals. */
function refusals(r: Route): Record<number, string> {
  if (r.bare) return { 429: 'throttled by API Gateway (Retry-After)' };
  const input = r.body || r.query || r.params;
  return {
    ...(input ? { 400: 'invalid input (VALIDATION_ERROR, MALFORMED_JSON, BODY_TOO_LARGE …)' } : {}),
    ...(r.access !== 'public' ? { 401: 'no valid token of a live session' } : {}),
    ...(r.access === 'ops' || r.access === 'admin' ? { 403: `needs the ${r.access} role` } : {}),
    ...(r.body ? { 413: 'the request is larger than API Gateway takes', 415: 'the body is not sent as application/json' } : {}),
    429: 'rate limited (Retry-After, RateLimit-*)',
    503: 'the matching host or a store is unavailable (Retry-After)',
    ...r.refusals,
  } as Record<number, string>;
}

function success(a: Answer): Json {
  return {
    description: a.description,
    ...(a.headers
      ? {
          headers: Object.fromEntries(
            Object.entries(a.headers).map(([h, description]) => [h, { description, schema: { type: 'string' } }]),
          ),
        }
      : {}),
    ...(a.body ? { content: { 'application/json': { schema: jsonSchemaOf(a.body, 'output') } } } : {}),
  };
}

function responses(r: Route): Json {
  const out: Json = Object.fromEntries(Object.entries(r.success).map(([status, a]) => [status, success(a)]));
  for (const [status, description] of Object.entries(refusals(r)))
    out[status] = {
      description,
      ...(status === '429' || status === '503' ? { headers: RETRY_AFTER } : {}),
      content: { 'application/json': { schema: ERROR } },
    };
  return out;
}

function parameters(r: Route): Json[] {
  const out: Json[] = [];
  for (const [where, s] of [
    ['path', r.params],
    ['query', r.query],
  ] as const) {
    if (!s) continue;
    const js = jsonSchemaOf(s) as { properties?: Record<string, Json>; required?: string[] };
    for (const [name, schema] of Object.entries(js.properties ?? {}))
      out.push({ name, in: where, required: where === 'path' || (js.required ?? []).includes(name), schema });
  }
  return out;
}

/** GET /v1/orders/{orderId} → getOrdersOrderId */
function operationId(r: Route): string {
  const words = r.path
    .split('/')
    .filter((w) => w && w !== 'v1')
    .flatMap((w) => w.replace(/[{}]/g, '').split('-'));
  return r.method + words.map((w) => w[0].toUpperCase() + w.slice(1)).join('');
}

export function openApiDocument(version: string): Json {
  const paths: Record<string, Json> = {};
  for (const r of ROUTES) {
    paths[r.path] ??= {};
    paths[r.path][r.method] = {
      operationId: operationId(r),
      summary: r.summary,
      ...(r.access !== 'public' ? { security: [{ bearer: [] }] } : {}),
      ...(r.access === 'ops' || r.access === 'admin' ? { 'x-required-role': r.access } : {}),
      ...(parameters(r).length ? { parameters: parameters(r) } : {}),
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchemaOf(r.body) } } } } : {}),
      responses: responses(r),
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Open Exchange REST API',
      version,
      description:
        'Decimal amounts and prices travel as strings. Errors are {code, message, requestId}, from the functions and from API Gateway alike.',
    },
    servers: [{ url: 'http://localhost:3000', description: 'npm start (serverless offline)' }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT (EdDSA)' } },
      schemas: { Error: jsonSchemaOf(ApiError, 'output') },
    },
    paths,
  };
}
