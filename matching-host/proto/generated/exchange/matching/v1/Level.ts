// Original file: matching-host/proto/matching_host.proto


export interface Level {
  'price'?: (string);
  'quantity'?: (string);
  'orders'?: (number);
}

export interface Level__Output {
  'price': (string);
  'quantity': (string);
  'orders': (number);
}
