// Computes, with the UCUM library, the factor that takes each common unit into each analyte's unit.
import { createRequire } from 'node:module';
import type { Analyte } from '../lib/engine/types';
import { ucumFallback } from '../lib/terminology/ucumFallback';

export function computeUnitFactors(
  list: readonly Analyte[],
  units: readonly string[],
): Record<string, Record<string, number>> {
  const req = createRequire(__filename);
  const ucum = req('@lhncbc/ucum-lhc') as typeof import('@lhncbc/ucum-lhc');
  const convert = ucumFallback(ucum.UcumLhcUtils.getInstance());
  const table: Record<string, Record<string, number>> = {};
  for (const analyte of list) {
    const row: Record<string, number> = {};
    for (const unit of units) {
      const factor = convert(1, unit, analyte);
      if (factor !== undefined) row[unit] = Number(factor.toPrecision(12));
    }
    table[analyte.id] = row;
  }
  return table;
}
