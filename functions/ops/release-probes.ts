/**
 * What a release's hooks send each function, and what its answer must be (release-service.ts). A
 * probe never trades, moves money or writes a record: it is an event the function refuses, or one
 * with nothing in it, or the dry run (shared/release-probe.ts) where the function's every real event
 * acts. Its only traces are the rate-limit counters of the address below, which expire.
 *
 * - rest: a REST request without a caller and with a body no schema takes (`[]`): each route refuses
 *   it (400 invalid input, 401 no caller) before any work, or, public and read-only (ping, the
 *   market list), answers it. Anything but a 5xx passes: the version loaded, validated its
 *   configuration and ran its middy stack.
 * - rest-authorizer: a request without a token: the authorizer must refuse it ('Unauthorized').
 * - ws-authorizer: a handshake without a token: let in as anonymous.
 * - ws-frame: a frame no schema takes on a connection nobody made: refused (4xx) on the socket.
 * - kinesis, rabbitmq: a batch with no records (nothing to publish, write or settle).
 * - dry-run: schedules (the transfer sweep moves money), Step Functions tasks (settlement posts to
 *   the ledger, the DR runbooks fence and promote hosts), $connect and $disconnect (they write).
 */
import { RELEASE_PROBE, type ReleaseProbeAnswer } from '../shared/release-probe';

export type ProbeKind = 'rest' | 'rest-authorizer' | 'ws-authorizer' | 'ws-frame' | 'kinesis' | 'rabbitmq' | 'dry-run';

/** Every released function by its serverless key (a test holds this to serverless.yml's events). */
export const PROBES: Readonly<Record<string, ProbeKind>> = {
  authorizer: 'rest-authorizer',
  authRegister: 'rest',
  authLogin: 'rest',
  authRefresh: 'rest',
  authLogout: 'rest',
  authLoginMfa: 'rest',
  authMfaEnroll: 'rest',
  authMfaVerify: 'rest',
  authMfaStepUp: 'rest',
  authMfaDisable: 'rest',
  authMe: 'rest',
  accountsDeposit: 'rest',
  accountsWithdraw: 'rest',
  accountsTransfer: 'rest',
  accountsBalances: 'rest',
  accountsLedger: 'rest',
  accountsResumeTransfers: 'dry-run',
  adminListUsers: 'rest',
  adminGetUser: 'rest',
  adminResetMfa: 'rest',
  adminSetRoles: 'rest',
  ping: 'rest',
  opsHostStatus: 'rest',
  opsDrFailover: 'rest',
  opsDrFailback: 'rest',
  opsDrApprove: 'rest',
  opsDrStatus: 'rest',
  ordersPlace: 'rest',
  ordersGet: 'rest',
  ordersList: 'rest',
  ordersFills: 'rest',
  ordersCancel: 'rest',
  ordersCancelAll: 'rest',
  ordersCancelAfter: 'rest',
  ordersReplace: 'rest',
  opsHalt: 'rest',
  opsResume: 'rest',
  marketsList: 'rest',
  marketsBook: 'rest',
  marketsTicker: 'rest',
  marketsTrades: 'rest',
  streamsMarketDataFanout: 'kinesis',
  streamsHeartbeat: 'dry-run',
  sfnSettlementValidate: 'dry-run',
  sfnSettlementPost: 'dry-run',
  sfnSettlementMarkSettled: 'dry-run',
  sfnSettlementAnnounce: 'dry-run',
  sfnSettlementPark: 'dry-run',
  sfnReconcile: 'dry-run',
  sfnDrAssess: 'dry-run',
  sfnDrRequestApproval: 'dry-run',
  sfnDrFencePrimary: 'dry-run',
  sfnDrCatchUp: 'dry-run',
  sfnDrVerify: 'dry-run',
  sfnDrPromote: 'dry-run',
  sfnDrSwitch: 'dry-run',
  sfnDrFollowNewPrimary: 'dry-run',
  sfnDrRollback: 'dry-run',
  sfnDrNotify: 'dry-run',
  sfnHostRelease: 'dry-run',
  streamsOrderEvents: 'rabbitmq',
  wsAuthorizer: 'ws-authorizer',
  wsConnect: 'dry-run',
  wsDisconnect: 'dry-run',
  wsSubscriptions: 'ws-frame',
  wsOrders: 'ws-frame',
  wsCancelOrder: 'ws-frame',
  wsDefault: 'ws-frame',
};

/** the probes' address (TEST-NET-1, RFC 5737): no client has it, so its rate-limit counters are no one's */
export const PROBE_SOURCE_IP = '192.0.2.1';
const REQUEST_ID = 'release-probe';
const PROBE_ARN = 'arn:aws:execute-api:us-east-1:000000000000:release-probe/probe';

