// Reads one patient's data for the rules: every search in parallel, every page followed (bounded),
// Medication references resolved in at most one more parallel wave. A type that fails becomes a
// notChecked entry with a reason; the others still load.
import type { CompiledKnowledge } from '../engine/compile';
import type { NotChecked, PatientData, ReadableType, Truncation } from '../engine/types';
import { FhirReadError } from './errors';
import { planSearches, searchUrl, type SearchPlan } from './queries';
import type { FhirTransport } from './transport';
import { medicationKey } from '../engine/medications';
import { isRecord as isObj } from '../engine/text';
import { parseFhirDate } from '../engine/dates';
import { observationDate, USABLE_RESULT_STATUS } from '../engine/labs';

export const DEFAULT_MAX_PAGES = 30;

export interface LoadOptions {
  readonly maxPages?: number;
  /** The evaluation instant; bounds the procedure search's date window. */
  readonly now?: Date;
  /**
   * CDS Hooks prefetch: each search's first page under its plan key, and the Patient under
   * `patient`. A missing, null or failed entry is read from the server instead (when there is one).
   */
  readonly prefetch?: Readonly<Record<string, unknown>>;
  /** Follow every page even when older pages cannot change the outcome (benchmarks, audits). */
  readonly readAllPages?: boolean;
}

interface SearchResult {
  readonly matches: unknown[];
  readonly included: unknown[];
  readonly pagesRead: number;
  readonly truncated: boolean;
}

function reasonOf(error: unknown): string {
  if (error instanceof FhirReadError) return error.message;
  return 'an unexpected error occurred while reading them';
}

function statusOf(error: unknown): { status?: number } {
  return error instanceof FhirReadError && error.status !== undefined ? { status: error.status } : {};
}

/** Follows `next` links from the first page; stops at maxPages or when a link repeats. */
/** The time of a result for ordering (the engine's own reading of its date), or undefined. */
function resultTime(resource: unknown): number | undefined {
  if (!isObj(resource)) return undefined;
  return parseFhirDate(observationDate(resource as unknown as fhir4.Observation), 'start')?.getTime();
}

/**
 * True when the results so far are newest first (so the server honoured _sort) and hold enough for
 * every analyte: further pages hold only older results, which cannot change the outcome.
 */
export function enoughResults(matches: readonly unknown[], stop: NonNullable<SearchPlan['stopWhen']>, now: Date): boolean {
  let previous = Number.POSITIVE_INFINITY;
  for (const m of matches) {
    const t = resultTime(m);
    if (t === undefined || t > previous) return false;
    previous = t;
  }
  const horizon = now.getTime() - stop.horizonDays * 24 * 60 * 60 * 1000;
  const pastHorizon = previous < horizon;
  return stop.analytes.every((codes) => {
    let count = 0;
    for (const m of matches) {
      if (!isObj(m) || !USABLE_RESULT_STATUS.has(String(m.status)) || !isObj(m.code) || !Array.isArray(m.code.coding)) continue;
      if ((m.code.coding as unknown[]).some((c) => isObj(c) && codes.includes(String(c.code)))) count++;
    }
    return count >= stop.perAnalyte || (count >= 1 && pastHorizon);
  });
}

