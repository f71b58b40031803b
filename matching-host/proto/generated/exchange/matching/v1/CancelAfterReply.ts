// Original file: matching-host/proto/matching_host.proto

import type { Long } from '@grpc/proto-loader';

export interface CancelAfterReply {
  'deadline'?: (number | string | Long);
  'seq'?: (number | string | Long);
}

export interface CancelAfterReply__Output {
  'deadline': (number);
  'seq': (number);
}
