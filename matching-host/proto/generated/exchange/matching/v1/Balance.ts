// Original file: matching-host/proto/matching_host.proto


export interface Balance {
  'asset'?: (string);
  'available'?: (string);
  'held'?: (string);
}

export interface Balance__Output {
  'asset': (string);
  'available': (string);
  'held': (string);
}