export function probeEvent(kind: ProbeKind): unknown {
  const identity = { sourceIp: PROBE_SOURCE_IP, userAgent: 'codedeploy-release-probe' };
  switch (kind) {
    case 'rest':
      return {
        resource: '/release-probe',
        path: '/release-probe',
        httpMethod: 'POST',
        headers: { 'Content-Type': 'application/json', 'User-Agent': identity.userAgent },
        queryStringParameters: null,
        pathParameters: null,
        body: '[]',
        isBase64Encoded: false,
        requestContext: { requestId: REQUEST_ID, stage: 'release-probe', httpMethod: 'POST', resourcePath: '/release-probe', identity },
      };
    case 'rest-authorizer':
      return {
        type: 'REQUEST',
        methodArn: `${PROBE_ARN}/GET/release-probe`,
        path: '/release-probe',
        headers: {},
        requestContext: { identity },
      };
    case 'ws-authorizer':
      return {
        type: 'REQUEST',
        methodArn: `${PROBE_ARN}/$connect`,
        headers: { Host: 'release-probe' },
        requestContext: { routeKey: '$connect', eventType: 'CONNECT', connectionId: REQUEST_ID, identity },
      };
    case 'ws-frame':
      return { body: '[]', requestContext: { connectionId: REQUEST_ID, routeKey: 'release-probe', requestId: REQUEST_ID, identity } };
    case 'kinesis':
      return { Records: [] };
    case 'rabbitmq':
      return { eventSource: 'aws:rmq', eventSourceArn: 'release-probe', rmqMessagesByQueue: {} };
    case 'dry-run':
      return { ...RELEASE_PROBE };
  }
}

/** What an invocation came back with (the Lambda Invoke API's answer, its payload parsed). */
export interface Invocation {
  /** the version that ran */
  executedVersion?: string;
  /** 'Unhandled' when the function threw */
  functionError?: string;
  payload: unknown;
}

export type Verdict = { ok: true; detail: string } | { ok: false; reason: string };

const field = (v: unknown, key: string): unknown => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[key] : undefined);
const pass = (detail: string): Verdict => ({ ok: true, detail });
const fail = (reason: string): Verdict => ({ ok: false, reason });

function status(answer: unknown): Verdict {
  const code = field(answer, 'statusCode');
  if (typeof code !== 'number') return fail(`no status code in ${JSON.stringify(answer)?.slice(0, 200)}`);
  return code < 500 ? pass(`answered ${code}`) : fail(`answered ${code}: ${String(field(answer, 'body')).slice(0, 200)}`);
}

function dryRun(answer: unknown, version: string): Verdict {
  const body = field(answer, 'body');
  let a: Partial<ReleaseProbeAnswer> | null;
  try {
    // a WebSocket route answers on the socket: the dry run's answer is its body
    a = (typeof body === 'string' ? JSON.parse(body) : answer) as Partial<ReleaseProbeAnswer> | null;
  } catch {
    return fail(`no dry-run answer: ${body as string}`.slice(0, 200));
  }
  if (a?.releaseProbe !== 'ok') return fail(`no dry-run answer: ${JSON.stringify(answer)?.slice(0, 200)}`);
  if (a.functionVersion !== version) return fail(`the dry run was answered by version ${a.functionVersion}, not ${version}`);
  return pass('dry run answered');
}

/** Whether `invocation` is the answer a sound `version` gives the probe of `kind`. */
export function verdict(kind: ProbeKind, invocation: Invocation, version: string): Verdict {
  if (invocation.executedVersion !== undefined && invocation.executedVersion !== version)
    return fail(`version ${invocation.executedVersion} ran, not ${version}`);
  const { functionError, payload } = invocation;
  if (kind === 'rest-authorizer')
    return functionError && field(payload, 'errorMessage') === 'Unauthorized'
      ? pass('refused a request without a token')
      : fail(`a request without a token was not refused: ${JSON.stringify(payload)?.slice(0, 200)}`);
  if (functionError) return fail(`it threw (${functionError}): ${JSON.stringify(payload)?.slice(0, 300)}`);
  switch (kind) {
    case 'rest':
    case 'ws-frame':
      return status(payload);
    case 'ws-authorizer': {
      const effect = field((field(field(payload, 'policyDocument'), 'Statement') as unknown[] | undefined)?.[0], 'Effect');
      return field(payload, 'principalId') === 'anonymous' && effect === 'Allow'
        ? pass('let an anonymous handshake in')
        : fail(`an anonymous handshake was not let in: ${JSON.stringify(payload)?.slice(0, 200)}`);
    }
    case 'kinesis':
      return field(payload, 'events') === 0 ? pass('published an empty batch') : fail(`unexpected answer ${JSON.stringify(payload)}`);
    case 'rabbitmq':
      return field(payload, 'handled') === 0 ? pass('handled an empty batch') : fail(`unexpected answer ${JSON.stringify(payload)}`);
    case 'dry-run':
      return dryRun(payload, version);
  }
}
