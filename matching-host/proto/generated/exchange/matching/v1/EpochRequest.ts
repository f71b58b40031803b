// Original file: matching-host/proto/matching_host.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Fence: become standby at this epoch; with replicate_from, stream the journal from that primary
 * (resync: start over from its snapshot, e.g. after this host's checksum did not match).
 */
export interface EpochRequest {
  'epoch'?: (number | string | Long);
  'replicateFrom'?: (string);
  'resync'?: (boolean);
}

/**
 * Fence: become standby at this epoch; with replicate_from, stream the journal from that primary
 * (resync: start over from its snapshot, e.g. after this host's checksum did not match).
 */
export interface EpochRequest__Output {
  'epoch': (number);
  'replicateFrom': (string);
  'resync': (boolean);
}
