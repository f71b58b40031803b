/**
 * What happens to the private order events of one batch from the order-event queue: each is
 * written to its owner's order history (idempotent by its `<seq>:<idx>` id), audited (once per
 * id), its fills handed to settlement (an execution of the settlement state machine), and pushed
 * to the owner's WebSocket connections on the `user` channel, in event order per user. A failure throws, so the queue redelivers the batch; writing again is harmless, and a
 * redelivered event may reach the `user` channel twice (clients tell by its `seq:idx`).
 */
import { unsigned, type SignedOrderEvent } from '../../matching-host/proto/order-event-signature';
import { AccountOwners } from '../shared/account-owners';
import type { AuditLog } from '../shared/ports/audit-log';
import type { OrderEventRecord, OrderHistoryStore } from '../shared/ports/order-history';
import type { SettlementTrigger } from '../shared/ports/settlement-ledger';
import { MAX_FILLS_PER_BATCH } from '../sfn/settlement-service';
import type { UserStore } from '../shared/ports/user-store';
import type { FanoutService } from './fanout-service';

export class OrderEventsService {
  /** an event for an account no user owns cannot be placed anywhere: a poison message */
  private readonly owners: AccountOwners;

  constructor(
    private readonly history: OrderHistoryStore,
    private readonly audit: AuditLog,
    users: Pick<UserStore, 'findByAccountNo'>,
    private readonly fanout: Pick<FanoutService, 'sendTo'>,
    private readonly settlement: SettlementTrigger,
    /** fills per settlement execution (its state's size limit) */
    private readonly fillsPerSettlement = MAX_FILLS_PER_BATCH,
  ) {
    this.owners = new AccountOwners(users, (account) => new Error(`no user owns account ${account}`));
  }

  /** `signed`: verified events; settlement checks their signatures again, the rest keep none. */
  async handle(signed: readonly SignedOrderEvent[]): Promise<void> {
    const events: OrderEventRecord[] = signed.map(unsigned);
    // an event of an account no user owns fails the batch before anything is written
    const owners = await Promise.all(events.map((e) => this.owners.of(e.account)));
    await Promise.all([this.history.putAll(events), ...events.map((e, i) => this.audit.record(auditRecord(e, owners[i])))]);
    // after history (settlement marks its items), before the user channel (a failure redelivers
    // the batch, and settlement is idempotent)
    const fills = signed.filter((e) => e.type === 'fill');
    for (let i = 0; i < fills.length; i += this.fillsPerSettlement) {
      const chunk = fills.slice(i, i + this.fillsPerSettlement);
      const [first, last] = [chunk[0], chunk[chunk.length - 1]];
      await this.settlement.start({ batchId: `fills-${first.seq}.${first.idx}-${last.seq}.${last.idx}`, fills: chunk });
    }
    const byUser = new Map<string, OrderEventRecord[]>();
    events.forEach((e, i) => byUser.set(owners[i], [...(byUser.get(owners[i]) ?? []), e]));
    await Promise.all(
      [...byUser].map(async ([userId, own]) => {
        for (const e of own)
          await this.fanout.sendTo(`user:${userId}`, { channel: 'user', type: 'update', sequence: e.seq, time: e.time, data: e });
      }),
    );
  }
}

function auditRecord(e: OrderEventRecord, userId: string): Parameters<AuditLog['record']>[0] {
  return {
    userId,
    action: `order.${e.type}`,
    outcome: e.type === 'rejected' ? 'rejected' : 'succeeded',
    actorId: userId,
    requestId: `host:${e.seq}:${e.idx}`,
    ip: 'matching-host',
    details: {
      seq: e.seq,
      idx: e.idx,
      orderId: e.orderId ?? null,
      clientOrderId: e.clientOrderId ?? null,
      symbol: e.symbol ?? null,
      side: e.side ?? null,
      price: e.price ?? null,
      quantity: e.quantity ?? null,
      reason: e.reason ?? null,
    },
    key: { time: e.time, id: `host:${e.seq}:${e.idx}` },
  };
}
