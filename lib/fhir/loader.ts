// Reads one patient's data for the rules: every search in parallel (at most a few requests at a
// time), every page followed (bounded), Medication references resolved in at most one more wave
// (bounded). A type that fails, or whose read stops early, becomes a notChecked entry with a reason;
// the others still load. Servers differ: optional parameters a server rejects are dropped and
// remembered, `next` links are resolved as RFC 3986 says, a server that ignores `_sort` gets date
// windows, and a type the server does not offer but another type covers is only a coverage note.
import type { CompiledKnowledge } from '../engine/compile';
import type { NotChecked, PatientData, ReadableType, Truncation } from '../engine/types';
import { FhirReadError, type DiagnosticSink } from './errors';
import { loincQuery, planSearches, queryFor, quirksFor, searchUrl, type QueryForm, type QueryPart, type SearchPlan, type ServerQuirks } from './queries';
import { resolveOnServer, type FhirTransport } from './transport';
import { medicationKey } from '../engine/medications';
import { isRecord as isObj } from '../engine/text';
import { parseFhirDate } from '../engine/dates';
import { observationDate, USABLE_RESULT_STATUS } from '../engine/labs';

export const DEFAULT_MAX_PAGES = 30;
/** Distinct Medication resources read by id for one patient; references beyond are not checked. */
export const MAX_MEDICATION_READS = 50;
/** Requests in flight at once for one load (searches, pages, Medication reads, metadata). */
export const MAX_CONCURRENT_REQUESTS = 10;
/** When a server ignores `_sort`, the first date window for the latest electrolytes, in days. */
export const FIRST_WINDOW_DAYS = 30;

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
  readonly maxMedicationReads?: number;
  readonly maxConcurrency?: number;
  /** Server warnings, outcome entries and retries, for a server log; never part of the result. */
  readonly onDiagnostic?: DiagnosticSink;
}

interface SearchResult {
  readonly matches: unknown[];
  readonly included: unknown[];
  readonly pagesRead: number;
  readonly truncated: boolean;
  /** Paging stopped because the results proved not to be newest first. */
  readonly unsorted?: boolean;
  /** Paging stopped before the last page because older pages could not matter. */
  readonly stoppedEarly?: boolean;
}

/** After each page: stop (older pages cannot matter), read on, or give up on the order. */
type PageDecision = 'enough' | 'more' | 'unsorted';

/** False when the page's self link shows the server did not apply the `_sort` we sent. */
function selfKeepsSort(body: Record<string, unknown>): boolean {
  const self: unknown = Array.isArray(body.link) ? (body.link as unknown[]).find((l) => isObj(l) && l.relation === 'self') : undefined;
  if (!isObj(self) || typeof self.url !== 'string') return true;
  try {
    return new URL(self.url, 'http://self.invalid/').searchParams.has('_sort');
  } catch {
    return true;
  }
}

const DAY_MS = 24 * 60 * 60 * 1000;

function reasonOf(error: unknown): string {
  if (error instanceof FhirReadError) return error.message;
  return 'an unexpected error occurred while reading them';
}

function statusOf(error: unknown): { status?: number } {
  return error instanceof FhirReadError && error.status !== undefined ? { status: error.status } : {};
}

/** Runs at most `max` tasks at once; a finished task hands its slot straight to the next waiting one. */
function limiter(max: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (active < max) active++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}

/** The time of a result for ordering (the engine's own reading of its date), or undefined. */
function resultTime(resource: unknown): number | undefined {
  if (!isObj(resource)) return undefined;
  return parseFhirDate(observationDate(resource as unknown as fhir4.Observation), 'start')?.getTime();
}

/** True when every result carries a date and they come newest first. */
function newestFirst(matches: readonly unknown[]): boolean {
  let previous = Number.POSITIVE_INFINITY;
  for (const m of matches) {
    const t = resultTime(m);
    if (t === undefined || t > previous) return false;
    previous = t;
  }
  return true;
}

