/**
 * The matching host over gRPC, behind a cockatiel policy: every call has a deadline; calls that
 * failed for reasons a retry can fix (UNAVAILABLE, DEADLINE_EXCEEDED) are retried a bounded number
 * of times with backoff (safe: state-changing calls carry idempotency keys: the caller's client order
 * and transfer ids, and a request id this adapter gives each cancel, replace and cancel-all, so a
 * retry after a lost reply gets the first reply rather than "no such order"); after consecutive
 * failures the breaker opens and calls fail at once with 503 + Retry-After until a probe succeeds.
 *
 * The address is fixed, or asked of a resolver per call (the active region's host, DR): each
 * address has its own connection and breaker, so a failover is not held back by the breaker the
 * dead primary opened, and a FENCED or unreachable host makes the resolver look again at once.
 */
import { status, type ServiceError } from '@grpc/grpc-js';
import { randomUUID } from 'node:crypto';
import { BrokenCircuitError, ConsecutiveBreaker, ExponentialBackoff, circuitBreaker, handleWhen, retry, wrap } from 'cockatiel';
import {
  call,
  connectHost,
  type MatchingHostClient,
  type ReplyOf,
  type RequestOf,
  type UnaryMethod,
} from '../../../matching-host/proto/host-client';
import { reasonCodeOf } from '../../../matching-host/proto/reason-codes';
import type { TlsMaterial } from '../../../matching-host/proto/host-tls';
import { AppError, badRequest, unavailable } from '../errors';
import type {
  HostAdminPort,
  HostBalance,
  HostHealth,
  HostOpenOrder,
  HostOrderReply,
  HostOrderRequest,
  MatchingHostPort,
  TransferResult,
} from '../ports/matching-host';

export interface HostClientOptions {
  deadlineMs?: number;
  retries?: number;
  /** consecutive failures that open the breaker */
  breakAfter?: number;
  /** how long the breaker stays open before a probe */
  halfOpenAfterMs?: number;
}

const RETRYABLE = new Set<number>([status.UNAVAILABLE, status.DEADLINE_EXCEEDED, status.RESOURCE_EXHAUSTED]);
const isTransient = (e: Error): boolean => RETRYABLE.has((e as ServiceError).code);

/** Where the host is now (DR: the active region's host). */
export interface HostAddressSource {
  address(): Promise<string>;
  /** the host answered FENCED: look again rather than trust the cached answer */
  invalidate(): void;
  /** the epoch the address came with (sent with each call: a host below it refuses) */
  epoch?(): number;
}

interface Connection {
  client: MatchingHostClient;
  policy: ReturnType<typeof wrap>;
}

const healthOf = (r: HostHealth): HostHealth => ({
  role: r.role,
  epoch: r.epoch,
  lastSeq: r.lastSeq,
  checksum: r.checksum,
  journalHealthy: r.journalHealthy,
  replicatedSeq: r.replicatedSeq,
  replicas: r.replicas,
  unreplicatedAcks: r.unreplicatedAcks,
  discarded: r.discarded,
  hostId: r.hostId,
  lagCommands: r.lagCommands,
  lagMs: r.lagMs,
  leaseValid: r.leaseValid,
  version: r.version,
});

/** The proto declares sides and liquidity as strings: the host answers only these. */
function oneOf<T extends string>(allowed: readonly T[], value: string, field: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new Error(`the matching host answered ${field} ${JSON.stringify(value)}`);
}
const SIDES = ['buy', 'sell'] as const;
const LIQUIDITY = ['maker', 'taker'] as const;

const orderReplyOf = (r: ReplyOf<'PlaceOrder'>): HostOrderReply => ({
  ...r,
  side: oneOf(SIDES, r.side, 'side'),
  fills: r.fills.map((f) => ({ ...f, liquidity: oneOf(LIQUIDITY, f.liquidity, 'liquidity') })),
});

