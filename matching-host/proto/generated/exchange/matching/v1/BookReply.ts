// Original file: matching-host/proto/matching_host.proto

import type { Level as _exchange_matching_v1_Level, Level__Output as _exchange_matching_v1_Level__Output } from '../../../exchange/matching/v1/Level';
import type { Long } from '@grpc/proto-loader';

export interface BookReply {
  'symbol'?: (string);
  'sequence'?: (number | string | Long);
  'bids'?: (_exchange_matching_v1_Level)[];
  'asks'?: (_exchange_matching_v1_Level)[];
}

export interface BookReply__Output {
  'symbol': (string);
  'sequence': (number);
  'bids': (_exchange_matching_v1_Level__Output)[];
  'asks': (_exchange_matching_v1_Level__Output)[];
}
