// Original file: matching-host/proto/matching_host.proto

import type { Long } from '@grpc/proto-loader';

export interface TransferRequest {
  'account'?: (number | string | Long);
  'asset'?: (string);
  'amount'?: (string);
  'transferId'?: (string);
}

export interface TransferRequest__Output {
  'account': (number);
  'asset': (string);
  'amount': (string);
  'transferId': (string);
}
