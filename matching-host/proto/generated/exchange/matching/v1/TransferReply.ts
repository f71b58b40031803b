// Original file: matching-host/proto/matching_host.proto

import type { Long } from '@grpc/proto-loader';

export interface TransferReply {
  'transferId'?: (string);
  'ok'?: (boolean);
  'reason'?: (string);
  'seq'?: (number | string | Long);
  'duplicate'?: (boolean);
}

export interface TransferReply__Output {
  'transferId': (string);
  'ok': (boolean);
  'reason': (string);
  'seq': (number);
  'duplicate': (boolean);
}