/** Usable results per analyte (each analyte a list of LOINC codes). */
function countsPerAnalyte(matches: readonly unknown[], analytes: readonly (readonly string[])[]): number[] {
  return analytes.map((codes) => {
    let count = 0;
    for (const m of matches) {
      if (!isObj(m) || !USABLE_RESULT_STATUS.has(String(m.status)) || !isObj(m.code) || !Array.isArray(m.code.coding)) continue;
      if ((m.code.coding as unknown[]).some((c) => isObj(c) && codes.includes(String(c.code)))) count++;
    }
    return count;
  });
}

/**
 * True when the results so far are newest first (so the server honoured _sort) and hold enough for
 * every analyte: further pages hold only older results, which cannot change the outcome.
 */
export function enoughResults(
  matches: readonly unknown[],
  stop: NonNullable<SearchPlan['stopWhen']>,
  now: Date,
  options: { readonly absentAllowed?: boolean } = {},
): boolean {
  if (!newestFirst(matches)) return false;
  let oldest = Number.POSITIVE_INFINITY;
  let newest = Number.NEGATIVE_INFINITY;
  for (const m of matches) {
    const t = resultTime(m);
    if (t === undefined) continue;
    oldest = Math.min(oldest, t);
    newest = Math.max(newest, t);
  }
  // Results that all share one time prove nothing about the order: a server that ignored _sort
  // may have given its oldest results first.
  if (!(newest > oldest)) return false;
  const pastHorizon = oldest < now.getTime() - stop.horizonDays * DAY_MS;
  // With `absentAllowed`, an analyte with no result so far does not hold the search open: it gets
  // its own small newest-first search instead of paging through years of the others.
  return countsPerAnalyte(matches, stop.analytes).every(
    (count) => count >= stop.perAnalyte || (count >= 1 && pastHorizon) || (options.absentAllowed === true && count === 0),
  );
}

const isRejection = (error: unknown) => error instanceof FhirReadError && error.kind === 'http' && (error.status === 400 || error.status === 422);
const isBundle = (value: unknown) => isObj(value) && value.resourceType === 'Bundle';
const DATE_ONLY = /^[a-z]{0,2}\d{4}-\d{2}-\d{2}$/;

function prefetchFailure(value: unknown): string {
  if (value === undefined || value === null) return 'they were not prefetched and no FHIR server was given';
  return 'the prefetched result was an error and no FHIR server was given';
}

interface Page {
  readonly body: unknown;
  /** Absolute URL of the page, against which its `next` link is resolved. */
  readonly url: string;
}

