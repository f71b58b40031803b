// Original file: matching-host/proto/matching_host.proto

import type { Long } from '@grpc/proto-loader';

export interface ReplicaAck {
  /**
   * first message: the next seq the standby needs
   */
  'fromSeq'?: (number | string | Long);
  /**
   * first message: the epoch the standby's last command belongs to
   */
  'epoch'?: (number | string | Long);
  /**
   * later messages: highest seq on the standby's disk
   */
  'durableSeq'?: (number | string | Long);
  'replicaId'?: (string);
  /**
   * first message: send a snapshot whatever the standby holds
   */
  'resync'?: (boolean);
  /**
   * first message: a DR replica, never waited for (the in-region standby is synchronous)
   */
  'asynchronous'?: (boolean);
}

export interface ReplicaAck__Output {
  /**
   * first message: the next seq the standby needs
   */
  'fromSeq': (number);
  /**
   * first message: the epoch the standby's last command belongs to
   */
  'epoch': (number);
  /**
   * later messages: highest seq on the standby's disk
   */
  'durableSeq': (number);
  'replicaId': (string);
  /**
   * first message: send a snapshot whatever the standby holds
   */
  'resync': (boolean);
  /**
   * first message: a DR replica, never waited for (the in-region standby is synchronous)
   */
  'asynchronous': (boolean);
}
