// A small FHIR R4 search server over the demo patients, answering as one "dialect" of a real EHR
// server does according to its public documentation. It is a `fetch` function, handed to the
// transport as its `fetch` option (the same single outbound path production uses), so each test
// counts requests and in-flight requests exactly. Search semantics kept to what our queries use:
// patient, code (token list), status (list), date (ge/lt, date or instant), _count, _sort=-date,
// _include of the medication.
import { demoPatients } from '../../../lib/sandbox/demoPatients';

export interface Dialect {
  readonly name: string;
  /** Vendor documentation the behaviour comes from. */
  readonly source: string;
  /** Types left out of the CapabilityStatement; searching them answers 404. */
  readonly lacks?: readonly string[];
  /** Parameters the server refuses with 400 (as a strict server does for what it does not support). */
  readonly refuses?: readonly string[];
  /** 400 when a date search value has no time. */
  readonly dateNeedsTime?: boolean;
  /** `_sort` is ignored and results come oldest first. */
  readonly ignoresSort?: boolean;
  /** Page size when `_count` is absent, and the most it allows. */
  readonly defaultCount?: number;
  readonly maxCount?: number;
  readonly links?: 'absolute' | 'pageContext' | 'getpagesRootRelative' | 'cursorRelative';
  /** A warning OperationOutcome entry (search.mode = outcome) in every searchset. */
  readonly outcomeWarnings?: boolean;
  /** Observation searches without code or category are refused. */
  readonly observationNeedsCode?: boolean;
  /** How the server stores a record (e.g. a patient-reported medication as a MedicationRequest). */
  readonly store?: (resource: fhir4.FhirResource) => fhir4.FhirResource;
}

/** Oracle Health records home and patient-reported medications as MedicationRequests (reported). */
function asOrder(resource: fhir4.FhirResource): fhir4.FhirResource {
  if (resource.resourceType !== 'MedicationStatement') return resource;
  const { status, effectiveDateTime, effectivePeriod, dateAsserted, dosage } = resource;
  const shared: Partial<fhir4.MedicationRequest> = {
    ...(resource.id ? { id: resource.id } : {}),
    subject: resource.subject,
    ...(resource.contained ? { contained: resource.contained } : {}),
    ...(resource.medicationCodeableConcept ? { medicationCodeableConcept: resource.medicationCodeableConcept } : {}),
    ...(resource.medicationReference ? { medicationReference: resource.medicationReference } : {}),
  };
  return {
    ...shared,
    resourceType: 'MedicationRequest',
    status: status === 'active' || status === 'intended' ? 'active' : status === 'stopped' ? 'stopped' : status === 'completed' ? 'completed' : 'unknown',
    intent: 'plan',
    reportedBoolean: true,
    ...(effectiveDateTime ?? effectivePeriod?.start ?? dateAsserted ? { authoredOn: effectiveDateTime ?? effectivePeriod?.start ?? dateAsserted } : {}),
    ...(dosage ? { dosageInstruction: dosage } : {}),
  } as fhir4.MedicationRequest;
}

/** One demo patient's record as the dialect's server holds it. */
export function dialectResources(dialect: Dialect, id: string, now: Date): fhir4.FhirResource[] {
  const patient = demoPatients.find((p) => p.id === id);
  if (!patient) throw new Error(`no demo patient ${id}`);
  return patient.resources(now).map((r) => (dialect.store ? dialect.store(r) : r));
}