async function metadataTypes(get: (url: string) => Promise<unknown>): Promise<Set<string> | undefined> {
  try {
    const body = await get('metadata');
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

/** Types another type can stand in for, and the quiet note shown when it does. */
const COVERED_BY: Partial<Record<ReadableType, { readonly by: ReadableType; readonly note: string }>> = {
  MedicationStatement: {
    by: 'MedicationRequest',
    note: 'This server keeps medications as orders (MedicationRequest); it offers no MedicationStatement.',
  },
  MedicationRequest: {
    by: 'MedicationStatement',
    note: 'This server keeps medications as statements (MedicationStatement); it offers no MedicationRequest.',
  },
};

export async function loadPatientData(
  transport: FhirTransport | undefined,
  patientId: string,
  knowledge: CompiledKnowledge,
  options: LoadOptions = {},
): Promise<PatientData> {
  const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
  const now = options.now ?? new Date();
  const plans = planSearches(knowledge, now);
  const notChecked: NotChecked[] = [];
  const truncated: Truncation[] = [];
  const coverageNotes: string[] = [];
  const diagnose: DiagnosticSink = (detail) => options.onDiagnostic?.(detail);
  const limit = limiter(Math.max(1, options.maxConcurrency ?? MAX_CONCURRENT_REQUESTS));
  const base = transport?.baseUrl;
  const quirks: ServerQuirks = base ? quirksFor(base) : { rejected: new Set(), dateInstant: false };
  const get = (url: string): Promise<unknown> => {
    if (!transport) return Promise.reject(new FhirReadError('unexpected', 'no FHIR server was given to read them'));
    return limit(() => transport.get(url));
  };
  const absolute = (relative: string) => (base ? resolveOnServer(base, relative) : relative);

  /** Reads pages from `first` on, following `next` links; stops at the page budget or when `enough`. */
  async function readPages(
    first: Page,
    type: ReadableType,
    budget: number,
    decide?: (matches: readonly unknown[], body: Record<string, unknown>) => PageDecision,
  ): Promise<SearchResult> {
    const matches: unknown[] = [];
    const included: unknown[] = [];
    const seen = new Set<string>();
    let page: Page | undefined = first;
    let pagesRead = 0;
    while (page !== undefined) {
      const body = page.body;
      if (!isObj(body) || body.resourceType !== 'Bundle') {
        throw new FhirReadError('unexpected', 'the server answered with something other than a search result');
      }
      seen.add(page.url);
      pagesRead++;
      for (const entry of Array.isArray(body.entry) ? body.entry : []) {
        if (!isObj(entry) || !isObj(entry.resource)) continue;
        const resource = entry.resource;
        const mode = isObj(entry.search) ? entry.search.mode : undefined;
        if (mode === 'outcome' || resource.resourceType === 'OperationOutcome') {
          // Outcome entries are messages about the search, not data.
          const issues = Array.isArray(resource.issue) ? resource.issue.filter(isObj) : [];
          for (const issue of issues) {
            const text = [isObj(issue.details) ? issue.details.text : undefined, issue.diagnostics].filter((t) => typeof t === 'string').join(' | ');
            const severe = issue.severity === 'error' || issue.severity === 'fatal';
            diagnose({ resourceType: type, kind: severe ? 'outcome' : 'warning', text: text.slice(0, 500) || String(issue.code ?? 'outcome') });
            if (severe) throw new FhirReadError('outcome', 'the server reported an error inside the search result, so it may be incomplete');
          }
          continue;
        }
        if (resource.resourceType === type && mode !== 'include') matches.push(resource);
        else if (resource.resourceType === 'Medication') included.push(resource);
      }
      const link: unknown = Array.isArray(body.link)
        ? (body.link as unknown[]).find((l) => isObj(l) && l.relation === 'next' && typeof l.url === 'string')
        : undefined;
      if (!isObj(link)) break; // the last page: everything is read, whatever the order
      const decision = decide?.(matches, body);
      if (decision === 'enough') return { matches, included, pagesRead, truncated: false, stoppedEarly: true };
      if (decision === 'unsorted') return { matches, included, pagesRead, truncated: false, unsorted: true };
      if (!transport || !base) {
        throw new FhirReadError('unexpected', 'the prefetched result has more pages and no FHIR server was given to read them');
      }
      const next = resolveOnServer(base, String(link.url), page.url);
      if (seen.has(next)) throw new FhirReadError('paging', `the server’s paging links went round in a loop after ${pagesRead} pages`);
      if (pagesRead >= budget) return { matches, included, pagesRead, truncated: true };
      page = { body: await get(next), url: next };
    }
    return { matches, included, pagesRead, truncated: false };
  }

  /**
   * The first page of a search in the best form the server accepts: the preferred query, then (on a
   * 400/422) without the parameters the server named or with dates as full instants, then the
   * documented minimum. What worked is remembered for this server.
   */
  async function firstPage(plan: SearchPlan, parts: readonly QueryPart[] = plan.parts): Promise<Page> {
    const attempt = async (form: QueryForm, assumed: ServerQuirks): Promise<Page> => {
      const url = absolute(searchUrl(plan, patientId, queryFor(parts, assumed, form)));
      return { body: await get(url), url };
    };
    const preferred = queryFor(parts, quirks, 'preferred');
    try {
      return await attempt('preferred', quirks);
    } catch (error) {
      if (!isRejection(error) || preferred === queryFor(parts, quirks, 'minimal')) throw error;
      const status = (error as FhirReadError).status;
      diagnose({ resourceType: plan.resourceType, ...(status ? { status } : {}), kind: 'retry', text: 'the server refused an optional search parameter; retrying with fewer' });
      const sent = parts.filter((p) => p.optional && !quirks.rejected.has(p.name));
      const serverText = (error as FhirReadError).serverText ?? '';
      const named = [...new Set(sent.map((p) => p.name).filter((n) => serverText.includes(n)))];
      const dateOnly = !quirks.dateInstant && sent.some((p) => p.name === 'date' && DATE_ONLY.test(p.value));
      let guess: ServerQuirks | undefined;
      if (named.some((n) => n !== 'date')) {
        const rejected = new Set([...quirks.rejected, ...named.filter((n) => n !== 'date' || !dateOnly)]);
        guess = { rejected, dateInstant: quirks.dateInstant || (named.includes('date') && dateOnly) };
      } else if (dateOnly) {
        guess = { rejected: new Set(quirks.rejected), dateInstant: true };
      }
      if (guess) {
        try {
          const page = await attempt('preferred', guess);
          for (const n of guess.rejected) quirks.rejected.add(n);
          quirks.dateInstant ||= guess.dateInstant;
          return page;
        } catch (second) {
          if (!isRejection(second)) throw second;
        }
      }
      const page = await attempt('minimal', quirks);
      for (const p of sent) quirks.rejected.add(p.name);
      return page;
    }
  }

  /**
   * The electrolytes when the server ignored `_sort`: everything in a recent date window, then the
   * analytes still short of results, older than the window. Bounded by the page budget.
   */
  async function latestByWindows(plan: SearchPlan, stop: NonNullable<SearchPlan['stopWhen']>, firstMatches: readonly unknown[], budget: number): Promise<SearchResult> {
    diagnose({ resourceType: plan.resourceType, kind: 'warning', text: 'the server ignored _sort; reading the latest results by date windows' });
    const since = new Date(now.getTime() - (FIRST_WINDOW_DAYS + 1) * DAY_MS).toISOString().slice(0, 10);
    const rest = plan.parts.filter((p) => p.name !== 'code' && p.name !== 'date' && p.name !== '_sort');
    const codesOf = (analytes: readonly (readonly string[])[]) => loincQuery(analytes.flat());
    const matches: unknown[] = [];
    const included: unknown[] = [];
    let pagesRead = 0;
    const read = async (parts: QueryPart[]): Promise<boolean> => {
      const result = await readPages(await firstPage(plan, parts), plan.resourceType, budget - pagesRead);
      pagesRead += result.pagesRead;
      matches.push(...result.matches);
      included.push(...result.included);
      return result.truncated;
    };
    if (await read([{ name: 'code', value: codesOf(stop.analytes) }, { name: 'date', value: `ge${since}`, optional: true }, ...rest])) {
      return { matches, included, pagesRead, truncated: true };
    }
    const counts = countsPerAnalyte(matches, stop.analytes);
    const missing = stop.analytes.filter((_codes, i) => (counts[i] ?? 0) < stop.perAnalyte);
    if (missing.length > 0 && pagesRead < budget) {
      // Older than the window, only for the analytes still short; `lt` keeps the window's results out.
      if (await read([{ name: 'code', value: codesOf(missing) }, { name: 'date', value: `lt${since}`, optional: true }, ...rest])) {
        return { matches, included, pagesRead, truncated: true };
      }
    } else if (missing.length > 0) {
      return { matches, included, pagesRead, truncated: true };
    }
    // The unsorted first page, and both windows when a server dropped the date, may repeat results:
    // keep each once, or a trend would show it twice.
    const seen = new Set<string>();
    const unique = [...matches, ...firstMatches].filter((m) => {
      if (!isObj(m) || typeof m.id !== 'string') return true;
      const key = `${String(m.resourceType)}/${m.id}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    return { matches: unique, included, pagesRead, truncated: false };
  }

  const prefetch = options.prefetch ?? {};
  const prefetchedPatient = prefetch.patient;
  const patientPrefetched = isObj(prefetchedPatient) && prefetchedPatient.resourceType === 'Patient';
  const fromServer = plans.filter((plan) => !isBundle(prefetch[plan.key]));
  // No CapabilityStatement is needed when the prefetch answered everything.
  const capabilityPromise: Promise<Set<string> | undefined> =
    transport && (!patientPrefetched || fromServer.length > 0) ? metadataTypes(get) : Promise.resolve(undefined);

  const readPatient = async (): Promise<unknown> => {
    if (patientPrefetched) return prefetchedPatient;
    if (!transport) throw new FhirReadError('unexpected', prefetchFailure(prefetchedPatient));
    return get(`Patient/${encodeURIComponent(patientId)}`);
  };

  type Outcome =
    | { plan: SearchPlan; ok: true; result: SearchResult }
    | { plan: SearchPlan; ok: false; error: unknown }
    | { plan: SearchPlan; ok: 'covered'; note: string };

  const runSearch = async (plan: SearchPlan): Promise<Outcome> => {
    const given = prefetch[plan.key];
    try {
      let first: Page;
      if (isBundle(given)) {
        first = { body: given, url: base ? absolute(searchUrl(plan, patientId)) : searchUrl(plan, patientId) };
      } else {
        if (!transport) throw new FhirReadError('unexpected', prefetchFailure(given));
        // Searched at once, in the same wave as everything else; only when it fails does the
        // CapabilityStatement decide whether another type covers its rules (a quiet note) or it is
        // not checked. Waiting for /metadata first would add a sequential round trip for everyone.
        const cover = COVERED_BY[plan.resourceType];
        try {
          first = await firstPage(plan);
        } catch (error) {
          const capability = cover ? await capabilityPromise : undefined;
          if (cover && capability && !capability.has(plan.resourceType) && capability.has(cover.by)) return { plan, ok: 'covered', note: cover.note };
          throw error;
        }
      }
      const stop = options.readAllPages ? undefined : plan.stopWhen;
      if (!stop) return { plan, ok: true, result: await readPages(first, plan.resourceType, maxPages) };
      // A newest-first search stops once older pages cannot matter. When the results prove not to
      // be newest first (out of order, or a self link without the `_sort` we sent) and more pages
      // follow, the server ignored `_sort`: the latest results are read by date windows instead.
      // Whether the first request asked for `_sort`: parsed only when a next page makes it matter.
      let sentSortMemo: boolean | undefined;
      const sentSort = () => (sentSortMemo ??= new URL(first.url, 'http://first.invalid/').searchParams.has('_sort'));
      const decide = (matches: readonly unknown[], body: Record<string, unknown>): PageDecision => {
        if (transport && (!newestFirst(matches) || (sentSort() && !selfKeepsSort(body)))) return 'unsorted';
        return enoughResults(matches, stop, now, { absentAllowed: true }) ? 'enough' : 'more';
      };
      const sorted = await readPages(first, plan.resourceType, maxPages, decide);
      if (!sorted.unsorted) {
        // Stopped early with some analytes not seen at all: ask for those alone, newest first, so a
        // patient never tested for TSH does not make us page through every potassium ever taken.
        if (!sorted.stoppedEarly || !transport) return { plan, ok: true, result: sorted };
        const counts = countsPerAnalyte(sorted.matches, stop.analytes);
        const absent = stop.analytes.filter((_codes, i) => (counts[i] ?? 0) === 0);
        if (absent.length === 0) return { plan, ok: true, result: sorted };
        const sub = { ...stop, analytes: absent };
        const parts = plan.parts.map((p) => (p.name === 'code' ? { ...p, value: loincQuery(absent.flat()) } : p));
        const decideSub = (matches: readonly unknown[], body: Record<string, unknown>): PageDecision => {
          if (!newestFirst(matches) || (sentSort() && !selfKeepsSort(body))) return 'unsorted';
          return enoughResults(matches, sub, now) ? 'enough' : 'more';
        };
        const more = await readPages(await firstPage(plan, parts), plan.resourceType, maxPages - sorted.pagesRead, decideSub);
        const joined = { matches: [...sorted.matches, ...more.matches], included: [...sorted.included, ...more.included], pagesRead: sorted.pagesRead + more.pagesRead };
        if (!more.unsorted) return { plan, ok: true, result: { ...joined, truncated: more.truncated } };
        const windowed = await latestByWindows(plan, sub, more.matches, maxPages - joined.pagesRead);
        return { plan, ok: true, result: { matches: [...sorted.matches, ...windowed.matches], included: [...joined.included, ...windowed.included], pagesRead: joined.pagesRead + windowed.pagesRead, truncated: windowed.truncated } };
      }
      const windowed = await latestByWindows(plan, stop, sorted.matches, maxPages - sorted.pagesRead);
      return { plan, ok: true, result: { ...windowed, included: [...sorted.included, ...windowed.included], pagesRead: windowed.pagesRead + sorted.pagesRead } };
    } catch (error) {
      return { plan, ok: false, error };
    }
  };

  const [patientOutcome, capability, ...searches] = await Promise.all([
    readPatient().then(
      (body) => ({ ok: true as const, body }),
      (error: unknown) => ({ ok: false as const, error }),
    ),
    capabilityPromise,
    ...plans.map(runSearch),
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
  const fail = (type: ReadableType, entry: NotChecked) => {
    // A type read by several searches is not checked when any of them fails; the others' results are still used.
    if (!failed.has(type)) failed.set(type, entry);
  };
  for (const search of searches) {
    const type = search.plan.resourceType;
    const purpose = search.plan.purpose;
    if (search.ok === 'covered') {
      coverageNotes.push(search.note);
      continue;
    }
    if (!search.ok) {
      // "Not offered" only explains a refusal; a redirect, a paging fault or a timeout keeps its own reason.
      const refused = search.error instanceof FhirReadError && search.error.kind === 'http' && [400, 404, 405, 422, 501].includes(search.error.status ?? 0);
      const unsupported = refused && capability && !capability.has(type);
      const reason = unsupported ? 'this FHIR server does not offer them' : reasonOf(search.error);
      fail(type, { resourceType: type, reason: purpose && !unsupported ? `${purpose}: ${reason}` : reason, ...statusOf(search.error) });
      continue;
    }
    byType.set(type, [...(byType.get(type) ?? []), ...search.result.matches]);
    for (const med of search.result.included) {
      const m = med as fhir4.Medication;
      if (typeof m.id === 'string') medications.set(`Medication/${m.id}`, m);
    }
    if (search.result.truncated) {
      // One entry per type (the sidebar keys its notes by type): the longest read that stopped early.
      const previous = truncated.findIndex((t) => t.resourceType === type);
      if (previous < 0) truncated.push({ resourceType: type, pagesRead: search.result.pagesRead });
      else truncated[previous] = { resourceType: type, pagesRead: Math.max(truncated[previous]?.pagesRead ?? 0, search.result.pagesRead) };
      const reason = `only the first ${search.result.pagesRead} pages of results were read`;
      fail(type, { resourceType: type, reason: purpose ? `${purpose}: ${reason}` : reason });
    }
  }
  notChecked.push(...failed.values());

  const statements = (byType.get('MedicationStatement') ?? []) as fhir4.MedicationStatement[];
  const requests = (byType.get('MedicationRequest') ?? []) as fhir4.MedicationRequest[];
  const missing = missingMedicationIds([...statements, ...requests], new Set(medications.keys()));
  const cap = Math.max(0, options.maxMedicationReads ?? MAX_MEDICATION_READS);
  const toRead = missing.slice(0, cap);
  const failedReads: string[] = [];
  await Promise.all(
    toRead.map(async (id) => {
      try {
        if (!transport) throw new FhirReadError('unexpected', 'they were not in the prefetched results and no FHIR server was given');
        const body = await get(`Medication/${encodeURIComponent(id)}`);
        if (isObj(body) && body.resourceType === 'Medication') medications.set(`Medication/${id}`, body as unknown as fhir4.Medication);
        else failedReads.push('the server’s answer was not a Medication');
      } catch (error) {
        failedReads.push(reasonOf(error));
      }
    }),
  );
  const medicationProblems: string[] = [];
  if (failedReads.length > 0) medicationProblems.push(`${failedReads.length} referenced medication(s) could not be read (${failedReads[0]})`);
  if (missing.length > toRead.length) {
    medicationProblems.push(`${missing.length - toRead.length} more referenced medication(s) were not read, since at most ${cap} are read for one patient`);
  }
  if (medicationProblems.length > 0) notChecked.push({ resourceType: 'Medication', reason: medicationProblems.join('; ') });

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
    ...(coverageNotes.length > 0 ? { coverageNotes } : {}),
  };
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
