/**
 * Who subscribed to what, indexed for the fan-out (Redis): subscription key ("trades:BTC-USD") →
 * connection ids. DynamoDB's connection records stay the record; this is their reverse index.
 */
export interface SubscriberIndex {
  add(connectionId: string, keys: string[]): Promise<void>;
  remove(connectionId: string, keys: string[]): Promise<void>;
  subscribers(key: string): Promise<string[]>;
}

/** The index key of a connection's subscription: the private `user` channel is indexed per user. */
export function indexKey(subscription: string, userId: string | null): string {
  return subscription === 'user' && userId ? `user:${userId}` : subscription;
}
