import type { z } from 'zod';

/**
 * `answers<ServiceView>()(schema)` is the schema, and tsc fails where what a service returns does
 * not fit what the document declares for it (for services outside functions/api that do not
 * infer their types from these schemas).
 */
export function answers<Actual>(): <S extends z.ZodType>(schema: S & ([Actual] extends [z.output<S>] ? unknown : never)) => S {
  return (schema) => schema;
}
