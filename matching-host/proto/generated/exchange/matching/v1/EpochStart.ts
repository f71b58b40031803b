// Original file: matching-host/proto/matching_host.proto

import type { Long } from '@grpc/proto-loader';

export interface EpochStart {
  'epoch'?: (number | string | Long);
  'afterSeq'?: (number | string | Long);
}

export interface EpochStart__Output {
  'epoch': (number);
  'afterSeq': (number);
}
