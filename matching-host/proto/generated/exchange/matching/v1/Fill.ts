// Original file: matching-host/proto/matching_host.proto

import type { Long } from '@grpc/proto-loader';

export interface Fill {
  'price'?: (string);
  'quantity'?: (string);
  'counterOrderId'?: (number | string | Long);
  'sequence'?: (number | string | Long);
  /**
   * maker | taker
   */
  'liquidity'?: (string);
}

export interface Fill__Output {
  'price': (string);
  'quantity': (string);
  'counterOrderId': (number);
  'sequence': (number);
  /**
   * maker | taker
   */
  'liquidity': (string);
}
