// Original file: matching-host/proto/matching_host.proto

import type { Long } from '@grpc/proto-loader';

export interface StatusReply {
  'seq'?: (number | string | Long);
}

export interface StatusReply__Output {
  'seq': (number);
}