export const DIALECTS: readonly Dialect[] = [
  {
    name: 'conformant',
    source: 'FHIR R4 RESTful search, https://hl7.org/fhir/R4/search.html',
    links: 'absolute',
  },
  {
    // No MedicationStatement in Millennium R4 (patient-reported medications are MedicationRequests);
    // Observation pages default to 50, at most 200; paging state travels in opaque tokens in the
    // next URL. Sources: https://fhir.cerner.com/millennium/r4/ (R4 overview, resource list) and
    // https://docs.oracle.com/en/industries/health/millennium-platform-apis/mfrap/op-observation-get.html
    name: 'oracle-health',
    source: 'https://docs.oracle.com/en/industries/health/millennium-platform-apis/mfrap/op-observation-get.html',
    lacks: ['MedicationStatement'],
    store: asOrder,
    defaultCount: 50,
    maxCount: 200,
    links: 'pageContext',
  },
  {
    // A server that refuses what it does not support instead of ignoring it: HAPI and Medplum for
    // unknown parameters, Azure Health Data Services with `Prefer: handling=strict`
    // (https://hl7.org/fhir/R4/search.html#errors, https://learn.microsoft.com/en-us/azure/healthcare-apis/fhir/overview-of-search).
    name: 'strict',
    source: 'https://hl7.org/fhir/R4/search.html#errors',
    refuses: ['_include', '_sort', '_count'],
    defaultCount: 50,
    links: 'absolute',
  },
  {
    // Oracle Health requires date values with a time for some searches (per vendor documentation,
    // Millennium R4 "Get a list of procedures" / observations date parameter).
    name: 'date-needs-time',
    source: 'per vendor documentation (Oracle Health Millennium Platform APIs, date search parameters)',
    dateNeedsTime: true,
    links: 'absolute',
  },
  {
    // `_sort` is optional for servers (https://hl7.org/fhir/R4/search.html#sort: a server may
    // ignore it); pages of 50 and cursor links relative to the page, as Medplum's `_cursor`
    // (https://medplum.com/docs/search/paginated-search).
    name: 'sort-ignored-50',
    source: 'https://hl7.org/fhir/R4/search.html#sort; https://medplum.com/docs/search/paginated-search',
    ignoresSort: true,
    defaultCount: 50,
    maxCount: 50,
    links: 'cursorRelative',
  },
  {
    // HAPI's paging links point at the base itself (`[base]?_getpages=...`,
    // https://github.com/hapifhir/hapi-fhir/issues/2509); some proxies rewrite them root-relative.
    name: 'root-relative-getpages',
    source: 'https://github.com/hapifhir/hapi-fhir/issues/2509',
    defaultCount: 10,
    maxCount: 10,
    links: 'getpagesRootRelative',
  },
  {
    // Epic: patient plus code or category required on Observation searches
    // (https://open.epic.com/Clinical/FHIR?whereTo=observation); search Bundles carry
    // OperationOutcome entries with search.mode "outcome" (https://fhir.epic.com/Specifications?api=10450).
    name: 'epic',
    source: 'https://open.epic.com/Clinical/FHIR?whereTo=observation',
    outcomeWarnings: true,
    observationNeedsCode: true,
    links: 'absolute',
  },
];

export const EMULATOR_BASE = 'https://ehr.test/fhir/r4';

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/fhir+json' } });
const outcome = (status: number, code: string, text: string) =>
  json(status, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, diagnostics: text }] });

type Res = fhir4.FhirResource & { id?: string };

function dateOf(r: Res): string | undefined {
  const x = r as { effectiveDateTime?: string; effectivePeriod?: { start?: string }; issued?: string; performedDateTime?: string; performedPeriod?: { start?: string } };
  return x.effectiveDateTime ?? x.effectivePeriod?.start ?? x.issued ?? x.performedDateTime ?? x.performedPeriod?.start;
}

function dateMatches(r: Res, param: string): boolean {
  const m = /^(ge|lt|gt|le)?(.+)$/.exec(param);
  const when = dateOf(r);
  if (!m || !when) return false;
  const value = Date.parse(m[2] ?? '');
  const at = Date.parse(when);
  switch (m[1] ?? 'ge') {
    case 'ge':
      return at >= value;
    case 'gt':
      return at > value;
    case 'lt':
      return at < value;
    default:
      return at <= value;
  }
}

export interface EmulatorStats {
  requests: string[];
  inFlight: number;
  maxInFlight: number;
}

