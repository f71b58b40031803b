// Original file: matching-host/proto/matching_host.proto

import type { Long } from '@grpc/proto-loader';

export interface GetOrderRequest {
  'account'?: (number | string | Long);
  'orderId'?: (number | string | Long);
}

export interface GetOrderRequest__Output {
  'account': (number);
  'orderId': (number);
}
