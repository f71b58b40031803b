/** The audit trail (DynamoDB, never expires): who did what to which account, and how it ended. */
export interface AuditRecord {
  /** whose account the action touched */
  userId: string;
  /** e.g. deposit, withdrawal, roles.change */
  action: string;
  outcome: 'succeeded' | 'rejected' | 'failed' | 'pending';
  /** who asked (the user themself, or an admin) */
  actorId: string;
  requestId: string;
  ip: string;
  details: Record<string, string | number | boolean | null>;
  /** when and under which id, for a record that may be written again (a redelivered event): written once */
  key?: { time: number; id: string };
}

export interface AuditLog {
  record(r: AuditRecord): Promise<void>;
  /** a user's records, newest first */
  recent(userId: string, limit: number): Promise<(AuditRecord & { at: string })[]>;
}

/** Where a request came from, as audit records note it. */
export interface RequestContext {
  requestId: string;
  ip: string;
}
