import { z } from 'zod';

/** `{asset:"USD", amount:"1000.00", idempotencyKey}`: amount checked against the asset's decimals by the service. */
export const TransferBody = z
  .object({
    asset: z.string().regex(/^[A-Z0-9]{2,10}$/, 'an asset code such as USD'),
    amount: z.string().regex(/^\d{1,20}(\.\d{1,18})?$/, 'a positive decimal string such as "1000.00"'),
    // the client's retry token: the same key always names the same transfer
    idempotencyKey: z.string().regex(/^[\w.:-]{8,64}$/, '8–64 characters of [A-Za-z0-9_.:-]'),
  })
  .strict();
export type TransferBody = z.infer<typeof TransferBody>;

export const LedgerQuery = z
  .object({
    asset: z
      .string()
      .regex(/^[A-Z0-9]{2,10}$/)
      .optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(200).optional(),
  })
  .strict();

export const TransferPath = z.object({ transferId: z.uuid() }).strict();