const openOrderOf = (o: ReplyOf<'GetOrder'>): HostOpenOrder => ({ ...o, side: oneOf(SIDES, o.side, 'side') });

export class GrpcMatchingHost implements MatchingHostPort, HostAdminPort {
  private readonly connections = new Map<string, Connection>();
  private readonly deadlineMs: number;
  private readonly halfOpenAfterMs: number;

  constructor(
    private readonly address: string | HostAddressSource,
    /** this caller's certificate (its role), CA and key */
    private readonly tls: () => Promise<TlsMaterial>,
    private readonly options: HostClientOptions = {},
  ) {
    this.deadlineMs = options.deadlineMs ?? 2_000;
    this.halfOpenAfterMs = options.halfOpenAfterMs ?? 5_000;
  }

  private connection(address: string, tls: TlsMaterial): Connection {
    let c = this.connections.get(address);
    if (!c) {
      const transient = handleWhen(isTransient);
      const retries = retry(transient, {
        maxAttempts: this.options.retries ?? 2,
        backoff: new ExponentialBackoff({ initialDelay: 50, maxDelay: 400 }),
      });
      const breaker = circuitBreaker(transient, {
        halfOpenAfter: this.halfOpenAfterMs,
        breaker: new ConsecutiveBreaker(this.options.breakAfter ?? 5),
      });
      // the breaker outside the retries: one call that exhausted its retries counts once
      c = { client: connectHost(address, tls), policy: wrap(breaker, retries) };
      this.connections.set(address, c);
    }
    return c;
  }

  close(): void {
    for (const c of this.connections.values()) c.client.close();
    this.connections.clear();
  }

  deposit(account: number, asset: string, amount: string, transferId: string): Promise<TransferResult> {
    return this.transfer('Deposit', account, asset, amount, transferId);
  }

  withdraw(account: number, asset: string, amount: string, transferId: string): Promise<TransferResult> {
    return this.transfer('Withdraw', account, asset, amount, transferId);
  }

  async balances(account: number): Promise<HostBalance[]> {
    const r = await this.call('GetBalances', { account });
    return r.balances.map((b) => ({ asset: b.asset, available: b.available, held: b.held }));
  }

  async health(): Promise<HostHealth> {
    return healthOf(await this.call('Health', {}));
  }

  async fence(epoch: number, replicateFrom?: string, resync = false): Promise<HostHealth> {
    return healthOf(await this.call('Fence', { epoch, replicateFrom: replicateFrom ?? '', resync }));
  }

  /**
   * Promote waits (within the deadline) for a channel that failed while its host was down to
   * connect again: the runbooks promote a host they have just probed, and after a failback the
   * first call on the restarted host's channel was otherwise refused at once.
   */
  async promote(epoch: number): Promise<HostHealth> {
    return healthOf(await this.call('Promote', { epoch }, { waitForReady: true }));
  }

  async placeOrder(account: number, o: HostOrderRequest): Promise<HostOrderReply> {
    const reply = await this.call('PlaceOrder', {
      account,
      clientOrderId: o.clientOrderId,
      symbol: o.symbol,
      side: o.side,
      type: o.type,
      timeInForce: o.timeInForce ?? '',
      price: o.price ?? '',
      quantity: o.quantity,
      postOnly: o.postOnly ?? false,
      stp: o.stp ?? '',
      expireTime: o.expireTime ?? 0,
    });
    return orderReplyOf(reply);
  }

  async cancelOrder(account: number, orderId: number): Promise<number[]> {
    return (await this.call('CancelOrder', { account, orderId, requestId: randomUUID() })).canceled;
  }

  async replaceOrder(account: number, orderId: number, price: string, quantity: string): Promise<number[]> {
    return (await this.call('ReplaceOrder', { account, orderId, price, quantity, requestId: randomUUID() })).canceled;
  }

