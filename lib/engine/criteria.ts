// The extra criteria some condition rules carry (KNOWLEDGE section 3): a recent procedure
// (hemodialysis), a measured value beyond a fixed threshold within a window (glucose, BMI), a coded
// status result (pregnancy status) and a gestational age for the trimester.
import type { UnitConverter } from '../terminology/units';
import { findName, mentions } from '../terminology/names';
import { SYSTEMS } from '../terminology/codes';
import type { CompiledConditionRule } from './compile';
import { ageInYears, DAY_MS, parseFhirDate } from './dates';
import { beyond, formatNumber, unitLabel, observationDate, readValue, recordedValue, USABLE_RESULT_STATUS, type DatedResult } from './labs';
import { codesIn, codingsOf, isObject, labelOf, namesOf, str } from './text';
import type { Evidence, GestationSettings, ResultNote, StatusResultCriterion } from './types';

export interface Match {
  readonly matchedBy: 'code' | 'name';
  readonly evidence: Evidence;
}

export function ref(resource: { resourceType: string; id?: string }): string {
  return `${resource.resourceType}/${typeof resource.id === 'string' ? resource.id : '(no id)'}`;
}

/** Usable, dated results not after `now`, indexed by LOINC code, newest first. */
export class ResultIndex {
  private readonly byCode = new Map<string, DatedResult[]>();

  constructor(observations: readonly fhir4.Observation[], codes: ReadonlySet<string>, now: Date) {
    for (const obs of observations) {
      if (!isObject(obs) || !USABLE_RESULT_STATUS.has(String(obs.status))) continue;
      const mine = codesIn(obs.code, SYSTEMS.loinc).filter((c) => codes.has(c));
      if (mine.length === 0) continue;
      const date = observationDate(obs);
      const when = parseFhirDate(date, 'start');
      if (!date || !when || when.getTime() > now.getTime()) continue;
      for (const code of mine.length === 1 ? mine : new Set(mine)) {
        const list = this.byCode.get(code);
        if (list) list.push({ obs, when, date });
        else this.byCode.set(code, [{ obs, when, date }]);
      }
    }
    for (const list of this.byCode.values()) list.sort((a, b) => b.when.getTime() - a.when.getTime());
  }

  /** Results carrying any of the codes, newest first, each once. */
  get(codes: readonly string[]): DatedResult[] {
    // One code: its list already holds each result once, newest first.
    if (codes.length === 1) return (this.byCode.get(codes[0] as string) ?? []).slice();
    const seen = new Set<fhir4.Observation>();
    const out: DatedResult[] = [];
    for (const code of codes) {
      for (const r of this.byCode.get(code) ?? []) {
        if (seen.has(r.obs)) continue;
        seen.add(r.obs);
        out.push(r);
      }
    }
    return codes.length > 1 ? out.sort((a, b) => b.when.getTime() - a.when.getTime()) : out;
  }
}

function withinDays(when: Date, now: Date, days: number): boolean {
  const age = now.getTime() - when.getTime();
  return age >= 0 && age <= days * DAY_MS;
}

// --- Procedures -----------------------------------------------------------------------------

const PERFORMED = new Set(['completed', 'in-progress']);

export function procedureDate(procedure: fhir4.Procedure): string | undefined {
  return (
    str(procedure.performedDateTime) ?? str(procedure.performedPeriod?.end) ?? str(procedure.performedPeriod?.start)
  );
}

