// Original file: matching-host/proto/matching_host.proto

import type { EpochStart as _exchange_matching_v1_EpochStart, EpochStart__Output as _exchange_matching_v1_EpochStart__Output } from '../../../exchange/matching/v1/EpochStart';
import type { Long } from '@grpc/proto-loader';

export interface ReplicationBatch {
  'epoch'?: (number | string | Long);
  /**
   * journal records as the journal frames them, contiguous
   */
  'records'?: (Buffer | Uint8Array | string);
  'firstSeq'?: (number | string | Long);
  'lastSeq'?: (number | string | Long);
  /**
   * a whole snapshot file: the standby restarts from it
   */
  'snapshot'?: (Buffer | Uint8Array | string);
  'snapshotSeq'?: (number | string | Long);
  /**
   * highest seq the primary has acknowledged to clients (RPO reference)
   */
  'ackedSeq'?: (number | string | Long);
  /**
   * where the primary's publishers stand
   */
  'publisherCursors'?: ({[key: string]: number | string | Long});
  /**
   * with a snapshot: the standby's commands after this seq diverged
   */
  'discardAfter'?: (number | string | Long);
  /**
   * the primary's epoch history (the standby adopts it)
   */
  'epochs'?: (_exchange_matching_v1_EpochStart)[];
  /**
   * commands the primary acknowledged without a standby holding them
   */
  'unreplicatedAcks'?: (number | string | Long);
}

export interface ReplicationBatch__Output {
  'epoch': (number);
  /**
   * journal records as the journal frames them, contiguous
   */
  'records': (Buffer);
  'firstSeq': (number);
  'lastSeq': (number);
  /**
   * a whole snapshot file: the standby restarts from it
   */
  'snapshot': (Buffer);
  'snapshotSeq': (number);
  /**
   * highest seq the primary has acknowledged to clients (RPO reference)
   */
  'ackedSeq': (number);
  /**
   * where the primary's publishers stand
   */
  'publisherCursors': ({[key: string]: number});
  /**
   * with a snapshot: the standby's commands after this seq diverged
   */
  'discardAfter': (number);
  /**
   * the primary's epoch history (the standby adopts it)
   */
  'epochs': (_exchange_matching_v1_EpochStart__Output)[];
  /**
   * commands the primary acknowledged without a standby holding them
   */
  'unreplicatedAcks': (number);
}
