// Original file: matching-host/proto/matching_host.proto

import type { Long } from '@grpc/proto-loader';

export interface ReplaceOrderRequest {
  'account'?: (number | string | Long);
  'orderId'?: (number | string | Long);
  'price'?: (string);
  'quantity'?: (string);
  'requestId'?: (string);
}

export interface ReplaceOrderRequest__Output {
  'account': (number);
  'orderId': (number);
  'price': (string);
  'quantity': (string);
  'requestId': (string);
}
