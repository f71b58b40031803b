// Original file: matching-host/proto/matching_host.proto

import type { Long } from '@grpc/proto-loader';

/**
 * request_id: the caller's key for this request (any string up to 64 characters; empty for none).
 * A request repeated with the same key by the same account is answered with the first one's reply
 * and executes nothing, so a retry after a lost reply is safe (journaled; see request-id window).
 */
export interface CancelOrderRequest {
  'account'?: (number | string | Long);
  'orderId'?: (number | string | Long);
  'requestId'?: (string);
}

/**
 * request_id: the caller's key for this request (any string up to 64 characters; empty for none).
 * A request repeated with the same key by the same account is answered with the first one's reply
 * and executes nothing, so a retry after a lost reply is safe (journaled; see request-id window).
 */
export interface CancelOrderRequest__Output {
  'account': (number);
  'orderId': (number);
  'requestId': (string);
}
