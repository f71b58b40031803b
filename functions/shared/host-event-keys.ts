/**
 * The public keys the matching host's order events must be signed with (ORDER_EVENT_VERIFY_KEYS):
 * public, so plain configuration. Without them no event can be verified, so none is used.
 */
import type { KeyObject } from 'node:crypto';
import { orderEventVerifyKeys } from '../../matching-host/proto/order-event-signature';
import { config } from './config';

let keys: { text: string; keys: KeyObject[] } | undefined;

export function hostEventKeys(): KeyObject[] {
  const text = config().ORDER_EVENT_VERIFY_KEYS;
  if (!text) throw new Error('ORDER_EVENT_VERIFY_KEYS is not set: order events cannot be verified, so none is used');
  if (keys?.text !== text) keys = { text, keys: orderEventVerifyKeys(text) };
  return keys.keys;
}
