// Original file: matching-host/proto/matching_host.proto

import type { Balance as _exchange_matching_v1_Balance, Balance__Output as _exchange_matching_v1_Balance__Output } from '../../../exchange/matching/v1/Balance';

export interface BalancesReply {
  'balances'?: (_exchange_matching_v1_Balance)[];
}

export interface BalancesReply__Output {
  'balances': (_exchange_matching_v1_Balance__Output)[];
}
