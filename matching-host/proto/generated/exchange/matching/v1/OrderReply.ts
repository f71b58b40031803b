// Original file: matching-host/proto/matching_host.proto

import type { Fill as _exchange_matching_v1_Fill, Fill__Output as _exchange_matching_v1_Fill__Output } from '../../../exchange/matching/v1/Fill';
import type { Long } from '@grpc/proto-loader';

export interface OrderReply {
  'orderId'?: (number | string | Long);
  'clientOrderId'?: (string);
  'symbol'?: (string);
  'side'?: (string);
  /**
   * OPEN | PARTIALLY_FILLED | FILLED | CANCELED | EXPIRED | REJECTED
   */
  'status'?: (string);
  'price'?: (string);
  'quantity'?: (string);
  'filled'?: (string);
  'leaves'?: (string);
  'fills'?: (_exchange_matching_v1_Fill)[];
  /**
   * NONE or the reject / cancel reason code
   */
  'reason'?: (string);
  /**
   * host command sequence number
   */
  'seq'?: (number | string | Long);
  /**
   * answered from the idempotency record
   */
  'duplicate'?: (boolean);
}

export interface OrderReply__Output {
  'orderId': (number);
  'clientOrderId': (string);
  'symbol': (string);
  'side': (string);
  /**
   * OPEN | PARTIALLY_FILLED | FILLED | CANCELED | EXPIRED | REJECTED
   */
  'status': (string);
  'price': (string);
  'quantity': (string);
  'filled': (string);
  'leaves': (string);
  'fills': (_exchange_matching_v1_Fill__Output)[];
  /**
   * NONE or the reject / cancel reason code
   */
  'reason': (string);
  /**
   * host command sequence number
   */
  'seq': (number);
  /**
   * answered from the idempotency record
   */
  'duplicate': (boolean);
}
