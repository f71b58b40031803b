/**
 * What happens to each private order event from the order-event queue: it is written to the
 * owner's order history (idempotent by its `<seq>:<idx>` id), audited, and pushed to the owner's
 * WebSocket connections on the `user` channel. A failure throws, so the queue redelivers the event;
 * after bounded retries it goes to the dead-letter queue.
 */
import type { AuditLog } from '../shared/ports/audit-log';
import type { OrderEventRecord, OrderHistoryStore } from '../shared/ports/order-history';
import type { UserStore } from '../shared/ports/user-store';
import type { FanoutService } from './fanout-service';

export class OrderEventsService {
  /** account number → user id (accounts never change owner) */
  private readonly owners = new Map<number, string>();

  constructor(
    private readonly history: OrderHistoryStore,
    private readonly audit: AuditLog,
    private readonly users: Pick<UserStore, 'findByAccountNo'>,
    private readonly fanout: Pick<FanoutService, 'sendTo'>,
  ) {}

  async handle(e: OrderEventRecord): Promise<void> {
    const userId = await this.owner(e.account);
    await this.history.put(e);
    await this.audit.record({
      userId, action: `order.${e.type}`, outcome: e.type === 'rejected' ? 'rejected' : 'succeeded', actorId: userId, requestId: `host:${e.seq}:${e.idx}`, ip: 'matching-host',
      details: {
        seq: e.seq, idx: e.idx, orderId: e.orderId ?? null, clientOrderId: e.clientOrderId ?? null, symbol: e.symbol ?? null, side: e.side ?? null,
        price: e.price ?? null, quantity: e.quantity ?? null, reason: e.reason ?? null,
      },
      key: { time: e.time, id: `host:${e.seq}:${e.idx}` },
    });
    await this.fanout.sendTo(`user:${userId}`, { channel: 'user', type: 'update', sequence: e.seq, time: e.time, data: e });
  }

  private async owner(account: number): Promise<string> {
    let id = this.owners.get(account);
    if (!id) {
      const u = await this.users.findByAccountNo(account);
      // an event for an account no user owns cannot be placed anywhere: a poison message
      if (!u) throw new Error(`no user owns account ${account}`);
      id = u.id;
      this.owners.set(account, id);
    }
    return id;
  }
}
