// Original file: matching-host/proto/matching_host.proto

import type { Long } from '@grpc/proto-loader';

export interface CancelAllRequest {
  'account'?: (number | string | Long);
  'symbol'?: (string);
  'requestId'?: (string);
}

export interface CancelAllRequest__Output {
  'account': (number);
  'symbol': (string);
  'requestId': (string);
}
