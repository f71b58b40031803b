/**
 * A recovered engine runs with the symbol specs its history began with (they travel in its
 * snapshots), not with the configuration the host was started with: applying a changed spec to
 * commands journaled under the old one would make a replay disagree with the original run. So a
 * change (a reference price given to a market that was listed without one, say) does not take
 * effect on an existing history; this names each such difference so the operator learns of it.
 */
import type { SymbolSpec } from '../../engine/types';

const FIELDS: (keyof SymbolSpec)[] = [
  'base',
  'quote',
  'priceDecimals',
  'qtyDecimals',
  'tickSize',
  'lotSize',
  'minPrice',
  'maxPrice',
  'minQty',
  'maxQty',
  'bandBps',
  'referencePrice',
];

/** "SYMBOL: field configured X, history Y" for every field that differs, and symbols only one side has. */
export function specDrift(configured: readonly SymbolSpec[], recovered: readonly SymbolSpec[]): string[] {
  const out: string[] = [];
  const history = new Map(recovered.map((s) => [s.symbol, s]));
  for (const c of configured) {
    const h = history.get(c.symbol);
    if (!h) {
      out.push(`${c.symbol}: configured, but the history has no such book`);
      continue;
    }
    for (const f of FIELDS)
      if (c[f] !== h[f]) out.push(`${c.symbol}: ${f} configured ${String(c[f] ?? 'none')}, history ${String(h[f] ?? 'none')}`);
  }
  for (const h of recovered) if (!configured.some((c) => c.symbol === h.symbol)) out.push(`${h.symbol}: in the history, not configured`);
  return out;
}
