// Original file: matching-host/proto/matching_host.proto

import type { OpenOrder as _exchange_matching_v1_OpenOrder, OpenOrder__Output as _exchange_matching_v1_OpenOrder__Output } from '../../../exchange/matching/v1/OpenOrder';

export interface ListOpenOrdersReply {
  'orders'?: (_exchange_matching_v1_OpenOrder)[];
}

export interface ListOpenOrdersReply__Output {
  'orders': (_exchange_matching_v1_OpenOrder__Output)[];
}
