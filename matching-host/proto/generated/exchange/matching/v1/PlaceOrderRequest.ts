// Original file: matching-host/proto/matching_host.proto

import type { Long } from '@grpc/proto-loader';

export interface PlaceOrderRequest {
  'account'?: (number | string | Long);
  'clientOrderId'?: (string);
  'symbol'?: (string);
  /**
   * buy | sell
   */
  'side'?: (string);
  /**
   * limit | market
   */
  'type'?: (string);
  /**
   * GTC | IOC | FOK | GTD (default GTC for limit, IOC for market)
   */
  'timeInForce'?: (string);
  /**
   * decimal, limit orders only
   */
  'price'?: (string);
  /**
   * decimal
   */
  'quantity'?: (string);
  'postOnly'?: (boolean);
  /**
   * cancel_newest (default) | cancel_oldest | cancel_both
   */
  'stp'?: (string);
  /**
   * epoch ms, GTD only
   */
  'expireTime'?: (number | string | Long);
}

export interface PlaceOrderRequest__Output {
  'account': (number);
  'clientOrderId': (string);
  'symbol': (string);
  /**
   * buy | sell
   */
  'side': (string);
  /**
   * limit | market
   */
  'type': (string);
  /**
   * GTC | IOC | FOK | GTD (default GTC for limit, IOC for market)
   */
  'timeInForce': (string);
  /**
   * decimal, limit orders only
   */
  'price': (string);
  /**
   * decimal
   */
  'quantity': (string);
  'postOnly': (boolean);
  /**
   * cancel_newest (default) | cancel_oldest | cancel_both
   */
  'stp': (string);
  /**
   * epoch ms, GTD only
   */
  'expireTime': (number);
}
