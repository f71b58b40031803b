/** FanoutService alone (a unit test: its ports are in-memory stand-ins; the e2e suite runs the real ones). */
import type { Connection, ConnectionStore } from '../shared/ports/connection-store';
import type { SocketSender } from '../shared/ports/socket-sender';
import type { SubscriberIndex } from '../shared/ports/subscriber-index';
import { FanoutService } from './fanout-service';

class MemoryIndex implements SubscriberIndex {
  readonly sets = new Map<string, Set<string>>();
  add(id: string, keys: string[]): Promise<void> {
    for (const k of keys) this.sets.set(k, new Set([...(this.sets.get(k) ?? []), id]));
    return Promise.resolve();
  }
  remove(id: string, keys: string[]): Promise<void> {
    for (const k of keys) this.sets.get(k)?.delete(id);
    return Promise.resolve();
  }
  subscribers(key: string): Promise<string[]> {
    return Promise.resolve([...(this.sets.get(key) ?? [])]);
  }
}

class MemoryConnections implements ConnectionStore {
  readonly items = new Map<string, Connection>();
  put(c: Connection): Promise<void> {
    this.items.set(c.connectionId, c);
    return Promise.resolve();
  }
  get(id: string): Promise<Connection | null> {
    return Promise.resolve(this.items.get(id) ?? null);
  }
  remove(id: string): Promise<void> {
    this.items.delete(id);
    return Promise.resolve();
  }
  setSubscriptions(): Promise<boolean> {
    return Promise.resolve(true);
  }
}

class RecordingSender implements SocketSender {
  readonly sent: [string, unknown][] = [];
  constructor(private readonly gone: Set<string>) {}
  send(id: string, message: unknown): Promise<'sent' | 'gone'> {
    if (this.gone.has(id)) return Promise.resolve('gone');
    this.sent.push([id, message]);
    return Promise.resolve('sent');
  }
  disconnect(): Promise<'closed' | 'gone'> {
    return Promise.resolve('gone');
  }
}

/** market data is public: no session is ever asked about */
const noPrivateChannel = {
  closeEnded: (): Promise<Set<string>> => Promise.reject(new Error('market data asked about a session')),
};

describe('FanoutService', () => {
  it('sends each event to its channel and symbol subscribers in order, and forgets connections that are gone', async () => {
    const index = new MemoryIndex();
    const connections = new MemoryConnections();
    const conn = (id: string, subscriptions: string[]): Connection => ({
      connectionId: id,
      userId: null,
      accountNo: null,
      sessionId: null,
      subscriptions,
      connectedAt: '',
      expiresAt: 0,
    });
    await connections.put(conn('a', ['trades:BTC-USD', 'level2:BTC-USD']));
    await connections.put(conn('b', ['trades:BTC-USD']));
    await connections.put(conn('c', ['ticker:BTC-USD']));
    await index.add('a', ['trades:BTC-USD', 'level2:BTC-USD']);
    await index.add('b', ['trades:BTC-USD']);
    await index.add('c', ['ticker:BTC-USD']);
    const sender = new RecordingSender(new Set(['b']));
    const r = await new FanoutService(index, connections, sender, noPrivateChannel).publish([
      {
        type: 'level2',
        symbol: 'BTC-USD',
        sequence: 7,
        seq: 10,
        time: 1,
        data: { side: 'sell', price: '42000.00', quantity: '0.5000', orders: 1 },
      },
      {
        type: 'trade',
        symbol: 'BTC-USD',
        sequence: 8,
        seq: 11,
        time: 2,
        data: { tradeId: 'BTC-USD:8', price: '42000.00', quantity: '0.2000', side: 'buy' },
      },
      {
        type: 'trade',
        symbol: 'ETH-USD',
        sequence: 3,
        seq: 11,
        time: 2,
        data: { tradeId: 'ETH-USD:3', price: '3000.00', quantity: '1.0000', side: 'sell' },
      },
    ]);
    expect(sender.sent).toEqual([
      [
        'a',
        {
          channel: 'level2',
          type: 'update',
          symbol: 'BTC-USD',
          sequence: 7,
          time: 1,
          data: { side: 'sell', price: '42000.00', quantity: '0.5000', orders: 1 },
        },
      ],
      [
        'a',
        {
          channel: 'trades',
          type: 'update',
          symbol: 'BTC-USD',
          sequence: 8,
          time: 2,
          data: { tradeId: 'BTC-USD:8', price: '42000.00', quantity: '0.2000', side: 'buy' },
        },
      ],
      [
        'c',
        { channel: 'ticker', type: 'update', symbol: 'BTC-USD', sequence: 8, time: 2, data: { last: '42000.00', lastQuantity: '0.2000' } },
      ],
      // level2 sees every sequence of its symbol: a marker for the trade
      ['a', { channel: 'level2', type: 'sequence', symbol: 'BTC-USD', sequence: 8, time: 2 }],
    ]);
    expect(r).toEqual({ events: 3, sent: 4, gone: 1, failed: 0 });
    expect(await connections.get('b')).toBeNull();
    expect(await index.subscribers('trades:BTC-USD')).toEqual(['a']);
  });
});
