import { z } from 'zod';

/** A zod schema as JSON Schema 2020-12 (what OpenAPI 3.1 and AsyncAPI 3 embed), as a client writes it. */
export function jsonSchemaOf(s: z.ZodType): Record<string, unknown> {
  const js = z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  // the documents declare their own dialect
  delete js.$schema;
  return js;
}
