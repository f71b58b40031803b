// Original file: matching-host/proto/matching_host.proto

import type { Long } from '@grpc/proto-loader';

export interface ListOpenOrdersRequest {
  'account'?: (number | string | Long);
  'symbol'?: (string);
}

export interface ListOpenOrdersRequest__Output {
  'account': (number);
  'symbol': (string);
}
