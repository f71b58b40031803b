// Original file: matching-host/proto/matching_host.proto

import type { Long } from '@grpc/proto-loader';

export interface CancelReply {
  'canceled'?: (number | string | Long)[];
  /**
   * host command sequence number
   */
  'seq'?: (number | string | Long);
  /**
   * answered from the request-id record
   */
  'duplicate'?: (boolean);
}

export interface CancelReply__Output {
  'canceled': (number)[];
  /**
   * host command sequence number
   */
  'seq': (number);
  /**
   * answered from the request-id record
   */
  'duplicate': (boolean);
}
