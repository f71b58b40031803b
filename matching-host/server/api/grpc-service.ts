/**
 * gRPC face of the matching host: parse (zod) → convert decimals exactly → host.submit / query →
 * shape the reply. Bad requests answer INVALID_ARGUMENT with a reason code as a field of the
 * status (proto/reason-codes.ts) and never reach the journal; a command refused by risk or the engine's rules
 * is journaled and answered normally with status REJECTED and its reason.
 */
import * as grpc from '@grpc/grpc-js';
import { z } from 'zod';
import type { PeerCertificate } from 'node:tls';
import { DecimalError, fromUnits, toUnits } from '../../proto/decimal';
import { clientConstructor } from '../../proto/matching-host-proto';
import { refusal } from '../../proto/reason-codes';
import { METHOD_ROLES, isHostRole, type HostRole } from '../../proto/host-roles';
import { serverCredentials, type TlsMaterial } from '../../proto/host-tls';
import type { SymbolSpec } from '../../engine/types';
import { FencedError, JournalFailedError, LeaseExpiredError, TransferWindowFullError, type MatchingHost, type Submission } from '../host';
import { callerEpochOf } from '../../proto/host-client';
import type { OrderReply } from '../core/types';
import type { DrRole } from '../dr/dr-role';
import type { ReplicateCall } from '../dr/replication-source';
import { BUILD_VERSION } from '../build-version';

export function serviceDefinition(): grpc.ServiceDefinition {
  return clientConstructor().service;
}

class BadRequest extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

/** A refusal with a status of its own (not a bad request). */
class Refused extends Error {
  constructor(
    readonly code: grpc.status,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

const account = z
  .number()
  .int()
  .min(1)
  .max(2 ** 31 - 1);
const id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.:-]+$/);
const decimal = z.string().min(1).max(40);

const placeSchema = z.object({
  account,
  clientOrderId: id,
  symbol: z.string().min(1),
  side: z.enum(['buy', 'sell']),
  type: z.enum(['limit', 'market']),
  timeInForce: z.union([z.enum(['GTC', 'IOC', 'FOK', 'GTD']), z.literal('')]),
  price: z.string().max(40),
  quantity: decimal,
  postOnly: z.boolean(),
  stp: z.union([z.enum(['cancel_newest', 'cancel_oldest', 'cancel_both']), z.literal('')]),
  expireTime: z.number().int().min(0),
});
/** the caller's key for a cancel, replace or cancel-all ('' for none): a retry with it gets the first reply */
const requestId = z.union([id, z.literal('')]);
const cancelSchema = z.object({ account, orderId: z.number().int().min(1), requestId });
const replaceSchema = z.object({ account, orderId: z.number().int().min(1), price: decimal, quantity: decimal, requestId });
const cancelAllSchema = z.object({ account, symbol: z.string(), requestId });
const cancelAfterSchema = z.object({
  account,
  timeoutMs: z
    .number()
    .int()
    .min(0)
    .max(24 * 3600_000),
});
const transferSchema = z.object({ account, asset: z.string().min(1).max(16), amount: decimal, transferId: id });
const symbolSchema = z.object({ symbol: z.string().min(1) });
const bookSchema = z.object({ symbol: z.string().min(1), depth: z.number().int().min(0).max(1000) });
const accountSchema = z.object({ account });
const orderSchema = z.object({ account, orderId: z.number().int().min(1) });
/**
 * How far one Fence or Promote may move a host's epoch. A runbook moves it one or two past the
 * highest epoch any host or the control record holds; a host that missed a few runbooks still
 * fits. Without a bound one call with 2^53-1 would leave no epoch for any later promotion.
 */
export const MAX_EPOCH_STEP = 16;
/** epochs stay well inside what every party stores exactly */
export const MAX_EPOCH = 2 ** 31 - 1;

const epochSchema = z.object({
  epoch: z.number().int().min(1).max(MAX_EPOCH),
  replicateFrom: z
    .string()
    .max(256)
    .regex(/^$|^[A-Za-z0-9.-]+:\d{1,5}$/, 'expected host:port')
    .default(''),
  resync: z.boolean().default(false),
});

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new BadRequest('INVALID_REQUEST', `${issue.path.join('.') || 'request'}: ${issue.message}`);
  }
  return r.data;
}