/** Procedures of the rule's kind performed within its window before `now`. */
export function procedureMatches(
  compiled: CompiledConditionRule,
  procedures: readonly fhir4.Procedure[],
  now: Date,
): Match[] {
  const criterion = compiled.procedure;
  if (!criterion) return [];
  const matches: Match[] = [];
  for (const procedure of procedures) {
    if (!isObject(procedure) || !PERFORMED.has(String(procedure.status))) continue;
    const date = procedureDate(procedure);
    const when = parseFhirDate(date, 'start');
    if (!date || !when || !withinDays(when, now, criterion.withinDays)) continue;
    const codings = codingsOf(procedure.code);
    let matchedBy: 'code' | 'name' | undefined;
    if (codings.some((c) => criterion.codes.has(c))) matchedBy = 'code';
    else if (findName(criterion.names, namesOf(procedure.code)) && !mentions(criterion.excludedNames, namesOf(procedure.code))) {
      matchedBy = 'name';
    }
    if (!matchedBy) continue;
    matches.push({
      matchedBy,
      evidence: {
        reference: ref(procedure),
        resourceType: 'Procedure',
        name: labelOf(procedure.code, 'Unnamed procedure'),
        date,
        status: String(procedure.status),
        notes: [`Performed within the last ${criterion.withinDays} days.`],
      },
    });
  }
  return matches;
}

// --- Measured values against a fixed threshold -------------------------------------------------

/** "below" reads like a lower limit (see beyond); "at or above" includes the threshold itself. */
function crosses(comparison: 'below' | 'at-or-above', value: number, comparator: string | undefined, threshold: number): boolean {
  if (comparison === 'below') return beyond('low', value, comparator, threshold);
  if (comparator === '<' || comparator === '<=') return false;
  return value >= threshold;
}

/** Results of the rule's analyte beyond its fixed threshold within the window. */
export function resultMatches(
  compiled: CompiledConditionRule,
  results: ResultIndex,
  patient: fhir4.Patient | undefined,
  now: Date,
  units: UnitConverter,
): { matches: Match[]; notes: ResultNote[] } {
  const criterion = compiled.rule.result;
  const analyte = compiled.resultAnalyte;
  if (!criterion || !analyte) return { matches: [], notes: [] };
  const all = results.get(analyte.loinc);
  const candidates = (criterion.which === 'latest' ? all.slice(0, 1) : all).filter((r) =>
    withinDays(r.when, now, criterion.withinDays),
  );
  const matches: Match[] = [];
  const notes: ResultNote[] = [];
  const relation = criterion.comparison === 'below' ? 'below' : 'at or above';
  for (const { obs, when, date } of candidates) {
    const reading = readValue(obs, analyte, units);
    if (reading.kind === 'unconvertible') {
      notes.push({
        analyte: analyte.id,
        reference: ref(obs),
        message: `A ${analyte.label.toLowerCase()} result is in "${reading.unit}", which cannot be converted to ${unitLabel(analyte)}; it was not interpreted.`,
      });
      continue;
    }
    if (reading.kind !== 'value') continue;
    if (!crosses(criterion.comparison, reading.value, reading.comparator, criterion.threshold)) continue;
    const extra: string[] = obs.status === 'preliminary' ? ['Preliminary result.'] : [];
    if (criterion.minAgeYears !== undefined) {
      const age = ageInYears(patient?.birthDate, when);
      if (age === undefined) {
        notes.push({
          analyte: analyte.id,
          reference: ref(obs),
          message: `The ${analyte.label.toLowerCase()} result is ${relation} ${formatNumber(criterion.threshold)} ${unitLabel(analyte)}, but the patient's age is unknown, so it was not interpreted (adult limit).`,
        });
        continue;
      }
      if (age < criterion.minAgeYears) continue;
      extra.push(`Age ${age} when measured.`);
    }
    const recorded = recordedValue(obs) ?? `${formatNumber(reading.value)} ${unitLabel(analyte)}`;
    const converted = `${reading.comparator ?? ''}${formatNumber(reading.value)} ${unitLabel(analyte)}`;
    matches.push({
      matchedBy: 'code',
      evidence: {
        reference: ref(obs),
        resourceType: 'Observation',
        name: labelOf(obs.code, analyte.label),
        date,
        status: String(obs.status),
        value: recorded,
        ...(converted !== recorded ? { convertedValue: converted } : {}),
        limit: `${relation} ${formatNumber(criterion.threshold)} ${unitLabel(analyte)} within ${criterion.withinDays} days`,
        limitSource: 'rule threshold',
        ...(extra.length > 0 ? { notes: extra } : {}),
      },
    });
  }
  return { matches, notes };
}

