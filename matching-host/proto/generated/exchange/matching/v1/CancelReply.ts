// Original file: matching-host/proto/matching_host.proto

import type { Long } from '@grpc/proto-loader';

export interface CancelReply {
  'canceled'?: (number | string | Long)[];
  'seq'?: (number | string | Long);
}

export interface CancelReply__Output {
  'canceled': (number)[];
  'seq': (number);
}