async function searchAll(
  transport: FhirTransport | undefined,
  first: string,
  type: ReadableType,
  maxPages: number,
  firstBody?: unknown,
  enough?: (matches: readonly unknown[]) => boolean,
): Promise<SearchResult> {
  const matches: unknown[] = [];
  const included: unknown[] = [];
  const seen = new Set<string>();
  let url: string | undefined = first;
  let pagesRead = 0;
  while (url !== undefined) {
    if (pagesRead >= maxPages) return { matches, included, pagesRead, truncated: true };
    seen.add(url);
    let body: unknown;
    if (pagesRead === 0 && firstBody !== undefined) body = firstBody;
    else if (transport) body = await transport.get(url);
    else throw new FhirReadError('unexpected', 'the prefetched result has more pages and no FHIR server was given to read them');
    if (!isObj(body) || body.resourceType !== 'Bundle') {
      throw new FhirReadError('unexpected', 'the server answered with something other than a search result');
    }
    pagesRead++;
    for (const entry of Array.isArray(body.entry) ? body.entry : []) {
      if (!isObj(entry) || !isObj(entry.resource)) continue;
      const resource = entry.resource;
      const mode = isObj(entry.search) ? entry.search.mode : undefined;
      if (resource.resourceType === type && mode !== 'include') matches.push(resource);
      else if (resource.resourceType === 'Medication') included.push(resource);
    }
    if (enough?.(matches)) break;
    const next: unknown = Array.isArray(body.link)
      ? (body.link as unknown[]).find((l) => isObj(l) && l.relation === 'next' && typeof l.url === 'string')
      : undefined;
    url = isObj(next) ? String(next.url) : undefined;
    if (url !== undefined && seen.has(url)) {
      throw new FhirReadError('paging', `the server’s paging links went round in a loop after ${pagesRead} pages`);
    }
  }
  return { matches, included, pagesRead, truncated: false };
}

/** Medication references that are neither contained nor already at hand. */
function missingMedicationIds(
  records: readonly (fhir4.MedicationStatement | fhir4.MedicationRequest)[],
  known: ReadonlySet<string>,
): string[] {
  const ids = new Set<string>();
  for (const record of records) {
    const target = record.medicationReference?.reference;
    if (typeof target !== 'string' || target.startsWith('#')) continue;
    const key = medicationKey(target);
    if (key && !known.has(key)) ids.add(key.slice('Medication/'.length));
  }
  return [...ids];
}

async function metadataTypes(transport: FhirTransport | undefined): Promise<Set<string> | undefined> {
  if (!transport) return undefined;
  try {
    const body = await transport.get('metadata');
    if (!isObj(body) || body.resourceType !== 'CapabilityStatement' || !Array.isArray(body.rest)) return undefined;
    const types = new Set<string>();
    for (const rest of body.rest as unknown[]) {
      if (!isObj(rest) || !Array.isArray(rest.resource)) continue;
      for (const r of rest.resource as unknown[]) if (isObj(r) && typeof r.type === 'string') types.add(r.type);
    }
    return types;
  } catch {
    return undefined;
  }
}

const isBundle = (value: unknown) => isObj(value) && value.resourceType === 'Bundle';

function prefetchFailure(value: unknown): string {
  if (value === undefined || value === null) return 'they were not prefetched and no FHIR server was given';
  return 'the prefetched result was an error and no FHIR server was given';
}

