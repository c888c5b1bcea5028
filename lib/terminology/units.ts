// Converts lab values into the unit a rule reasons in. Factors for the common units are
// precomputed from the UCUM library (see scripts/gen-unit-factors.ts) so the browser does not
// need UCUM's 230 kB of definitions; anything else goes to an injected UCUM-backed fallback.
import type { Analyte } from '../engine/types';
import { unitFactors } from './unitFactors.generated';

/** Converts `value` in `unit` (a UCUM code) into the analyte's unit, or says it cannot. */
export type UnitFallback = (value: number, ucumCode: string, analyte: Analyte) => number | undefined;

export interface UnitConverter {
  convert(value: number, unit: { code?: string; text?: string }, analyte: Analyte): number | undefined;
  /** True when the precomputed table alone can convert this unit for this analyte. */
  knows(unit: { code?: string; text?: string }, analyte: Analyte): boolean;
}

/**
 * Turns common spellings of a unit into its UCUM code: "mEq/L" -> "meq/L", "MMOL/L" -> "mmol/L".
 * UCUM is case-sensitive, and people (and some EHRs) write units as free text.
 */
export function normaliseUnit(raw: string): string {
  const trimmed = raw.trim();
  const lower = trimmed.toLowerCase().replace(/\s+/g, '');
  return lower.replace(/\/(d?)l$/, (_m, deci: string) => `/${deci}L`);
}

/**
 * Free-text spellings of international units, after normaliseUnit has lower-cased them: "mIU/L",
 * "uIU/mL", "µIU/mL" and "mU/L" all mean the UCUM codes below (TSH is reported in these).
 */
const TEXT_ALIASES: Readonly<Record<string, string>> = {
  'miu/L': 'm[IU]/L',
  'm[iu]/L': 'm[IU]/L',
  'mu/L': 'm[IU]/L',
  'uiu/ml': 'u[IU]/mL',
  'u[iu]/ml': 'u[IU]/mL',
  'µiu/ml': 'u[IU]/mL',
  'μiu/ml': 'u[IU]/mL',
  'µu/ml': 'u[IU]/mL',
  'uu/ml': 'u[IU]/mL',
  'iu/L': '[IU]/L',
  '[iu]/L': '[IU]/L',
};

function candidates(unit: { code?: string; text?: string }): string[] {
  const out: string[] = [];
  for (const raw of [unit.code, unit.text]) {
    if (typeof raw !== 'string' || raw.trim() === '') continue;
    const normal = normaliseUnit(raw);
    out.push(raw.trim(), normal);
    const alias = TEXT_ALIASES[normal];
    if (alias) out.push(alias);
  }
  return out;
}

function factorFor(unit: string, analyte: Analyte): number | undefined {
  return unitFactors[analyte.id]?.[unit];
}

/** Distinct unit spellings whose candidates one converter remembers; the oldest is forgotten past it. */
export const UNIT_CACHE_LIMIT = 256;

export function createUnitConverter(fallback?: UnitFallback): UnitConverter & { rememberedUnits(): number } {
  // The same few spellings ("mmol/L", "mg/dL") come back for every result: normalise each once.
  const remembered = new Map<string, readonly string[]>();
  const candidatesOf = (unit: { code?: unknown; text?: unknown }): readonly string[] => {
    const { code, text } = unit;
    if ((code !== undefined && typeof code !== 'string') || (text !== undefined && typeof text !== 'string')) {
      return candidates(unit as { code?: string; text?: string });
    }
    // Length-prefixed, so no code and text pair can stand for another.
    const key = `${(code ?? '').length}:${code ?? ''}${text ?? ''}`;
    let found = remembered.get(key);
    if (!found) {
      found = candidates({ code, text });
      if (remembered.size >= UNIT_CACHE_LIMIT) {
        const oldest = remembered.keys().next().value;
        if (oldest !== undefined) remembered.delete(oldest);
      }
      remembered.set(key, found);
    }
    return found;
  };
  return {
    convert(value, unit, analyte) {
      if (!Number.isFinite(value)) return undefined;
      const options = candidatesOf(unit);
      for (const u of options) {
        const factor = factorFor(u, analyte);
        if (factor !== undefined) return value * factor;
      }
      if (!fallback) return undefined;
      for (const u of options) {
        const converted = fallback(value, u, analyte);
        if (converted !== undefined && Number.isFinite(converted)) return converted;
      }
      return undefined;
    },
    knows(unit, analyte) {
      return candidatesOf(unit).some((u) => factorFor(u, analyte) !== undefined);
    },
    /** How many unit spellings are remembered (at most UNIT_CACHE_LIMIT). */
    rememberedUnits: () => remembered.size,
  };
}
