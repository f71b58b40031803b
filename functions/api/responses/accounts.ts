/** What the account routes answer. */
import { z } from 'zod';
import type { BalanceView, StatementView, TransferView } from '../../accounts/account-service';
import { answers } from './answers';
import { decimal, nextCursor, signedDecimal, time } from './common';

export const Transfer = answers<TransferView>()(
  z
    .object({
      transferId: z.uuid(),
      kind: z.enum(['deposit', 'withdrawal']),
      asset: z.string(),
      amount: decimal,
      /** a refused transfer is answered 422, so an answer holds a completed one, or one still going on or in review */
      status: z.enum(['requested', 'completed', 'rejected', 'review']),
      reason: z.string().optional(),
      createdAt: time,
      completedAt: time.optional(),
    })
    .strict(),
);

const Balance = answers<BalanceView>()(
  z
    .object({
      asset: z.string(),
      /** what orders and withdrawals may use now (matching host) */
      available: decimal,
      /** held by open orders (matching host) */
      held: decimal,
      /** the ledger's balance: deposits, withdrawals and settled trades */
      settled: decimal,
    })
    .strict(),
);

export const Balances = z.object({ balances: z.array(Balance) }).strict();

export const Statement = answers<StatementView>()(
  z
    .object({
      items: z.array(
        z
          .object({
            entryId: z.number().int().min(1),
            kind: z.string(),
            reference: z.string(),
            asset: z.string(),
            amount: signedDecimal,
            balanceAfter: signedDecimal,
            time,
          })
          .strict(),
      ),
      nextCursor,
    })
    .strict(),
);
