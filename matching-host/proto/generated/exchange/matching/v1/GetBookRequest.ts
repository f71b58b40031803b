// Original file: matching-host/proto/matching_host.proto


export interface GetBookRequest {
  'symbol'?: (string);
  'depth'?: (number);
}

export interface GetBookRequest__Output {
  'symbol': (string);
  'depth': (number);
}
