import { z } from 'zod';

export const MarketPath = z.object({ symbol: z.string().regex(/^[A-Z0-9]{2,10}-[A-Z0-9]{2,10}$/, 'a symbol such as BTC-USD') }).strict();
export const BookQuery = z.object({ depth: z.coerce.number().int().min(1).max(100).default(20) }).strict();
export const TradesQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).default(50) }).strict();