// --- Coded status results (pregnancy status) ---------------------------------------------------

function answerIn(obs: fhir4.Observation, answers: StatusResultCriterion['answers']): boolean {
  return codingsOf(obs.valueCodeableConcept).some((c) =>
    answers.some((a) => a.system === c.system && a.code === c.code),
  );
}

export interface StatusReading {
  readonly match?: Match;
  /** The latest status result, when it says the status does not hold. */
  readonly contradicting?: DatedResult;
}

/** The latest status result decides: it fires when it holds one of the answers and lies within the window. */
export function statusMatch(criterion: StatusResultCriterion, results: ResultIndex, now: Date): StatusReading {
  const latest = results.get(criterion.loinc)[0];
  if (!latest) return {};
  const { obs, when, date } = latest;
  if (!answerIn(obs, criterion.answers)) {
    return isObject(obs.valueCodeableConcept) ? { contradicting: latest } : {};
  }
  if (!withinDays(when, now, criterion.withinDays)) return {};
  return {
    match: {
      matchedBy: 'code',
      evidence: {
        reference: ref(obs),
        resourceType: 'Observation',
        name: labelOf(obs.code, 'Pregnancy status'),
        date,
        status: String(obs.status),
        value: labelOf(obs.valueCodeableConcept, 'recorded'),
      },
    },
  };
}

// --- Gestational age -------------------------------------------------------------------------

const WEEK_MS = 7 * DAY_MS;

function trimesterOf(weeks: number, settings: GestationSettings): string {
  return weeks < settings.secondTrimesterWeek ? 'first' : weeks < settings.thirdTrimesterWeek ? 'second' : 'third';
}

export interface GestationFromResult {
  readonly weeks: number;
  readonly date: string;
  readonly reference: string;
}

/** Gestational age today from the latest gestational-age result, in whole weeks, when plausible. */
export function gestationFromResult(settings: GestationSettings, results: ResultIndex, now: Date): GestationFromResult | undefined {
  if (settings.loinc.length === 0) return undefined;
  const latest = results.get(settings.loinc)[0];
  const q = latest?.obs.valueQuantity;
  if (!latest || !isObject(q) || typeof q.value !== 'number' || !Number.isFinite(q.value)) return undefined;
  const unit = (str(q.code) ?? str(q.unit) ?? '').toLowerCase();
  const perWeek = ['wk', 'week', 'weeks', 'w'].includes(unit) ? 1 : ['d', 'day', 'days'].includes(unit) ? 7 : undefined;
  if (perWeek === undefined) return undefined;
  const weeks = Math.floor(q.value / perWeek + (now.getTime() - latest.when.getTime()) / WEEK_MS);
  if (weeks < 0 || weeks > settings.maxWeeks) return undefined;
  return { weeks, date: latest.date, reference: ref(latest.obs) };
}

export function weeksSince(onset: Date, now: Date): number {
  return Math.floor((now.getTime() - onset.getTime()) / WEEK_MS);
}

/** Notes for a pregnancy finding: trimester from a gestational-age result, else from the onset date. */
export function gestationNotes(
  onsetValue: string | undefined,
  fromResult: GestationFromResult | undefined,
  settings: GestationSettings,
  now: Date,
): string[] {
  if (fromResult) {
    return [
      `About ${fromResult.weeks} weeks by the gestational age recorded ${fromResult.date.slice(0, 10)}: estimated ${trimesterOf(fromResult.weeks, settings)} trimester.`,
    ];
  }
  const onset = parseFhirDate(onsetValue, 'start');
  if (!onset) return ['Onset date not recorded, so the trimester cannot be estimated.'];
  const weeks = weeksSince(onset, now);
  // Past the longest pregnancy: no trimester to estimate; the finding carries a `verify` instead.
  if (weeks > settings.maxWeeks) return [];
  return [`About ${weeks} weeks since the recorded onset: estimated ${trimesterOf(weeks, settings)} trimester.`];
}