function units(value: string, decimals: number, field: string): number {
  try {
    return toUnits(value, decimals);
  } catch (e) {
    if (e instanceof DecimalError) throw new BadRequest(e.code, `${field}: ${e.message}`);
    throw e;
  }
}

type Unary = (call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => void;
type Method = keyof typeof METHOD_ROLES;

/** The caller's role: the common name of the client certificate the TLS handshake verified. */
export function roleOf(call: { getAuthContext(): { sslPeerCertificate?: PeerCertificate } }): HostRole | undefined {
  const cn: unknown = call.getAuthContext().sslPeerCertificate?.subject?.CN;
  return typeof cn === 'string' && isHostRole(cn) ? cn : undefined;
}

function permitted(method: Method, call: Parameters<typeof roleOf>[0]): Partial<grpc.StatusObject> | null {
  const role = roleOf(call);
  if (role && METHOD_ROLES[method].includes(role)) return null;
  process.stderr.write(`${JSON.stringify({ level: 'warn', msg: 'call refused: role not allowed', method, role: role ?? null })}\n`);
  return refusal(grpc.status.PERMISSION_DENIED, 'ROLE_NOT_ALLOWED', `${method} is not allowed for this client`);
}

/** Methods a caller may use on a host of any epoch (the DR runbooks fence and promote through them). */
const EPOCH_FREE: ReadonlySet<Method> = new Set<Method>(['Health', 'Promote', 'Fence']);

/**
 * Wrap a handler: the caller's role, its epoch, deadline check, error mapping, no internals leaked.
 * A caller that found a newer epoch in the lease than this host's is talking to a stale primary:
 * refused (FENCED), so it looks again.
 */
const unaryFor =
  (host: Pick<MatchingHost, 'epoch' | 'role'>) =>
  (method: Method, fn: (req: unknown) => unknown): Unary =>
  (call, callback) => {
    const denied = permitted(method, call);
    if (denied) {
      callback(denied);
      return;
    }
    const callerEpoch = callerEpochOf(call.metadata);
    if (callerEpoch > host.epoch && !EPOCH_FREE.has(method)) {
      callback(refusal(grpc.status.FAILED_PRECONDITION, 'FENCED', `the caller knows epoch ${callerEpoch}; this host is at ${host.epoch}`));
      return;
    }
    const deadline = call.getDeadline();
    const ms = deadline instanceof Date ? deadline.getTime() : Number(deadline);
    if (Number.isFinite(ms) && ms > 0 && ms <= Date.now()) {
      callback({ code: grpc.status.DEADLINE_EXCEEDED, details: 'deadline passed before the command was executed' });
      return;
    }
    Promise.resolve()
      .then(() => fn(call.request))
      .then(
        (reply) => callback(null, reply),
        (e: unknown) => {
          if (e instanceof BadRequest) callback(refusal(grpc.status.INVALID_ARGUMENT, e.reason, e.message));
          else if (e instanceof Refused) callback(refusal(e.code, e.reason, e.message));
          else if (e instanceof FencedError) callback(refusal(grpc.status.FAILED_PRECONDITION, 'FENCED', e.message));
          // a standby may hold the lease by now: the client looks again and retries there
          else if (e instanceof LeaseExpiredError) callback(refusal(grpc.status.UNAVAILABLE, 'LEASE_EXPIRED', e.message));
          else if (e instanceof RangeError) callback(refusal(grpc.status.INVALID_ARGUMENT, 'INVALID_REQUEST', e.message));
          // every remembered transfer id is still inside its window: refuse a new one rather than forget one (retryable)
          else if (e instanceof TransferWindowFullError)
            callback(refusal(grpc.status.RESOURCE_EXHAUSTED, 'TRANSFER_WINDOW_FULL', e.message));
          else if (e instanceof JournalFailedError) {
            process.stderr.write(`${JSON.stringify({ level: 'fatal', msg: 'journal failed; refusing commands', error: e.message })}\n`);
            callback(refusal(grpc.status.UNAVAILABLE, 'JOURNAL_FAILED', 'the host cannot make commands durable'));
          } else {
            process.stderr.write(`${JSON.stringify({ level: 'error', msg: 'command failed', error: String(e) })}\n`);
            callback(refusal(grpc.status.UNAVAILABLE, 'INTERNAL', 'the host could not complete the command'));
          }
        },
      );
  };

export interface ServiceOptions {
  dr?: DrRole;
  /** Deposit credits simulated funding: only where the stage has it (never with real money) */
  deposits: boolean;
  /** the only addresses a Fence may tell this host to follow (its configured peer) */
  peers: readonly string[];
}

export function createService(host: MatchingHost, o: ServiceOptions): grpc.UntypedServiceImplementation {
  const dr = o.dr;
  const unary = unaryFor(host);
  /** an epoch a Fence or Promote may move this host to */
  const epochOf = (req: unknown): z.infer<typeof epochSchema> => {
    const e = parse(epochSchema, req);
    if (e.epoch > host.epoch + MAX_EPOCH_STEP)
      throw new BadRequest('EPOCH_OUT_OF_RANGE', `epoch ${e.epoch} is more than ${MAX_EPOCH_STEP} above this host's ${host.epoch}`);
    if (e.replicateFrom && !o.peers.includes(e.replicateFrom))
      throw new BadRequest('UNKNOWN_PEER', `${e.replicateFrom} is not this host's configured peer`);
    return e;
  };
  const spec = (symbol: string): SymbolSpec => {
    const s = host.core.spec(symbol);
    if (!s) throw new BadRequest('UNKNOWN_SYMBOL', `unknown symbol ${symbol}`);
    return s;
  };
  const px = (s: SymbolSpec, v: number): string => fromUnits(v, s.priceDecimals);
  const qty = (s: SymbolSpec, v: number): string => fromUnits(v, s.qtyDecimals);
  const orderReply = (o: OrderReply, duplicate: boolean): Record<string, unknown> => {
    const s = host.core.spec(o.symbol);
    const p = (v: number): string => (s ? px(s, v) : String(v));
    const q = (v: number): string => (s ? qty(s, v) : String(v));
    return {
      orderId: o.orderId,
      clientOrderId: o.clientOrderId,
      symbol: o.symbol,
      side: o.side,
      status: o.status,
      price: p(o.price),
      quantity: q(o.quantity),
      filled: q(o.filled),
      leaves: q(o.leaves),
      fills: o.fills.map((f) => ({
        price: p(f.price),
        quantity: q(f.quantity),
        counterOrderId: f.counterOrderId,
        sequence: f.sequence,
        liquidity: f.liquidity,
      })),
      reason: o.reason,
      seq: o.seq,
      duplicate,
    };
  };
  const cancelReply = async (sub: Submission): Promise<Record<string, unknown>> => {
    const r = await host.submit(sub);
    if (r.rejectReason) throw new BadRequest(r.rejectReason, `command rejected: ${r.rejectReason}`);
    return { canceled: r.canceled ?? [], seq: r.seq, duplicate: r.duplicate };
  };
  /** A request id the host has answered before: the retry is answered as the first was, whatever the order's state now. */
  const answered = (account: number, id: string): boolean => id !== '' && host.core.priorRequest(account, id) !== undefined;
  const withId = (id: string): { requestId?: string } => (id === '' ? {} : { requestId: id });
  const transfer =
    (type: 'deposit' | 'withdraw') =>
    async (req: unknown): Promise<Record<string, unknown>> => {
      const t = parse(transferSchema, req);
      const asset = host.core.config.assets[t.asset];
      if (!asset) throw new BadRequest('UNKNOWN_ASSET', `unknown asset ${t.asset}`);
      const amount = units(t.amount, asset.decimals, 'amount');
      if (amount <= 0) throw new BadRequest('INVALID_AMOUNT', 'amount must be positive');
      const r = await host.submit({ type, account: t.account, asset: t.asset, amount: String(amount), transferId: t.transferId });
      const tr = r.transfer as NonNullable<typeof r.transfer>;
      return { transferId: tr.transferId, ok: tr.ok, reason: tr.reason, seq: tr.seq, duplicate: r.duplicate };
    };
  const health = (): Record<string, unknown> => ({
    role: host.role,
    epoch: host.epoch,
    lastSeq: host.lastSeq,
    checksum: host.core.engine.checksum(),
    journalHealthy: host.journalHealthy,
    version: BUILD_VERSION,
    ...(dr?.status() ?? {}),
  });
  const openOrder = (o: ReturnType<typeof host.core.engine.openOrders>[number]): Record<string, unknown> => {
    const s = spec(o.symbol);
    return {
      orderId: o.orderId,
      clientOrderId: host.core.clientOrderIdOf(o.orderId) ?? '',
      symbol: o.symbol,
      side: o.side,
      price: px(s, o.price),
      quantity: qty(s, o.quantity),
      filled: qty(s, o.filled),
      leaves: qty(s, o.leaves),
      timeInForce: o.timeInForce,
      time: o.time,
    };
  };

  return {
    PlaceOrder: unary('PlaceOrder', async (req) => {
      const p = parse(placeSchema, req);
      const s = spec(p.symbol);
      if (p.type === 'limit' && p.price === '') throw new BadRequest('INVALID_PRICE', 'a limit order needs a price');
      const tif = p.timeInForce || (p.type === 'market' ? 'IOC' : 'GTC');
      const r = await host.submit({
        type: 'place',
        account: p.account,
        clientOrderId: p.clientOrderId,
        symbol: p.symbol,
        side: p.side,
        orderType: p.type,
        timeInForce: tif,
        price: p.type === 'limit' ? units(p.price, s.priceDecimals, 'price') : 0,
        quantity: units(p.quantity, s.qtyDecimals, 'quantity'),
        postOnly: p.postOnly,
        stp: p.stp || 'cancel_newest',
        expireTime: p.expireTime,
      });
      return orderReply(r.order as OrderReply, r.duplicate);
    }),
    CancelOrder: unary('CancelOrder', (req) => {
      const c = parse(cancelSchema, req);
      // another account's order is refused before the journal, exactly like a missing one: no
      // rejected event under the caller's account that would tell it the order exists or name it
      const o = host.core.engine.getOrder(c.orderId);
      if (!answered(c.account, c.requestId) && (!o || o.account !== c.account))
        throw new BadRequest('UNKNOWN_ORDER', `no open order ${c.orderId}`);
      return cancelReply({ type: 'cancel', account: c.account, orderId: c.orderId, ...withId(c.requestId) });
    }),
    ReplaceOrder: unary('ReplaceOrder', (req) => {
      const c = parse(replaceSchema, req);
      // answered from the request-id record (host.submit): the figures of this repeat are never read
      if (answered(c.account, c.requestId))
        return cancelReply({ type: 'replace', account: c.account, orderId: c.orderId, price: 0, quantity: 0, requestId: c.requestId });
      const o = host.core.engine.getOrder(c.orderId);
      if (!o || o.account !== c.account) throw new BadRequest('UNKNOWN_ORDER', `no open order ${c.orderId}`);
      const s = spec(o.symbol);
      return cancelReply({
        type: 'replace',
        account: c.account,
        orderId: c.orderId,
        price: units(c.price, s.priceDecimals, 'price'),
        quantity: units(c.quantity, s.qtyDecimals, 'quantity'),
        ...withId(c.requestId),
      });
    }),
    CancelAll: unary('CancelAll', (req) => {
      const c = parse(cancelAllSchema, req);
      if (c.symbol) spec(c.symbol);
      return cancelReply({ type: 'cancelAll', account: c.account, symbol: c.symbol || undefined, ...withId(c.requestId) });
    }),
    CancelAllAfter: unary('CancelAllAfter', async (req) => {
      const c = parse(cancelAfterSchema, req);
      // the deadline is fixed here, then journaled with the command: a replay arms the same one
      const deadline = c.timeoutMs === 0 ? 0 : Math.max(Date.now(), host.lastCommandTime) + c.timeoutMs;
      const r = await host.submit({ type: 'cancelAllAfter', account: c.account, deadline });
      if (r.rejectReason) throw new BadRequest(r.rejectReason, `command rejected: ${r.rejectReason}`);
      return { deadline, seq: host.lastSeq };
    }),
    GetOrder: unary('GetOrder', (req) => {
      const g = parse(orderSchema, req);
      const o = host.core.engine.getOrder(g.orderId);
      // another account's order is reported exactly like a missing one
      if (!o || o.account !== g.account) throw new BadRequest('UNKNOWN_ORDER', `no open order ${g.orderId}`);
      return openOrder(o);
    }),
    ListOpenOrders: unary('ListOpenOrders', (req) => {
      const l = parse(z.object({ account, symbol: z.string() }), req);
      if (l.symbol) spec(l.symbol);
      return { orders: host.core.engine.openOrders(l.account, l.symbol || undefined).map(openOrder) };
    }),
    GetBook: unary('GetBook', (req) => {
      const b = parse(bookSchema, req);
      const s = spec(b.symbol);
      const l2 = host.core.engine.l2(b.symbol, b.depth || 50);
      const level = (l: { price: number; quantity: number; orders: number }): Record<string, unknown> => ({
        price: px(s, l.price),
        quantity: qty(s, l.quantity),
        orders: l.orders,
      });
      return { symbol: b.symbol, sequence: l2.sequence, bids: l2.bids.map(level), asks: l2.asks.map(level) };
    }),
    Deposit: unary('Deposit', (req) => {
      if (!o.deposits) throw new Refused(grpc.status.FAILED_PRECONDITION, 'DEPOSITS_DISABLED', 'deposits are switched off on this host');
      return transfer('deposit')(req);
    }),
    Withdraw: unary('Withdraw', transfer('withdraw')),
    GetBalances: unary('GetBalances', (req) => {
      const a = parse(accountSchema, req);
      const out = [];
      for (const [asset, b] of host.core.balances.ofAccount(a.account)) {
        const d = host.core.config.assets[asset].decimals;
        out.push({ asset, available: fromUnits(b.available, d), held: fromUnits(b.held, d) });
      }
      return { balances: out };
    }),
    HaltSymbol: unary('HaltSymbol', async (req) => {
      const s = parse(symbolSchema, req);
      spec(s.symbol);
      await host.submit({ type: 'halt', symbol: s.symbol });
      return { seq: host.lastSeq };
    }),
    ResumeSymbol: unary('ResumeSymbol', async (req) => {
      const s = parse(symbolSchema, req);
      spec(s.symbol);
      await host.submit({ type: 'resume', symbol: s.symbol });
      return { seq: host.lastSeq };
    }),
    Health: unary('Health', () => health()),
    Promote: unary('Promote', async (req) => {
      const e = epochOf(req);
      if (dr) await dr.promote(e.epoch);
      else host.promote(e.epoch);
      return health();
    }),
    Fence: unary('Fence', async (req) => {
      const e = epochOf(req);
      if (dr) await dr.fence(e.epoch, e.replicateFrom || undefined, e.resync);
      else host.fence(e.epoch);
      return health();
    }),
    Replicate: (call: ReplicateCall) => {
      const denied = permitted('Replicate', call);
      if (denied) call.emit('error', denied);
      else if (dr) dr.replicate(call);
      else call.emit('error', { code: grpc.status.UNIMPLEMENTED, details: 'replication is not served by this host' });
    },
  };
}

export async function startGrpcServer(
  host: MatchingHost,
  address: string,
  tls: TlsMaterial,
  options: ServiceOptions,
): Promise<{ server: grpc.Server; port: number }> {
  // channelz keeps per-call statistics for a debugging UI we do not run; Prometheus covers it
  // standbys ping their replication stream every 5 s (keepalive): allow it
  const server = new grpc.Server({
    'grpc.enable_channelz': 0,
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.http2.min_ping_interval_without_data_ms': 4_000,
  });
  server.addService(serviceDefinition(), createService(host, options));
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(address, serverCredentials(tls), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return { server, port };
}
