// Original file: matching-host/proto/matching_host.proto


export interface SymbolRequest {
  'symbol'?: (string);
}

export interface SymbolRequest__Output {
  'symbol': (string);
}
