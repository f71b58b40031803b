// Original file: matching-host/proto/matching_host.proto

import type { Long } from '@grpc/proto-loader';

export interface HealthReply {
  'role'?: (string);
  'epoch'?: (number | string | Long);
  'lastSeq'?: (number | string | Long);
  'checksum'?: (string);
  /**
   * primary: highest seq a standby acknowledged; standby: highest seq the primary said it acked
   */
  'replicatedSeq'?: (number | string | Long);
  /**
   * primary: standbys attached now; standby: 1 while its stream to the primary is up
   */
  'replicas'?: (number);
  /**
   * primary: commands acknowledged to clients without a standby having them (degraded);
   * standby: that count as its primary last reported it
   */
  'unreplicatedAcks'?: (number | string | Long);
  /**
   * standby: commands of its own dropped when it rejoined a primary that had diverged from it
   */
  'discarded'?: (number | string | Long);
  'journalHealthy'?: (boolean);
  /**
   * this host's id in its group (HOST_ID)
   */
  'hostId'?: (string);
  /**
   * a follower: how far behind its primary's acknowledgements it is (the RPO its promotion would
   * cause); a primary: the furthest behind of its asynchronous followers (the DR replica)
   */
  'lagCommands'?: (number | string | Long);
  'lagMs'?: (number | string | Long);
  /**
   * a primary: it holds a lease it may acknowledge under (always true without a lease)
   */
  'leaseValid'?: (boolean);
  /**
   * the build this host runs (npm run build:host's release version; `source` from the sources)
   */
  'version'?: (string);
}

export interface HealthReply__Output {
  'role': (string);
  'epoch': (number);
  'lastSeq': (number);
  'checksum': (string);
  /**
   * primary: highest seq a standby acknowledged; standby: highest seq the primary said it acked
   */
  'replicatedSeq': (number);
  /**
   * primary: standbys attached now; standby: 1 while its stream to the primary is up
   */
  'replicas': (number);
  /**
   * primary: commands acknowledged to clients without a standby having them (degraded);
   * standby: that count as its primary last reported it
   */
  'unreplicatedAcks': (number);
  /**
   * standby: commands of its own dropped when it rejoined a primary that had diverged from it
   */
  'discarded': (number);
  'journalHealthy': (boolean);
  /**
   * this host's id in its group (HOST_ID)
   */
  'hostId': (string);
  /**
   * a follower: how far behind its primary's acknowledgements it is (the RPO its promotion would
   * cause); a primary: the furthest behind of its asynchronous followers (the DR replica)
   */
  'lagCommands': (number);
  'lagMs': (number);
  /**
   * a primary: it holds a lease it may acknowledge under (always true without a lease)
   */
  'leaseValid': (boolean);
  /**
   * the build this host runs (npm run build:host's release version; `source` from the sources)
   */
  'version': (string);
}
