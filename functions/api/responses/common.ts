/** Pieces the response schemas share. */
import { z } from 'zod';

export const decimal = z.string().regex(/^\d+(\.\d+)?$/, 'a decimal string such as "42000.50"');
/** ledger amounts carry their sign */
export const signedDecimal = z.string().regex(/^-?\d+(\.\d+)?$/, 'a decimal string, negative for a debit');
export const time = z.iso.datetime();
export const role = z.enum(['trader', 'ops', 'admin']);
export const nextCursor = z.string().min(1).optional();

/** Every refusal: the handlers' error handler and API Gateway's gateway responses alike. */
export const ApiError = z
  .object({ code: z.string().regex(/^[A-Z][A-Z0-9_]*$/), message: z.string(), requestId: z.string().min(1) })
  .strict();
