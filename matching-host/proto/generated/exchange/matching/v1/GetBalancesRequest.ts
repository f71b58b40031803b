// Original file: matching-host/proto/matching_host.proto

import type { Long } from '@grpc/proto-loader';

export interface GetBalancesRequest {
  'account'?: (number | string | Long);
}

export interface GetBalancesRequest__Output {
  'account': (number);
}
