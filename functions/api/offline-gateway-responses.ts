/**
 * serverless offline runs the REST API's Lambda authorizer but answers what it refuses in its own
 * way ({"statusCode":401,"error":"Unauthorized"}: no code, no requestId, no security headers), and
 * its own refusals (an unknown route lists every route), where API Gateway applies the gateway
 * responses of resources/api-gateway.yml. This is serverless offline's customAuthenticationProvider
 * (custom.offline in serverless.yml), loaded through offline-gateway-responses.js: it runs the same
 * authorizer function through offline's Lambda endpoint, as API Gateway invokes it, and answers the
 * emulator's refusals with those gateway responses, so a client sees locally what it sees in AWS.
 */
import { randomUUID } from 'node:crypto';
import { invokeForResult } from '../../scripts/local/invoke-function';
import { readProjectYaml } from '../../scripts/local/serverless-yaml';

/** The little of hapi this uses (serverless offline's HTTP server). */
interface HapiResponse {
  code(status: number): HapiResponse;
  header(name: string, value: string): HapiResponse;
  type(mime: string): HapiResponse;
  /** answer with this now: the route's handler does not run */
  takeover(): HapiResponse;
}
interface Toolkit {
  response(body: string): HapiResponse;
  authenticated(data: { credentials: Record<string, unknown> }): unknown;
  continue: symbol;
}
interface HapiRequest {
  method: string;
  path: string;
  headers: Record<string, string | undefined>;
  query: Record<string, string | string[]>;
  params: Record<string, string>;
  info: { remoteAddress: string };
  route: { path: string };
  response: { isBoom?: boolean; output?: { statusCode: number }; statusCode?: number } | null;
}
interface HapiServer {
  ext(event: 'onPreResponse', method: (request: HapiRequest, h: Toolkit) => unknown): void;
}
/** the http event of serverless.yml, as serverless offline hands it over */
interface Endpoint {
  authorizer?: { name: string; identitySource?: string };
}

type GatewayResponseType =
  'UNAUTHORIZED' | 'ACCESS_DENIED' | 'MISSING_AUTHENTICATION_TOKEN' | 'REQUEST_TOO_LARGE' | 'DEFAULT_4XX' | 'DEFAULT_5XX';
interface GatewayResponse {
  status?: number;
  headers: Record<string, string>;
  template: string;
}

/** resources/api-gateway.yml's gateway responses by type: status, headers and body template. */
function gatewayResponses(): Map<string, GatewayResponse> {
  type Props = {
    ResponseType: string;
    StatusCode?: string;
    ResponseParameters?: Record<string, unknown>;
    ResponseTemplates?: Record<string, string>;
  };
  const doc = readProjectYaml<{ Resources: Record<string, { Type: string; Properties: Props }> }>('resources/api-gateway.yml');
  const out = new Map<string, GatewayResponse>();
  for (const r of Object.values(doc.Resources).filter((x) => x.Type === 'AWS::ApiGateway::GatewayResponse')) {
    const p = r.Properties;
    // a YAML merge key (<<: *headers) arrives as a nested map
    const { '<<': merged, ...own } = p.ResponseParameters ?? {};
    const params = { ...(merged as Record<string, string> | undefined), ...(own as Record<string, string>) };
    const headers = Object.fromEntries(
      Object.entries(params)
        .filter(([k]) => k.startsWith('gatewayresponse.header.'))
        .map(([k, v]) => [k.slice('gatewayresponse.header.'.length), v.replace(/^'(.*)'$/, '$1')]),
    );
    out.set(p.ResponseType, {
      status: p.StatusCode ? Number(p.StatusCode) : undefined,
      headers,
      template: p.ResponseTemplates?.['application/json'] ?? '',
    });
  }
  return out;
}

let responses: Map<string, GatewayResponse> | undefined;

/** A gateway response as API Gateway renders it (`$context.*` filled in). */
function reply(h: Toolkit, type: GatewayResponseType, status: number, message: string): HapiResponse {
  responses ??= gatewayResponses();
  const g = responses.get(type) ?? responses.get(status >= 500 ? 'DEFAULT_5XX' : 'DEFAULT_4XX');
  const body = (g?.template ?? '{"code":"INTERNAL","message":"$context.error.messageString","requestId":"$context.requestId"}')
    .replaceAll('$context.requestId', randomUUID())
    .replaceAll('$context.error.messageString', JSON.stringify(message).slice(1, -1));
  let r = h
    .response(body)
    .code(g?.status ?? status)
    .type('application/json');
  for (const [name, value] of Object.entries(g?.headers ?? {})) r = r.header(name, value);
  return r.takeover();
}

/** What the emulator itself answered (not a function), as API Gateway would have answered it. */
function emulatorRefusal(request: HapiRequest, h: Toolkit): unknown {
  const res = request.response;
  // serverless offline's catch-all route: API Gateway has no such route
  if (request.route.path === '/{p*}') return reply(h, 'MISSING_AUTHENTICATION_TOKEN', 404, 'no such route');
  if (res?.isBoom && res.output) {
    const s = res.output.statusCode;
    if (s === 401) return reply(h, 'UNAUTHORIZED', s, 'Unauthorized');
    if (s === 403) return reply(h, 'ACCESS_DENIED', s, 'Forbidden');
    if (s === 413) return reply(h, 'REQUEST_TOO_LARGE', s, 'Request too large');
    return reply(h, s >= 500 ? 'DEFAULT_5XX' : 'DEFAULT_4XX', s, 'the request could not be handled');
  }
  // an integration failure (a function that threw: 502) or timeout (504; our functions answer 503
  // themselves): API Gateway answers with its default 5xx response, never the emulator's empty body
  if (res?.statusCode === 502) return reply(h, 'DEFAULT_5XX', 502, 'Internal server error');
  if (res?.statusCode === 504) return reply(h, 'DEFAULT_5XX', 504, 'Endpoint request timed out');
  return h.continue;
}