/** A fetch function serving the demo patients (as of `now`) in one dialect. */
export function emulate(dialect: Dialect, now: Date, stats: EmulatorStats = { requests: [], inFlight: 0, maxInFlight: 0 }): { fetch: typeof fetch; stats: EmulatorStats } {
  const byPatient = new Map<string, Res[]>();
  const medications = new Map<string, Res>();
  for (const p of demoPatients) {
    const resources = dialectResources(dialect, p.id, now) as Res[];
    byPatient.set(p.id, resources);
    for (const r of resources) if (r.resourceType === 'Medication' && r.id) medications.set(r.id, r);
  }
  const pages = new Map<string, { query: URLSearchParams; type: string; offset: number }>();
  let tokens = 0;
  const base = new URL(`${EMULATOR_BASE}/`);

  function search(type: string, query: URLSearchParams, offset: number): Response {
    if (dialect.lacks?.includes(type)) return outcome(404, 'not-supported', `${type} is not supported`);
    for (const name of dialect.refuses ?? []) {
      if (query.has(name)) return outcome(400, 'not-supported', `Unknown or unsupported search parameter "${name}"`);
    }
    const dates = query.getAll('date');
    if (dialect.dateNeedsTime && dates.some((d) => !/T/.test(d))) return outcome(400, 'invalid', 'Search values must include a time and time zone');
    if (dialect.observationNeedsCode && type === 'Observation' && !query.has('code') && !query.has('category')) {
      return outcome(400, 'required', 'code or category is required');
    }
    const patient = query.get('patient');
    if (!patient) return outcome(400, 'required', 'patient is required');
    let matches = (byPatient.get(patient) ?? []).filter((r) => r.resourceType === type);
    const codes = query.get('code')?.split(',').map((c) => c.split('|'));
    if (codes) {
      matches = matches.filter((r) =>
        (r as fhir4.Observation).code?.coding?.some((c) => codes.some(([system, code]) => (code === undefined ? system === c.code : system === c.system && code === c.code))),
      );
    }
    const statuses = query.get('status')?.split(',');
    if (statuses) matches = matches.filter((r) => statuses.includes(String((r as { status?: string }).status)));
    for (const d of dates) matches = matches.filter((r) => dateMatches(r, d));
    if (dialect.ignoresSort) matches.sort((a, b) => (dateOf(a) ?? '').localeCompare(dateOf(b) ?? ''));
    else if (query.get('_sort') === '-date') matches.sort((a, b) => (dateOf(b) ?? '').localeCompare(dateOf(a) ?? ''));
    const wanted = Number(query.get('_count') ?? dialect.defaultCount ?? 100);
    const count = Math.max(1, Math.min(wanted, dialect.maxCount ?? 200));
    const slice = matches.slice(offset, offset + count);
    const entry: fhir4.BundleEntry[] = slice.map((resource) => ({ fullUrl: `${EMULATOR_BASE}/${type}/${resource.id}`, resource, search: { mode: 'match' } }));
    if (query.getAll('_include').includes(`${type}:medication`)) {
      const ids = new Set(slice.map((r) => (r as fhir4.MedicationRequest).medicationReference?.reference?.replace(/^Medication\//, '')).filter((id): id is string => !!id));
      for (const id of ids) {
        const med = medications.get(id);
        if (med) entry.push({ fullUrl: `${EMULATOR_BASE}/Medication/${id}`, resource: med, search: { mode: 'include' } });
      }
    }
    if (dialect.outcomeWarnings) {
      entry.push({
        resource: { resourceType: 'OperationOutcome', issue: [{ severity: 'warning', code: 'informational', diagnostics: 'Some results may be filtered by the user’s security.' }] } as fhir4.OperationOutcome,
        search: { mode: 'outcome' },
      });
    }
    const link: fhir4.BundleLink[] = [];
    if (offset + count < matches.length) {
      const token = `t${++tokens}`;
      pages.set(token, { query, type, offset: offset + count });
      const params = new URLSearchParams(query);
      switch (dialect.links ?? 'absolute') {
        case 'pageContext':
          link.push({ relation: 'next', url: `${EMULATOR_BASE}/${type}?patient=${encodeURIComponent(patient)}&-pageContext=${token}&-pageDirection=NEXT` });
          break;
        case 'getpagesRootRelative':
          link.push({ relation: 'next', url: `${base.pathname.replace(/\/$/, '')}?_getpages=${token}&_getpagesoffset=${offset + count}&_bundletype=searchset` });
          break;
        case 'cursorRelative':
          link.push({ relation: 'next', url: `${type}?patient=${encodeURIComponent(patient)}&_cursor=${token}` });
          break;
        default:
          params.set('_offset', String(offset + count));
          link.push({ relation: 'next', url: `${EMULATOR_BASE}/${type}?${params.toString()}` });
      }
    }
    return json(200, { resourceType: 'Bundle', type: 'searchset', total: matches.length, link, entry });
  }

  function answer(url: URL): Response {
    if (url.origin !== base.origin || !(url.pathname === base.pathname.slice(0, -1) || url.pathname.startsWith(base.pathname))) {
      return outcome(404, 'not-found', 'not this server');
    }
    const path = url.pathname.slice(base.pathname.length);
    const q = url.searchParams;
    // HAPI serves its pages at the base itself; the others under the type's path. Anything else is
    // a wrongly resolved link and gets the 404 a real server would give.
    const atBase = url.pathname === base.pathname.slice(0, -1);
    if (q.has('_getpages') !== atBase) return outcome(404, 'not-found', `${url.pathname} is not served here`);
    const token = q.get('_getpages') ?? q.get('-pageContext') ?? q.get('_cursor');
    if (token !== null) {
      const page = pages.get(token);
      return page ? search(page.type, page.query, page.offset) : outcome(410, 'not-found', 'page expired');
    }
    if (path === 'metadata') {
      const types = ['Patient', 'MedicationStatement', 'MedicationRequest', 'Medication', 'Condition', 'Observation', 'Procedure'].filter((t) => !dialect.lacks?.includes(t));
      return json(200, { resourceType: 'CapabilityStatement', status: 'active', kind: 'instance', fhirVersion: '4.0.1', format: ['json'], rest: [{ mode: 'server', resource: types.map((type) => ({ type })) }] });
    }
    const [type, id] = path.split('/');
    if (!type) return outcome(404, 'not-found', 'no type');
    if (id !== undefined) {
      const found = type === 'Medication' ? medications.get(id) : type === 'Patient' ? byPatient.get(id)?.find((r) => r.resourceType === 'Patient') : undefined;
      return found ? json(200, found) : outcome(404, 'not-found', `${type}/${id} not found`);
    }
    return search(type, q, Number(q.get('_offset') ?? 0));
  }

  const fetchFn = (async (input: RequestInfo | URL) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.toString() : input.url);
    stats.requests.push(url.toString());
    stats.inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    try {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return answer(url);
    } finally {
      stats.inFlight--;
    }
  }) as typeof fetch;
  return { fetch: fetchFn, stats };
}
