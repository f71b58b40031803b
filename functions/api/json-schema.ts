import { z } from 'zod';
import { DEFAULT_MARKET } from '../../matching-host/proto/market-config';

/**
 * Fields whose values are a fixed set on the server (the market configuration the functions run
 * with), though the handlers' schemas check only their shape and answer an unknown one with its
 * own code (UNKNOWN_SYMBOL, UNKNOWN_ASSET, 404 for a market): the document lists the set.
 */
export const VOCABULARY: Readonly<Record<string, readonly string[]>> = (() => {
  const symbols = DEFAULT_MARKET.symbols.map((s) => s.symbol);
  const assets = Object.keys(DEFAULT_MARKET.assets);
  return { symbol: symbols, asset: assets, base: assets, quote: assets };
})();

type Json = Record<string, unknown>;

/** Give every string property named as in VOCABULARY (at any depth) its set of values. */
function withVocabulary(schema: Json): Json {
  const props = schema.properties as Record<string, Json> | undefined;
  if (props)
    for (const [name, p] of Object.entries(props)) {
      const values = VOCABULARY[name];
      if (values && p.type === 'string') p.enum = [...values];
    }
  for (const v of Object.values(schema)) {
    for (const x of Array.isArray(v) ? (v as unknown[]) : [v]) if (x && typeof x === 'object') withVocabulary(x as Json);
  }
  return schema;
}

/**
 * A zod schema as JSON Schema 2020-12 (what OpenAPI 3.1 and AsyncAPI 3 embed), as a client writes
 * it (`input`, for requests) or as the server sends it (`output`, for responses).
 */
export function jsonSchemaOf(s: z.ZodType, io: 'input' | 'output' = 'input'): Json {
  const js = z.toJSONSchema(s, { io, unrepresentable: 'any' }) as Json;
  // the documents declare their own dialect
  delete js.$schema;
  return withVocabulary(js);
}
