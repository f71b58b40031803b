import type { AssetSpec, SymbolSpec } from './market-config';

const pow10 = (n: number): bigint => 10n ** BigInt(n);

/**
 * How a trade of a symbol moves money, exactly: quote units = price units × quantity units ×
 * `quote`, base units = quantity units × `base`. The host settles with these, and so does the
 * ledger's settlement (functions/sfn), so the two always agree.
 */
export function settlementFactors(s: SymbolSpec, assets: Record<string, AssetSpec>): { quote: bigint; base: bigint } {
  const q = assets[s.quote];
  const b = assets[s.base];
  if (!q || !b) throw new Error(`${s.symbol}: assets ${s.base}/${s.quote} must be configured`);
  if (q.decimals < s.priceDecimals + s.qtyDecimals || b.decimals < s.qtyDecimals)
    throw new Error(`${s.symbol}: asset decimals too small for exact settlement`);
  return { quote: pow10(q.decimals - s.priceDecimals - s.qtyDecimals), base: pow10(b.decimals - s.qtyDecimals) };
}
