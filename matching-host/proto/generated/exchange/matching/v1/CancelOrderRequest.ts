// Original file: matching-host/proto/matching_host.proto

import type { Long } from '@grpc/proto-loader';

export interface CancelOrderRequest {
  'account'?: (number | string | Long);
  'orderId'?: (number | string | Long);
}

export interface CancelOrderRequest__Output {
  'account': (number);
  'orderId': (number);
}
