// Original file: matching-host/proto/matching_host.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Dead-man switch: unless called again first, every open order of the account is canceled
 * timeout_ms from now; 0 disarms it.
 */
export interface CancelAfterRequest {
  'account'?: (number | string | Long);
  'timeoutMs'?: (number | string | Long);
}

/**
 * Dead-man switch: unless called again first, every open order of the account is canceled
 * timeout_ms from now; 0 disarms it.
 */
export interface CancelAfterRequest__Output {
  'account': (number);
  'timeoutMs': (number);
}