  async cancelAll(account: number, symbol?: string): Promise<number[]> {
    return (await this.call('CancelAll', { account, symbol: symbol ?? '', requestId: randomUUID() })).canceled;
  }

  async cancelAllAfter(account: number, timeoutMs: number): Promise<number> {
    return (await this.call('CancelAllAfter', { account, timeoutMs })).deadline;
  }

  async getOrder(account: number, orderId: number): Promise<HostOpenOrder | null> {
    try {
      return openOrderOf(await this.call('GetOrder', { account, orderId }));
    } catch (e) {
      if (e instanceof AppError && e.code === 'UNKNOWN_ORDER') return null;
      throw e;
    }
  }

  async openOrders(account: number, symbol?: string): Promise<HostOpenOrder[]> {
    return (await this.call('ListOpenOrders', { account, symbol: symbol ?? '' })).orders.map(openOrderOf);
  }

  async halt(symbol: string): Promise<number> {
    return (await this.call('HaltSymbol', { symbol })).seq;
  }

  async resume(symbol: string): Promise<number> {
    return (await this.call('ResumeSymbol', { symbol })).seq;
  }

  private async transfer(
    method: 'Deposit' | 'Withdraw',
    account: number,
    asset: string,
    amount: string,
    transferId: string,
  ): Promise<TransferResult> {
    const r = await this.call(method, { account, asset, amount, transferId });
    return { transferId: r.transferId, ok: r.ok, reason: r.reason, duplicate: r.duplicate };
  }

  private async call<M extends UnaryMethod>(method: M, req: RequestOf<M>, options: { waitForReady?: boolean } = {}): Promise<ReplyOf<M>> {
    const source = typeof this.address === 'string' ? undefined : this.address;
    let address = source ? await source.address() : (this.address as string);
    for (let moved = 0; ; moved++) {
      const c = this.connection(address, await this.tls());
      try {
        return (await c.policy.execute(() =>
          call(c.client, method, req, this.deadlineMs, { ...options, epoch: source?.epoch?.() }),
        )) as ReplyOf<M>;
      } catch (e) {
        // turned away (fenced, lease lapsed) or unreachable (gone, breaker open): the primary may have moved
        const code = (e as Partial<ServiceError>).code;
        const reason = reasonCodeOf(e as Partial<ServiceError>);
        if (
          !source ||
          !(
            (code === status.FAILED_PRECONDITION && reason === 'FENCED') ||
            code === status.UNAVAILABLE ||
            // a host that stalled (paused, cut off) answers nothing: its lease may have moved on
            code === status.DEADLINE_EXCEEDED ||
            e instanceof BrokenCircuitError
          )
        )
          throw this.translate(e);
        source.invalidate();
        // a failover inside the region: the lease names another host by now; try it once (every command carries its idempotency key)
        const next = moved === 0 ? await source.address().catch(() => address) : address;
        if (next === address) throw this.translate(e);
        address = next;
      }
    }
  }

  /** gRPC failures as the API's errors: the caller's mistakes as 400, the host's trouble as 503. */
  private translate(e: unknown): Error {
    if (e instanceof BrokenCircuitError) return unavailable(Math.ceil(this.halfOpenAfterMs / 1000), 'the matching host is unavailable');
    const g = e as Partial<ServiceError>;
    if (g.code === status.INVALID_ARGUMENT) return badRequest(reasonCodeOf(g) ?? 'INVALID_ARGUMENT', g.details || 'invalid request');
    // the host has no simulated funding where the edge thought it had: the same answer the edge gives
    if (reasonCodeOf(g) === 'DEPOSITS_DISABLED') return new AppError(403, 'FUNDING_UNAVAILABLE', 'deposits are off in this stage');
    if (g.code !== undefined && (RETRYABLE.has(g.code) || g.code === status.FAILED_PRECONDITION))
      return unavailable(1, 'the matching host is unavailable');
    return e instanceof AppError ? e : (e as Error);
  }
}
