// Wraps @lhncbc/ucum-lhc as the converter of last resort for units the precomputed table lacks.
// Imported on the server directly and in the browser only on demand (it carries 230 kB of data).
import type { UcumUtils } from '@lhncbc/ucum-lhc';
import type { Analyte } from '../engine/types';
import type { UnitFallback } from './units';

/**
 * UCUM refuses to convert "arbitrary" units such as [IU], although two prefixed forms of the same
 * one differ only by a scale (m[IU]/L = u[IU]/mL). Both sides name the same arbitrary unit, so it
 * is swapped for an ordinary one (gram) and the scale is what UCUM converts.
 */
function scaleOnly(from: string, to: string): { from: string; to: string } | undefined {
  const arbitrary = /\[[A-Za-z]+\]/.exec(to)?.[0];
  if (!arbitrary || !from.includes(arbitrary)) return undefined;
  return { from: from.split(arbitrary).join('g'), to: to.split(arbitrary).join('g') };
}

export function ucumFallback(utils: UcumUtils): UnitFallback {
  return (value: number, ucumCode: string, analyte: Analyte) => {
    const swapped = scaleOnly(ucumCode, analyte.unit);
    if (swapped) {
      const scaled = utils.convertUnitTo(swapped.from, value, swapped.to);
      return scaled.status === 'succeeded' && typeof scaled.toVal === 'number' ? scaled.toVal : undefined;
    }
    if (/\[[A-Za-z]+\]/.test(analyte.unit)) return undefined;
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
