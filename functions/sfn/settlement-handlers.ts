/**
 * The settlement state machine's Task functions (statemachines/settlement.asl.json): each takes
 * the state's input and returns its result; what it throws is matched by the state's Retry and
 * Catch by name (InvalidBatch is never retried).
 */
import { eventHandler } from '../shared/event-handler';
import { count, logger } from '../shared/observability';
import type { SettledKey } from '../shared/ports/order-history';
import { ConflictingTradeSide } from '../shared/ports/settlement-ledger';
import type { Reconciliation, Validated } from './settlement-service';
import { settlementService } from './wiring';

/** the state as it travels: the batch, what validation made of it, and what posting it did */
interface State {
  batchId: string;
  fills: SettledKey[];
  validated: Validated;
  ledger: { posted: number; skipped: number };
}

// every task but reconcile is given its batch
const task = <I, O>(fn: (input: I) => Promise<O>) =>
  eventHandler(fn, { correlationId: (input) => (input as { batchId?: unknown } | undefined)?.batchId });

export const validate = task((input: unknown): Promise<Validated> => settlementService().validate(input));

export const post = task(async (state: State): Promise<{ posted: number; skipped: number }> => {
  try {
    const r = await settlementService().post(state.validated);
    count('TradeSidesSettled', r.posted);
    return r;
  } catch (e) {
    // a trade id reused for another trade: money would be lost silently; its own alarm, at once
    if (e instanceof ConflictingTradeSide) {
      count('ConflictingTradeIds', e.conflicts.length);
      logger.error('trade ids settled before with other content', { batchId: state.batchId, conflicts: e.conflicts.slice(0, 20) });
    }
    throw e;
  }
});

export const markSettled = task(async (state: State): Promise<null> => {
  await settlementService().markSettled(state.fills, Date.now());
  return null;
});

export const announce = task(async (state: State): Promise<null> => {
  await settlementService().announce(state.batchId, state.validated, state.ledger);
  return null;
});

/** The Catch path: the batch goes to the parked queue, and the alarm's metric counts it. */
export const park = task(async (state: { error?: { Error?: string; Cause?: string } } & Record<string, unknown>): Promise<null> => {
  const { error, ...batch } = state;
  const reason = `${error?.Error ?? 'unknown'}: ${(error?.Cause ?? '').slice(0, 400)}`;
  await settlementService().park({ batchId: batch.batchId, fills: batch.fills }, reason);
  count('SettlementBatchesParked');
  logger.error('settlement batch parked', { batchId: String(batch.batchId), reason });
  return null;
});

/** Ledger against host per account; differences are counted for an alarm. */
export const reconcile = task(async (): Promise<Reconciliation> => {
  const r = await settlementService().reconcile();
  count('ReconciliationDifferences', r.differences.length);
  // only differences are alarmed: transfers in flight are the host a moment ahead, not money wrong
  if (r.differences.length) logger.error('ledger and host differ', { differences: r.differences.slice(0, 20) });
  if (r.inFlight.length) logger.info('transfers in flight during reconciliation', { inFlight: r.inFlight.length });
  return r;
});
