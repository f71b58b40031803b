import type { HostHealth } from '../../functions/shared/ports/matching-host';

/** What a healthy host's Health answers, in `role`, with what a test needs changed. */
export const hostHealth = (role: string, overrides: Partial<HostHealth> = {}): HostHealth => ({
  role,
  epoch: 1,
  lastSeq: 10,
  checksum: 'c10',
  journalHealthy: true,
  replicatedSeq: 10,
  replicas: 1,
  unreplicatedAcks: 0,
  discarded: 0,
  hostId: 'h',
  lagCommands: 0,
  lagMs: 0,
  leaseValid: role === 'primary',
  version: 'source',
  ...overrides,
});