export async function loadPatientData(
  transport: FhirTransport | undefined,
  patientId: string,
  knowledge: CompiledKnowledge,
  options: LoadOptions = {},
): Promise<PatientData> {
  const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
  const plans = planSearches(knowledge, options.now);
  const notChecked: NotChecked[] = [];
  const truncated: Truncation[] = [];

  const prefetch = options.prefetch ?? {};
  const prefetchedPatient = prefetch.patient;
  const readPatient = async (): Promise<unknown> => {
    if (isObj(prefetchedPatient) && prefetchedPatient.resourceType === 'Patient') return prefetchedPatient;
    if (!transport) throw new FhirReadError('unexpected', prefetchFailure(prefetchedPatient));
    return transport.get(`Patient/${encodeURIComponent(patientId)}`);
  };
  const now = options.now ?? new Date();
  const runSearch = async (plan: (typeof plans)[number]): Promise<SearchResult> => {
    const stop = options.readAllPages ? undefined : plan.stopWhen;
    const enough = stop ? (matches: readonly unknown[]) => enoughResults(matches, stop, now) : undefined;
    const given = prefetch[plan.key];
    if (isBundle(given)) return searchAll(transport, searchUrl(plan, patientId), plan.resourceType, maxPages, given, enough);
    if (!transport) throw new FhirReadError('unexpected', prefetchFailure(given));
    return searchAll(transport, searchUrl(plan, patientId), plan.resourceType, maxPages, undefined, enough);
  };

  const [patientOutcome, capability, ...searches] = await Promise.all([
    readPatient().then(
      (body) => ({ ok: true as const, body }),
      (error: unknown) => ({ ok: false as const, error }),
    ),
    metadataTypes(transport),
    ...plans.map((plan) =>
      runSearch(plan).then(
        (result) => ({ plan, ok: true as const, result }),
        (error: unknown) => ({ plan, ok: false as const, error }),
      ),
    ),
  ]);

  let patient: fhir4.Patient | undefined;
  if (patientOutcome.ok && isObj(patientOutcome.body) && patientOutcome.body.resourceType === 'Patient') {
    patient = patientOutcome.body as unknown as fhir4.Patient;
  } else {
    notChecked.push({
      resourceType: 'Patient',
      reason: patientOutcome.ok ? 'the server’s answer was not a Patient' : reasonOf(patientOutcome.error),
      ...(patientOutcome.ok ? {} : statusOf(patientOutcome.error)),
    });
  }

  const byType = new Map<ReadableType, unknown[]>();
  const failed = new Map<ReadableType, NotChecked>();
  const medications = new Map<string, fhir4.Medication>();
  for (const search of searches) {
    const type = search.plan.resourceType;
    if (!search.ok) {
      // A type read by several searches is not checked when any of them fails; the others' results are still used.
      if (failed.has(type)) continue;
      const unsupported = capability && !capability.has(type);
      const reason = unsupported ? 'this FHIR server does not offer them' : reasonOf(search.error);
      failed.set(type, {
        resourceType: type,
        reason: search.plan.purpose && !unsupported ? `${search.plan.purpose}: ${reason}` : reason,
        ...statusOf(search.error),
      });
      continue;
    }
    byType.set(type, [...(byType.get(type) ?? []), ...search.result.matches]);
    for (const med of search.result.included) {
      const m = med as fhir4.Medication;
      if (typeof m.id === 'string') medications.set(`Medication/${m.id}`, m);
    }
    if (search.result.truncated) truncated.push({ resourceType: type, pagesRead: search.result.pagesRead });
  }
  notChecked.push(...failed.values());

  const statements = (byType.get('MedicationStatement') ?? []) as fhir4.MedicationStatement[];
  const requests = (byType.get('MedicationRequest') ?? []) as fhir4.MedicationRequest[];
  const missing = missingMedicationIds([...statements, ...requests], new Set(medications.keys()));
  const failedReads: string[] = [];
  await Promise.all(
    missing.map(async (id) => {
      try {
        if (!transport) throw new FhirReadError('unexpected', 'they were not in the prefetched results and no FHIR server was given');
        const body = await transport.get(`Medication/${encodeURIComponent(id)}`);
        if (isObj(body) && body.resourceType === 'Medication') medications.set(`Medication/${id}`, body as unknown as fhir4.Medication);
        else failedReads.push('the server’s answer was not a Medication');
      } catch (error) {
        failedReads.push(reasonOf(error));
      }
    }),
  );
  if (failedReads.length > 0) {
    notChecked.push({
      resourceType: 'Medication',
      reason: `${failedReads.length} referenced medication(s) could not be read (${failedReads[0]})`,
    });
  }

  return {
    ...(patient ? { patient } : {}),
    medicationStatements: statements,
    medicationRequests: requests,
    medications: [...medications.values()],
    conditions: (byType.get('Condition') ?? []) as fhir4.Condition[],
    observations: (byType.get('Observation') ?? []) as fhir4.Observation[],
    procedures: (byType.get('Procedure') ?? []) as fhir4.Procedure[],
    notChecked,
    truncated,
  };
}
