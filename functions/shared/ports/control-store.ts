/**
 * The exchange's control record (a DynamoDB global table in AWS, standing in for Route 53 ARC's
 * routing control): which region's matching host is active, at which fencing epoch, and the DR
 * runbooks' pending approvals and last measurements.
 */
export interface ActiveRegion {
  region: string;
  /** fencing epoch of the active host; every switch raises it */
  epoch: number;
  /** ISO time of the last switch */
  since: string;
  /** who or what switched it (execution ARN, or "initial") */
  changedBy: string;
}

/** A DR runbook waiting for a second operator (Step Functions task token). */
export interface PendingApproval {
  execution: string;
  taskToken: string;
  runbook: 'failover' | 'failback';
  requestedBy: string;
  reason: string;
  /** ISO time after which the runbook gives up waiting */
  expiresAt: string;
  /** what the assessment found, for the approver to read */
  summary: Record<string, string | number | boolean | null>;
}

export class ActiveRegionChanged extends Error {
  constructor(expectedEpoch: number) {
    super(`the active region changed: its epoch is no longer ${expectedEpoch}`);
    this.name = 'ActiveRegionChanged';
  }
}

export class RunbookInProgress extends Error {
  constructor(readonly holder: string) {
    super(`another DR runbook is in progress: ${holder}`);
    this.name = 'RunbookInProgress';
  }
}

export interface ControlStore {
  activeRegion(): Promise<ActiveRegion | null>;
  /** Switch only if the record is still at `expectedEpoch` (or absent, when expectedEpoch is 0); else ActiveRegionChanged. */
  switchActiveRegion(next: ActiveRegion, expectedEpoch: number): Promise<void>;
  putApproval(a: PendingApproval): Promise<void>;
  approval(execution: string): Promise<PendingApproval | null>;
  /** Remove it once answered; false if it was not there (answered already) */
  takeApproval(execution: string): Promise<PendingApproval | null>;
  /**
   * One DR runbook at a time: claim the lock for `execution` until `expiresAt` (ISO; a runbook that
   * died without releasing it frees it then). Claiming again by the same execution succeeds;
   * another holder's live claim throws RunbookInProgress.
   */
  claimRunbook(execution: string, expiresAt: string, now: string): Promise<void>;
  /** Release it if `execution` holds it. */
  releaseRunbook(execution: string): Promise<void>;
}
