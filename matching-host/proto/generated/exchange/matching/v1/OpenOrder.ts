// Original file: matching-host/proto/matching_host.proto

import type { Long } from '@grpc/proto-loader';

export interface OpenOrder {
  'orderId'?: (number | string | Long);
  'clientOrderId'?: (string);
  'symbol'?: (string);
  'side'?: (string);
  'price'?: (string);
  'quantity'?: (string);
  'filled'?: (string);
  'leaves'?: (string);
  'timeInForce'?: (string);
  'time'?: (number | string | Long);
}

export interface OpenOrder__Output {
  'orderId': (number);
  'clientOrderId': (string);
  'symbol': (string);
  'side': (string);
  'price': (string);
  'quantity': (string);
  'filled': (string);
  'leaves': (string);
  'timeInForce': (string);
  'time': (number);
}
