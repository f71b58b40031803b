/**
 * The public keys the matching host's order events must be signed with (public-keys.ts). Without
 * them no event can be verified, so none is used.
 */
import type { KeyObject } from 'node:crypto';
import { orderEventVerifyKeys } from '../../matching-host/proto/order-event-signature';
import { publicKeys } from './public-keys';

let keys: { text: string; keys: KeyObject[] } | undefined;

export async function hostEventKeys(): Promise<KeyObject[]> {
  const text = await publicKeys('orderEventVerifyKeys');
  if (keys?.text !== text) keys = { text, keys: orderEventVerifyKeys(text) };
  return keys.keys;
}
