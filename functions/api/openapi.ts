/**
 * The OpenAPI 3.1 document of the REST API, generated from ROUTES and the handlers' zod schemas
 * (JSON Schema 2020-12, as OpenAPI 3.1 uses). `npm run docs:api` writes functions/api/openapi.json.
 */
import { jsonSchemaOf } from './json-schema';
import { ROUTES, type Route } from './routes';

type Json = Record<string, unknown>;

const schemaOf = jsonSchemaOf;

const ERROR = { $ref: '#/components/schemas/Error' };
const errors = (r: Route): Json => ({
  ...(r.body || r.query || r.params ? { 400: { description: 'invalid input', content: { 'application/json': { schema: ERROR } } } } : {}),
  ...(r.access !== 'public' ? { 401: { description: 'no valid token of a live session', content: { 'application/json': { schema: ERROR } } } } : {}),
  ...(r.access === 'ops' || r.access === 'admin' ? { 403: { description: `needs the ${r.access} role`, content: { 'application/json': { schema: ERROR } } } } : {}),
  429: { description: 'rate limited (Retry-After, RateLimit-*)', content: { 'application/json': { schema: ERROR } } },
  503: { description: 'the matching host or a store is unavailable (Retry-After)', content: { 'application/json': { schema: ERROR } } },
});

function parameters(r: Route): Json[] {
  const out: Json[] = [];
  for (const [where, s] of [['path', r.params], ['query', r.query]] as const) {
    if (!s) continue;
    const js = schemaOf(s) as { properties?: Record<string, Json>; required?: string[] };
    for (const [name, schema] of Object.entries(js.properties ?? {})) out.push({ name, in: where, required: where === 'path' || (js.required ?? []).includes(name), schema });
  }
  return out;
}

export function openApiDocument(version: string): Json {
  const paths: Record<string, Json> = {};
  for (const r of ROUTES) {
    paths[r.path] ??= {};
    (paths[r.path])[r.method] = {
      summary: r.summary,
      ...(r.access !== 'public' ? { security: [{ bearer: [] }] } : {}),
      ...(r.access === 'ops' || r.access === 'admin' ? { 'x-required-role': r.access } : {}),
      ...(parameters(r).length ? { parameters: parameters(r) } : {}),
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(r.body) } } } } : {}),
      responses: { [String(r.status ?? 200)]: { description: 'success' }, ...errors(r) },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Open Exchange REST API', version, description: 'Decimal amounts and prices travel as strings. Errors are {code, message, requestId}.' },
    servers: [{ url: 'http://localhost:3000', description: 'npm start (serverless offline)' }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT (EdDSA)' } },
      schemas: {
        Error: { type: 'object', required: ['code', 'message', 'requestId'], properties: { code: { type: 'string' }, message: { type: 'string' }, requestId: { type: 'string' } } },
      },
    },
    paths,
  };
}
