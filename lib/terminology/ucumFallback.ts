// Wraps @lhncbc/ucum-lhc as the converter of last resort for units the precomputed table lacks.
// Imported on the server directly and in the browser only on demand (it carries 230 kB of data).
import type { UcumUtils } from '@lhncbc/ucum-lhc';
import type { Analyte } from '../engine/types';
import type { UnitFallback } from './units';

export function ucumFallback(utils: UcumUtils): UnitFallback {
  return (value: number, ucumCode: string, analyte: Analyte) => {
    const result = utils.convertUnitTo(ucumCode, value, analyte.unit, {
      ...(analyte.molecularWeight !== undefined ? { molecularWeight: analyte.molecularWeight } : {}),
      ...(analyte.charge !== undefined ? { charge: analyte.charge } : {}),
    });
    return result.status === 'succeeded' && typeof result.toVal === 'number' ? result.toVal : undefined;
  };
}

/** Loads UCUM and returns the fallback; async so the browser can code-split it. */
export async function loadUcumFallback(): Promise<UnitFallback> {
  const mod = await import('@lhncbc/ucum-lhc');
  const utils = (mod.UcumLhcUtils ?? (mod as unknown as { default: typeof mod }).default.UcumLhcUtils).getInstance();
  return ucumFallback(utils);
}
