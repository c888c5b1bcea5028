// Derives the FHIR queries from the rules themselves, so fetching cannot drift from the logic:
// only the resource types some rule reads, only the LOINC codes the rules use, only the recent procedures.
import { typesReadBy, type CompiledKnowledge } from '../engine/compile';
import type { ReadableType } from '../engine/types';
import { SYSTEMS } from '../terminology/codes';

/**
 * One search parameter. Required parts are the documented minimum (patient, codes, status); optional
 * parts only make the search cheaper (`_include`, `_sort`, `_count`, date windows) and may be dropped
 * when a server rejects them, without changing what the rules see.
 */
export interface QueryPart {
  readonly name: string;
  /** Already URL-encoded. */
  readonly value: string;
  readonly optional?: boolean;
}

export interface SearchPlan {
  readonly resourceType: ReadableType;
  /** Query string without the patient parameter: every part, required and optional. */
  readonly query: string;
  readonly parts: readonly QueryPart[];
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

const joinParts = (parts: readonly QueryPart[]) => parts.map((p) => `${p.name}=${p.value}`).join('&');
const withQuery = (plan: Omit<SearchPlan, 'query'>): SearchPlan => ({ ...plan, query: joinParts(plan.parts) });

export function loincQuery(codes: Iterable<string>): string {
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
    plans.push(withQuery({
      resourceType: 'Observation',
      // Epic requires code or category on every Observation search: code is always required here.
      parts: [
        { name: 'code', value: loincQuery(fresh) },
        ...(days === undefined || !windows ? [] : [{ name: 'date', value: `ge${since(now, days)}`, optional: true }]),
        { name: '_sort', value: '-date', optional: true },
        { name: '_count', value: String(PAGE_SIZE), optional: true },
      ],
      patientParam: 'patient',
      purpose,
      key,
      ...(stopWhen ? { stopWhen } : {}),
    }));
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

/**
 * The plans last built for each knowledge base, per form: they depend only on the rules and, through
 * the date windows, on the UTC day of `now` (every window is a whole number of days before it). One
 * entry per form (with windows, for the latest day asked), so the memo cannot grow.
 */
const plansByKnowledge = new WeakMap<CompiledKnowledge, Map<boolean, { readonly day: string; readonly plans: readonly SearchPlan[] }>>();

export function planSearches(knowledge: CompiledKnowledge, now: Date = new Date(), options: PlanOptions = {}): SearchPlan[] {
  const windows = options.windows ?? true;
  if (Number.isNaN(now.getTime())) return buildPlans(knowledge, now, windows);
  const day = windows ? now.toISOString().slice(0, 10) : '';
  let forms = plansByKnowledge.get(knowledge);
  if (!forms) plansByKnowledge.set(knowledge, (forms = new Map()));
  let entry = forms.get(windows);
  if (!entry || entry.day !== day) forms.set(windows, (entry = { day, plans: buildPlans(knowledge, now, windows) }));
  return [...entry.plans];
}

function buildPlans(knowledge: CompiledKnowledge, now: Date, windows: boolean): SearchPlan[] {
  const types = new Set<ReadableType>();
  for (const rule of knowledge.kb.rules) for (const t of typesReadBy(rule)) types.add(t);

  const plans: SearchPlan[] = [];
  if (types.has('MedicationStatement')) {
    plans.push(withQuery({
      resourceType: 'MedicationStatement',
      parts: [
        { name: 'status', value: 'active,intended' },
        { name: '_include', value: 'MedicationStatement:medication', optional: true },
        { name: '_count', value: String(PAGE_SIZE), optional: true },
      ],
      patientParam: 'patient',
      key: 'medicationStatements',
    }));
  }
  if (types.has('MedicationRequest')) {
    plans.push(withQuery({
      resourceType: 'MedicationRequest',
      parts: [
        { name: 'status', value: 'active' },
        { name: '_include', value: 'MedicationRequest:medication', optional: true },
        { name: '_count', value: String(PAGE_SIZE), optional: true },
      ],
      patientParam: 'patient',
      key: 'medicationRequests',
    }));
  }
  if (types.has('Condition')) {
    // Not filtered by code: ICD-10 prefixes and name matching cannot be expressed as a token search.
    plans.push(withQuery({ resourceType: 'Condition', parts: [{ name: '_count', value: String(PAGE_SIZE), optional: true }], patientParam: 'patient', key: 'conditions' }));
  }
  if (types.has('Observation')) plans.push(...observationPlans(knowledge, now, windows));
  if (types.has('Procedure')) {
    // Only the window the rules look at; not filtered by code, so an uncoded "hemodialysis" entry
    // can still be matched by name.
    plans.push(withQuery({
      resourceType: 'Procedure',
      parts: [
        ...(windows ? [{ name: 'date', value: `ge${since(now, procedureWindow(knowledge))}`, optional: true }] : []),
        { name: '_count', value: String(PAGE_SIZE), optional: true },
      ],
      patientParam: 'patient',
      key: 'procedures',
    }));
  }
  return plans;
}

export function searchUrl(plan: SearchPlan, patientId: string, query: string = plan.query): string {
  return `${plan.resourceType}?${plan.patientParam}=${encodeURIComponent(patientId)}${query ? `&${query}` : ''}`;
}

/** What one FHIR server was seen to reject, so later searches to it start without it. */
export interface ServerQuirks {
  /** Optional parameter names the server refused (`_include`, `_sort`, `_count`, `date`). */
  readonly rejected: Set<string>;
  /** The server refused a date without a time: windows are sent as full instants. */
  dateInstant: boolean;
}

const QUIRKS_LIMIT = 200;
const quirksByBase = new Map<string, ServerQuirks>();

/** The quirks remembered for a FHIR base (per process; bounded so arbitrary bases cannot grow it). */
export function quirksFor(baseUrl: string): ServerQuirks {
  let quirks = quirksByBase.get(baseUrl);
  if (!quirks) {
    quirks = { rejected: new Set(), dateInstant: false };
    if (quirksByBase.size >= QUIRKS_LIMIT) {
      const oldest = quirksByBase.keys().next().value;
      if (oldest !== undefined) quirksByBase.delete(oldest);
    }
    quirksByBase.set(baseUrl, quirks);
  }
  return quirks;
}

/** Forgets every server's quirks (tests). */
export function forgetQuirks(): void {
  quirksByBase.clear();
}

/** `ge2026-08-26` -> `ge2026-08-26T00:00:00Z`; values that already carry a time are kept. */
export function asInstant(value: string): string {
  return value.replace(/^([a-z]{2})?(\d{4}-\d{2}-\d{2})$/, (_m, prefix: string | undefined, day: string) => `${prefix ?? ''}${day}T00:00:00Z`);
}

export type QueryForm = 'preferred' | 'instant' | 'minimal';

/**
 * The query for a search in one form: `preferred` drops what the server is known to reject,
 * `instant` also writes dates as full instants, `minimal` keeps only the required parts.
 */
export function queryFor(parts: readonly QueryPart[], quirks: ServerQuirks, form: QueryForm = 'preferred'): string {
  const kept = parts
    .filter((p) => !p.optional || (form !== 'minimal' && !quirks.rejected.has(p.name)))
    .map((p) => (p.name === 'date' && (quirks.dateInstant || form === 'instant') ? { ...p, value: asInstant(p.value) } : p));
  return joinParts(kept);
}
