// Derives the FHIR queries from the rules themselves, so fetching cannot drift from the logic:
// only the resource types some rule reads, only the LOINC codes the rules use, only the recent procedures.
import { typesReadBy, type CompiledKnowledge } from '../engine/compile';
import type { ReadableType } from '../engine/types';
import { SYSTEMS } from '../terminology/codes';

export interface SearchPlan {
  readonly resourceType: ReadableType;
  /** Query string without the patient parameter. */
  readonly query: string;
  /** Search parameter that names the patient. */
  readonly patientParam: 'patient';
  /** What the search is for, when a type is read by several searches ("glucose results"). */
  readonly purpose?: string;
  /** Stable name of the search, used as its CDS Hooks prefetch key. */
  readonly key: string;
  /**
   * When the results come newest first, paging may stop once every analyte has this many results,
   * or at least one and the results have gone past the horizon: older pages cannot change a finding,
   * the "no recent result" list or a trend.
   */
  readonly stopWhen?: { readonly analytes: readonly (readonly string[])[]; readonly perAnalyte: number; readonly horizonDays: number };
}

export interface PlanOptions {
  /** Add the `date=ge` windows (false for CDS Hooks prefetch templates, which cannot express dates). */
  readonly windows?: boolean;
}

export const PAGE_SIZE = 200;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The day `days` before `now` (one extra day absorbs time zones), as a FHIR date. */
function since(now: Date, days: number): string {
  return new Date(now.getTime() - (days + 1) * DAY_MS).toISOString().slice(0, 10);
}

function loincQuery(codes: Iterable<string>): string {
  return encodeURIComponent([...codes].map((c) => `${SYSTEMS.loinc}|${c}`).join(','));
}

/**
 * One search per purpose, all run in parallel: the electrolytes the lab rules and trends read
 * (whole history, newest first, since the latest result decides however old), and for each
 * windowed criterion only the window it looks at (glucose 30 days, BMI 2 years, pregnancy 42 weeks).
 */
function observationPlans(knowledge: CompiledKnowledge, now: Date, windows: boolean): SearchPlan[] {
  const plans: SearchPlan[] = [];
  const taken = new Set<string>();
  const add = (codes: readonly string[], days: number | undefined, purpose: string, key: string, stopWhen?: SearchPlan['stopWhen']) => {
    const fresh = [...new Set(codes)].filter((c) => !taken.has(c));
    if (fresh.length === 0) return;
    for (const c of fresh) taken.add(c);
    const window = days === undefined || !windows ? '' : `&date=ge${since(now, days)}`;
    plans.push({
      resourceType: 'Observation',
      query: `code=${loincQuery(fresh)}${window}&_sort=-date&_count=${PAGE_SIZE}`,
      patientParam: 'patient',
      purpose,
      key,
      ...(stopWhen ? { stopWhen } : {}),
    });
  };
  const latest = knowledge.latestAnalytes;
  add(
    latest.flatMap((analyte) => analyte.loinc),
    undefined,
    `${latest.map((analyte) => analyte.label.toLowerCase()).join(', ')} results`,
    'labResults',
    {
      analytes: latest.map((analyte) => analyte.loinc),
      perAnalyte: Math.max(1, ...latest.map((analyte) => analyte.trend?.points ?? 1)),
      horizonDays: Math.max(0, ...latest.map((analyte) => analyte.trend?.days ?? 0)),
    },
  );
  for (const { rule, resultAnalyte } of knowledge.condition) {
    if (rule.result && resultAnalyte) {
      add(resultAnalyte.loinc, rule.result.withinDays, `${resultAnalyte.label.toLowerCase()} results`, `${resultAnalyte.id}Results`);
    }
    if (rule.statusResult || rule.gestation) {
      add(
        [...(rule.statusResult?.loinc ?? []), ...(rule.gestation?.loinc ?? [])],
        Math.max(rule.statusResult?.withinDays ?? 0, (rule.gestation?.maxWeeks ?? 0) * 7),
        `${rule.title.toLowerCase()} results`,
        `${rule.id}Results`,
      );
    }
  }
  return plans;
}

/** The longest look-back any procedure criterion needs, in days. */
function procedureWindow(knowledge: CompiledKnowledge): number {
  return Math.max(0, ...knowledge.condition.map((c) => c.procedure?.withinDays ?? 0));
}

export function planSearches(knowledge: CompiledKnowledge, now: Date = new Date(), options: PlanOptions = {}): SearchPlan[] {
  const windows = options.windows ?? true;
  const types = new Set<ReadableType>();
  for (const rule of knowledge.kb.rules) for (const t of typesReadBy(rule)) types.add(t);

  const plans: SearchPlan[] = [];
  if (types.has('MedicationStatement')) {
    plans.push({
      resourceType: 'MedicationStatement',
      query: `status=active,intended&_include=MedicationStatement:medication&_count=${PAGE_SIZE}`,
      patientParam: 'patient',
      key: 'medicationStatements',
    });
  }
  if (types.has('MedicationRequest')) {
    plans.push({
      resourceType: 'MedicationRequest',
      query: `status=active&_include=MedicationRequest:medication&_count=${PAGE_SIZE}`,
      patientParam: 'patient',
      key: 'medicationRequests',
    });
  }
  if (types.has('Condition')) {
    // Not filtered by code: ICD-10 prefixes and name matching cannot be expressed as a token search.
    plans.push({ resourceType: 'Condition', query: `_count=${PAGE_SIZE}`, patientParam: 'patient', key: 'conditions' });
  }
  if (types.has('Observation')) plans.push(...observationPlans(knowledge, now, windows));
  if (types.has('Procedure')) {
    // Only the window the rules look at; not filtered by code, so an uncoded "hemodialysis" entry
    // can still be matched by name.
    plans.push({
      resourceType: 'Procedure',
      query: `${windows ? `date=ge${since(now, procedureWindow(knowledge))}&` : ''}_count=${PAGE_SIZE}`,
      patientParam: 'patient',
      key: 'procedures',
    });
  }
  return plans;
}

export function searchUrl(plan: SearchPlan, patientId: string): string {
  return `${plan.resourceType}?${plan.patientParam}=${encodeURIComponent(patientId)}&${plan.query}`;
}
