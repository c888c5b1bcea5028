// Picks each analyte's latest result and reads its value and limits, per KNOWLEDGE section 1.
import type { UnitConverter } from '../terminology/units';
import { SYSTEMS } from '../terminology/codes';
import { parseFhirDate } from './dates';
import { asArray, codesIn, isObject, str } from './text';
import type { Analyte } from './types';

/** Result statuses that count (KNOWLEDGE section 1); others are ignored everywhere. */
export const USABLE_RESULT_STATUS: ReadonlySet<string> = new Set(['final', 'amended', 'corrected', 'preliminary']);
const LOW_FLAGS = new Set(['L', 'LL', 'LU']);
const HIGH_FLAGS = new Set(['H', 'HH', 'HU']);

export function observationDate(obs: fhir4.Observation): string | undefined {
  return str(obs.effectiveDateTime) ?? str(obs.effectivePeriod?.start) ?? str(obs.issued);
}

export interface DatedResult {
  readonly obs: fhir4.Observation;
  readonly when: Date;
  readonly date: string;
}

/**
 * Groups usable results by analyte and keeps the latest one of each (not after `now`).
 * Results without a date cannot be placed in time and are returned separately.
 */
export function latestByAnalyte(
  observations: readonly fhir4.Observation[],
  analyteByLoinc: ReadonlyMap<string, string>,
  now: Date,
): { latest: Map<string, DatedResult>; undated: { analyte: string; obs: fhir4.Observation }[] } {
  const latest = new Map<string, DatedResult>();
  const undated: { analyte: string; obs: fhir4.Observation }[] = [];
  for (const obs of observations) {
    if (!isObject(obs) || !USABLE_RESULT_STATUS.has(String(obs.status))) continue;
    const analyte = codesIn(obs.code, SYSTEMS.loinc)
      .map((c) => analyteByLoinc.get(c))
      .find((a): a is string => a !== undefined);
    if (!analyte) continue;
    const date = observationDate(obs);
    const when = parseFhirDate(date, 'start');
    if (!date || !when) {
      undated.push({ analyte, obs });
      continue;
    }
    if (when.getTime() > now.getTime()) continue;
    const current = latest.get(analyte);
    if (!current || when.getTime() > current.when.getTime()) latest.set(analyte, { obs, when, date });
  }
  return { latest, undated };
}

/** The analyte's unit as a clinician reads it. */
export function unitLabel(analyte: Analyte): string {
  return analyte.displayUnit ?? analyte.unit;
}

export function formatNumber(value: number): string {
  return String(Number(value.toFixed(value >= 100 ? 1 : 2)));
}

export function recordedValue(obs: fhir4.Observation): string | undefined {
  const q = obs.valueQuantity;
  if (!isObject(q) || typeof q.value !== 'number') return undefined;
  return `${q.comparator ?? ''}${formatNumber(q.value)}${q.unit || q.code ? ` ${q.unit ?? q.code}` : ''}`;
}

export type Reading =
  | { kind: 'value'; value: number; comparator?: string }
  | { kind: 'flag'; low: boolean; high: boolean; flags: string[] }
  | { kind: 'unconvertible'; unit: string }
  | { kind: 'none' };

/** The result's value in the analyte's unit, or the reason it has none. */
export function readValue(obs: fhir4.Observation, analyte: Analyte, units: UnitConverter): Reading {
  const q = obs.valueQuantity;
  if (isObject(q) && typeof q.value === 'number' && Number.isFinite(q.value)) {
    const unit = { code: str(q.code), text: str(q.unit) };
    const value = units.convert(q.value, unit, analyte);
    if (value === undefined) return { kind: 'unconvertible', unit: unit.code ?? unit.text ?? '(no unit)' };
    return { kind: 'value', value, ...(q.comparator ? { comparator: q.comparator } : {}) };
  }
  const flags = asArray(obs.interpretation).flatMap((concept) =>
    isObject(concept) && Array.isArray(concept.coding)
      ? concept.coding.filter(isObject).map((c) => String(c.code ?? ''))
      : [],
  );
  const low = flags.some((f) => LOW_FLAGS.has(f));
  const high = flags.some((f) => HIGH_FLAGS.has(f));
  if (low || high) return { kind: 'flag', low, high, flags };
  return { kind: 'none' };
}

export interface Limit {
  readonly value: number;
  readonly source: 'reference range' | 'default';
}

/** The result's own reference-range bound, converted; else the analyte's default. */
export function limitFor(
  obs: fhir4.Observation,
  analyte: Analyte,
  direction: 'low' | 'high',
  units: UnitConverter,
): Limit | undefined {
  const valueUnit = isObject(obs.valueQuantity) ? obs.valueQuantity : undefined;
  for (const range of asArray(obs.referenceRange)) {
    if (!isObject(range)) continue;
    const bound = range[direction];
    if (!isObject(bound) || typeof bound.value !== 'number') continue;
    const unit = {
      code: str(bound.code) ?? str(valueUnit?.code),
      text: str(bound.unit) ?? str(valueUnit?.unit),
    };
    const value = units.convert(bound.value, unit, analyte);
    if (value !== undefined) return { value, source: 'reference range' };
  }
  const fallback = direction === 'low' ? analyte.defaultLow : analyte.defaultHigh;
  return fallback === undefined ? undefined : { value: fallback, source: 'default' };
}

/**
 * True when the value certainly lies beyond the limit. "<3.5" is below a 3.5 limit (it excludes 3.5);
 * a comparator pointing away from the limit (">3.0" against a lower limit) says nothing certain.
 */
export function beyond(direction: 'low' | 'high', value: number, comparator: string | undefined, limit: number): boolean {
  if (direction === 'low') {
    if (comparator === '>' || comparator === '>=') return false;
    return value < limit || (comparator === '<' && value <= limit);
  }
  if (comparator === '<' || comparator === '<=') return false;
  return value > limit || (comparator === '>' && value >= limit);
}
