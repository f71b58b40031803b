/**
 * The DR epochs a host's history went through. Which epoch a command ran in is a fact of the
 * history (a promotion starts an epoch after a given seq), so live execution, journal replay and a
 * standby applying the primary's journal all find the same one: it makes the ids of what the
 * command published (trade ids) unique across failovers, where a new primary reuses the sequences
 * of commands that a failover discarded.
 */

/** Where a promotion began an epoch: commands after `afterSeq` belong to `epoch`. */
export interface EpochStart {
  epoch: number;
  afterSeq: number;
}

/** A history no promotion ever touched is epoch 1 (whatever epoch a fresh host was configured with). */
export const FIRST_EPOCH = 1;

/** The epoch command `seq` ran in; `epochs` in promotion order. */
export function epochAt(epochs: readonly EpochStart[], seq: number): number {
  for (let i = epochs.length - 1; i >= 0; i--) if (seq > epochs[i].afterSeq) return epochs[i].epoch;
  return FIRST_EPOCH;
}