const extended = new WeakSet<HapiServer>();

const targets = new Map<string, { port: number; fn: string }>();

/** Where offline's Lambda endpoint listens (its command line, else serverless.yml) and the function's name there. */
function lambdaTarget(authorizer: string): { port: number; fn: string } {
  let t = targets.get(authorizer);
  if (!t) {
    const sls = readProjectYaml<{ service: string; custom: { 'serverless-offline'?: { lambdaPort?: number } } }>('serverless.yml');
    const arg = (name: string): string | undefined => {
      const i = process.argv.indexOf(`--${name}`);
      return i >= 0 ? process.argv[i + 1] : undefined;
    };
    t = {
      port: Number(arg('lambdaPort') ?? sls.custom['serverless-offline']?.lambdaPort ?? 3002),
      fn: `${sls.service}-${arg('stage') ?? 'local'}-${authorizer}`,
    };
    targets.set(authorizer, t);
  }
  return t;
}

interface AuthorizerResult {
  principalId?: string;
  policyDocument?: { Statement?: { Effect?: string; Action?: string | string[]; Resource?: string | string[] }[] };
  context?: Record<string, string | number | boolean>;
}

/** Does the policy allow invoking this method (API Gateway's check, wildcards included)? */
function allows(result: AuthorizerResult, methodArn: string): boolean {
  const matches = (pattern: string): boolean =>
    new RegExp(
      `^${pattern
        .split('*')
        .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
    ).test(methodArn);
  const list = (v: string | string[] | undefined): string[] => (Array.isArray(v) ? v : v ? [v] : []);
  const statements = (result.policyDocument?.Statement ?? []).filter(
    (s) => list(s.Action).some((a) => a === '*' || a.startsWith('execute-api:')) && list(s.Resource).some(matches),
  );
  return statements.some((s) => s.Effect === 'Allow') && !statements.some((s) => s.Effect === 'Deny');
}

/** The REQUEST authorizer's verdict on a request: the caller's context, or the gateway response that refuses it. */
async function authorize(
  endpoint: Required<Endpoint>['authorizer'],
  request: HapiRequest,
  h: Toolkit,
  resourcePath: string,
): Promise<unknown> {
  const header =
    /^method\.request\.header\.(.+)$/.exec(endpoint.identitySource ?? 'method.request.header.Authorization')?.[1] ?? 'Authorization';
  // API Gateway refuses a request without the identity source before invoking the authorizer
  if (!request.headers[header.toLowerCase()]) return reply(h, 'UNAUTHORIZED', 401, 'Unauthorized');
  const requestId = randomUUID();
  const method = request.method.toUpperCase();
  const methodArn = `arn:aws:execute-api:us-east-1:000000000000:offline/local/${method}${resourcePath}`;
  const event = {
    type: 'REQUEST',
    methodArn,
    resource: resourcePath,
    path: request.path,
    httpMethod: method,
    headers: request.headers,
    queryStringParameters: Object.keys(request.query).length ? request.query : null,
    pathParameters: Object.keys(request.params).length ? request.params : null,
    requestContext: {
      requestId,
      resourcePath,
      httpMethod: method,
      path: request.path,
      stage: 'local',
      identity: { sourceIp: request.info.remoteAddress },
    },
  };
  const target = lambdaTarget(endpoint.name);
  let result: AuthorizerResult;
  try {
    result = (await invokeForResult(target.port, target.fn, event)) as AuthorizerResult;
  } catch (e) {
    // `throw new Error('Unauthorized')` is how an authorizer says 401; anything else is its failure (500)
    return (e as Error).message === 'Unauthorized'
      ? reply(h, 'UNAUTHORIZED', 401, 'Unauthorized')
      : reply(h, 'DEFAULT_5XX', 500, 'Internal server error');
  }
  if (!result?.principalId || !allows(result, methodArn)) return reply(h, 'ACCESS_DENIED', 403, 'Forbidden');
  // API Gateway hands the context to the function with every value as a string
  const context = Object.fromEntries(Object.entries(result.context ?? {}).map(([k, v]) => [k, String(v)]));
  return h.authenticated({
    credentials: { authorizer: { ...context, principalId: result.principalId }, context, principalId: result.principalId },
  });
}

/** serverless offline's customAuthenticationProvider: one auth scheme per route. */
export function provider(endpoint: Endpoint, functionKey: string, method: string, path: string): unknown {
  const name = `gateway-${functionKey}-${method}-${path}`;
  return {
    name,
    scheme: name,
    getAuthenticateFunction: (server: HapiServer) => {
      if (!extended.has(server)) {
        extended.add(server);
        server.ext('onPreResponse', emulatorRefusal);
      }
      return {
        authenticate: (request: HapiRequest, h: Toolkit) =>
          endpoint.authorizer
            ? authorize(endpoint.authorizer, request, h, `/${path.replace(/^\//, '')}`)
            : h.authenticated({ credentials: {} }),
      };
    },
  };
}
