import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { evaluate } from '../../lib/engine/evaluate';
import { DEFAULT_MAX_PAGES, loadPatientData } from '../../lib/fhir/loader';
import { forgetQuirks } from '../../lib/fhir/queries';
import { findingsFromServer } from '../../lib/findings';
import { createFetchTransport } from '../../lib/fhir/transport';
import { knowledge } from '../../lib/knowledge';
import { condition, daysAgo, lab, medicationRequest, NOW, patient, PATIENT_ID, rxConcept } from '../helpers/fhir';

const BASE = 'https://fhir.test/r4';

function searchBundle(resources: fhir4.Resource[], next?: string, included: fhir4.Resource[] = []): fhir4.Bundle {
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    ...(next ? { link: [{ relation: 'next', url: next }] } : {}),
    entry: [
      ...resources.map((resource) => ({ resource, search: { mode: 'match' as const } })),
      ...included.map((resource) => ({ resource, search: { mode: 'include' as const } })),
    ],
  };
}

const capability = (types: string[]) => ({
  resourceType: 'CapabilityStatement',
  status: 'active',
  kind: 'instance',
  fhirVersion: '4.0.1',
  format: ['json'],
  rest: [{ mode: 'server', resource: types.map((type) => ({ type })) }],
});

const ALL_TYPES = ['Patient', 'MedicationStatement', 'MedicationRequest', 'Medication', 'Condition', 'Observation', 'Procedure'];
const seen: URL[] = [];

/** Default handlers: an empty record for every type; tests override per type. */
function handlers(overrides: Partial<Record<string, (url: URL) => Response | Promise<Response>>> = {}) {
  const answer = (type: string) =>
    http.get(`${BASE}/${type}`, ({ request }) => {
      const url = new URL(request.url);
      seen.push(url);
      if (url.searchParams.get('patient') !== PATIENT_ID) return HttpResponse.json(searchBundle([]));
      // Observation overrides stand for the electrolyte search (and its pages); the windowed
      // glucose, BMI and pregnancy searches get an empty answer unless a test says otherwise.
      const code = url.searchParams.get('code');
      if (type === 'Observation' && code !== null && !code.includes('2823-3')) {
        return overrides.WindowedObservation?.(url) ?? HttpResponse.json(searchBundle([]));
      }
      return overrides[type]?.(url) ?? HttpResponse.json(searchBundle([]));
    });
  return [
    http.get(`${BASE}/metadata`, () => HttpResponse.json(capability(ALL_TYPES))),
    http.get(`${BASE}/Patient/${PATIENT_ID}`, () => overrides.Patient?.(new URL(`${BASE}/Patient`)) ?? HttpResponse.json(patient())),
    answer('MedicationStatement'),
    answer('MedicationRequest'),
    answer('Condition'),
    answer('Observation'),
    answer('Procedure'),
  ];
}

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  seen.length = 0;
});
afterAll(() => server.close());

const transport = () => createFetchTransport({ baseUrl: BASE, token: () => 'test-token', sleep: async () => {} });
const load = (maxPages?: number) =>
  loadPatientData(transport(), PATIENT_ID, knowledge(), { now: NOW, ...(maxPages !== undefined ? { maxPages } : {}) });

describe('loadPatientData', () => {
  it('asks for Observations by the rules’ LOINC codes, newest first, and medications by status with _include', async () => {
    server.use(...handlers());
    await load();
    const obs = seen.filter((u) => u.pathname.endsWith('/Observation'));
    const byCodes = new Map(obs.map((u) => [u.searchParams.get('code')?.split(',').sort().join(','), u] as const));
    const loinc = (codes: string[]) => codes.map((c) => `http://loinc.org|${c}`).sort().join(',');
    // Electrolytes: whole history, newest first (the latest result decides however old it is).
    const electrolytes = byCodes.get(
      loinc(['19123-9', '2601-3', '2823-3', '2947-0', '2951-2', '6298-4', '17861-6', '49765-1', '1994-3', '1995-0', '3016-3', '11580-8']),
    );
    expect(electrolytes?.searchParams.get('_sort')).toBe('-date');
    expect(electrolytes?.searchParams.get('date')).toBeNull();
    // Windowed criteria ask only for their window, measured back from now.
    const day = (days: number) => new Date(NOW.getTime() - days * 86_400_000).toISOString().slice(0, 10);
    expect(byCodes.get(loinc(['2339-0', '2345-7']))?.searchParams.get('date')).toBe(`ge${day(31)}`);
    expect(byCodes.get(loinc(['39156-5']))?.searchParams.get('date')).toBe(`ge${day(731)}`);
    expect(byCodes.get(loinc(['82810-3', '11884-4', '11885-1', '18185-9', '49051-6', '49052-4']))?.searchParams.get('date')).toBe(
      `ge${day(295)}`,
    );
    expect(obs).toHaveLength(4);
    const procedure = seen.find((u) => u.pathname.endsWith('/Procedure'));
    expect(procedure?.searchParams.get('date')).toBe(`ge${day(91)}`);
    const mr = seen.find((u) => u.pathname.endsWith('/MedicationRequest'));
    expect(mr?.searchParams.get('status')).toBe('active');
    expect(mr?.searchParams.get('_include')).toBe('MedicationRequest:medication');
    const ms = seen.find((u) => u.pathname.endsWith('/MedicationStatement'));
    expect(ms?.searchParams.get('status')).toBe('active,intended');
  });

  it('follows next links over several pages', async () => {
    const pages = [
      [lab('2823-3', 4.2, 'mmol/L'), lab('2951-2', 140, 'mmol/L')],
      [lab('2823-3', 4.0, 'mmol/L')],
      [lab('19123-9', 2.0, 'mg/dL')],
    ];
    server.use(
      ...handlers({
        Observation: (url) => {
          const page = Number(url.searchParams.get('page') ?? '0');
          const next = page + 1 < pages.length ? `${BASE}/Observation?patient=${PATIENT_ID}&page=${page + 1}` : undefined;
          return HttpResponse.json(searchBundle(pages[page] ?? [], next));
        },
      }),
    );
    const data = await load();
    expect(data.observations).toHaveLength(4);
    expect(data.notChecked).toEqual([]);
    expect(data.truncated).toEqual([]);
  });

  describe('stopping early on a newest-first electrolyte search', () => {
    // One code per analyte the lab rules read: potassium, sodium, magnesium, total and ionized calcium, TSH.
    const analytes: [string, number, string][] = [
      ['2823-3', 4, 'mmol/L'], ['2951-2', 140, 'mmol/L'], ['19123-9', 2, 'mg/dL'],
      ['17861-6', 9.2, 'mg/dL'], ['1995-0', 1.2, 'mmol/L'], ['3016-3', 2.1, 'm[IU]/L'],
    ];
    const page = (offset: number, days: (i: number) => number) =>
      analytes.flatMap(([code, value, unit]) =>
        Array.from({ length: 6 }, (_, i) => lab(code, value, unit, { effectiveDateTime: daysAgo(days(offset + i)) })),
      );
    const serveThree = (days: (i: number) => number, sorted = true) =>
      server.use(
        ...handlers({
          Observation: (url) => {
            const n = Number(url.searchParams.get('page') ?? '0');
            const results = page(n * 6, days);
            if (sorted) results.sort((a, b) => String(b.effectiveDateTime).localeCompare(String(a.effectiveDateTime)));
            return HttpResponse.json(searchBundle(results, n < 2 ? `${BASE}/Observation?patient=${PATIENT_ID}&page=${n + 1}` : undefined));
          },
        }),
      );
    const electrolytePages = () => seen.filter((u) => u.pathname.endsWith('/Observation') && (u.searchParams.get('code') ?? u.searchParams.get('page') ?? '').length > 0 && !u.searchParams.get('date')).length;

    it('reads one page when it already holds six results of every analyte, newest first', async () => {
      serveThree((i) => 10 + i * 7);
      const data = await load();
      expect(electrolytePages()).toBe(1);
      expect(data.observations).toHaveLength(36);
      expect(data.truncated).toEqual([]);
    });

    it('switches to date windows when the server ignored the sort order', async () => {
      serveThree((i) => 10 + i * 7, false); // grouped by analyte, not by date
      const data = await load();
      const windows = seen.filter((u) => u.pathname.endsWith('/Observation') && u.searchParams.get('code')?.includes('2823-3')).map((u) => u.searchParams.get('date'));
      expect(windows[0]).toBeNull();
      expect(windows[1]).toMatch(/^ge\d{4}-\d{2}-\d{2}$/);
      expect(data.notChecked).toEqual([]);
    });

    it('switches to date windows when the self link shows _sort was not applied, even if the page looks sorted', async () => {
      server.use(
        ...handlers({
          Observation: (url) => {
            const results = ['2823-3', '2951-2', '19123-9'].flatMap((code) => [3, 2, 1].map((d) => lab(code, code === '2951-2' ? 140 : 4, code === '19123-9' ? 'mg/dL' : 'mmol/L', { effectiveDateTime: daysAgo(d) })));
            results.sort((a, b) => String(b.effectiveDateTime).localeCompare(String(a.effectiveDateTime)));
            const applied = new URL(url);
            applied.searchParams.delete('_sort');
            const bundle = searchBundle(url.searchParams.has('date') ? results : results.slice(0, 3), url.searchParams.has('date') ? undefined : `${BASE}/Observation?patient=${PATIENT_ID}&page=1`);
            return HttpResponse.json({ ...bundle, link: [{ relation: 'self', url: applied.toString() }, ...(bundle.link ?? [])] });
          },
        }),
      );
      await load();
      const electrolyte = seen.filter((u) => u.pathname.endsWith('/Observation') && u.searchParams.get('code')?.includes('2823-3'));
      expect(electrolyte.map((u) => u.searchParams.get('date')?.slice(0, 2) ?? null)).toEqual([null, 'ge', 'lt']); // 3 per analyte in the window: the older ones are asked for too
    });
  });

  it('stops at the page limit and reports the truncation', async () => {
    server.use(
      ...handlers({
        Observation: (url) => {
          const page = Number(url.searchParams.get('page') ?? '0');
          return HttpResponse.json(searchBundle([lab('2823-3', 4, 'mmol/L')], `${BASE}/Observation?patient=${PATIENT_ID}&page=${page + 1}`));
        },
      }),
    );
    const data = await load(3);
    expect(data.observations).toHaveLength(3);
    expect(data.truncated).toEqual([{ resourceType: 'Observation', pagesRead: 3 }]);
    // A read that stopped early is a gap in every face, with the rules it affects.
    expect(data.notChecked).toEqual([{ resourceType: 'Observation', reason: expect.stringMatching(/only the first 3 pages of results were read$/) }]);
    expect(evaluate(knowledge(), data, NOW).notChecked[0]?.affectedRules).toContain('low-potassium');
  });

  it('the findings command reports a truncated read as not checked (its JSON used to drop it)', async () => {
    server.use(
      ...handlers({
        Condition: (url) => {
          const page = Number(url.searchParams.get('page') ?? '0');
          return HttpResponse.json(searchBundle([], `${BASE}/Condition?patient=${PATIENT_ID}&page=${page + 1}`));
        },
      }),
    );
    const output = await findingsFromServer(BASE, PATIENT_ID, NOW, 'test-token');
    expect(output.notChecked).toEqual([
      { resourceType: 'Condition', reason: `only the first ${DEFAULT_MAX_PAGES} pages of results were read`, affectedRules: expect.arrayContaining(['parkinsons-disease', 'diabetes']) },
    ]);
  });

  it('drops an optional parameter the server refuses, retries once, and starts without it next time', async () => {
    forgetQuirks();
    server.use(
      ...handlers({
        Condition: (url) => {
          if (url.searchParams.has('_count')) {
            return HttpResponse.json({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-supported', diagnostics: 'Unknown parameter _count' }] }, { status: 400 });
          }
          return HttpResponse.json(searchBundle([condition([{ system: 'sct', code: '44054006', display: 'Diabetes' }])]));
        },
      }),
    );
    const first = await load();
    expect(first.notChecked).toEqual([]);
    expect(first.conditions).toHaveLength(1);
    const conditionCalls = () => seen.filter((u) => u.pathname.endsWith('/Condition'));
    expect(conditionCalls().map((u) => u.searchParams.has('_count'))).toEqual([true, false]);
    seen.length = 0;
    await load();
    expect(conditionCalls().map((u) => u.searchParams.has('_count'))).toEqual([false]);
    forgetQuirks();
  });

  it('does not retry a 401 or 403 with fewer parameters', async () => {
    forgetQuirks();
    server.use(...handlers({ Condition: () => new HttpResponse(null, { status: 403 }) }));
    const data = await load();
    expect(seen.filter((u) => u.pathname.endsWith('/Condition'))).toHaveLength(1);
    expect(data.notChecked[0]?.status).toBe(403);
  });

  it('turns an error outcome entry into not checked, and hands warnings to onDiagnostic without using them as data', async () => {
    const diagnostics: unknown[] = [];
    server.use(
      ...handlers({
        Condition: () =>
          HttpResponse.json({
            resourceType: 'Bundle',
            type: 'searchset',
            entry: [{ search: { mode: 'outcome' }, resource: { resourceType: 'OperationOutcome', issue: [{ severity: 'warning', code: 'informational', diagnostics: 'results filtered' }] } }],
          }),
        Procedure: () =>
          HttpResponse.json({
            resourceType: 'Bundle',
            type: 'searchset',
            entry: [{ search: { mode: 'outcome' }, resource: { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'exception', diagnostics: 'db timeout on node 7' }] } }],
          }),
      }),
    );
    const data = await loadPatientData(transport(), PATIENT_ID, knowledge(), { now: NOW, onDiagnostic: (d) => diagnostics.push(d) });
    expect(data.notChecked).toEqual([{ resourceType: 'Procedure', reason: 'the server reported an error inside the search result, so it may be incomplete' }]);
    expect(diagnostics).toEqual(
      expect.arrayContaining([
        { resourceType: 'Condition', kind: 'warning', text: 'results filtered' },
        { resourceType: 'Procedure', kind: 'outcome', text: 'db timeout on node 7' },
      ]),
    );
  });

  it('keeps the token at home: a next link to /r4x/ beside the base /r4 is refused', async () => {
    server.use(...handlers({ Condition: () => HttpResponse.json(searchBundle([], 'https://fhir.test/r4x/Condition?page=2')) }));
    const data = await load();
    expect(data.notChecked[0]).toEqual(expect.objectContaining({ resourceType: 'Condition', reason: expect.stringMatching(/outside/) }));
  });

  it('reports a next link that loops as not checked', async () => {
    server.use(
      ...handlers({
        Condition: () => HttpResponse.json(searchBundle([], `${BASE}/Condition?patient=${PATIENT_ID}&_count=200`)),
      }),
    );
    const data = await load();
    expect(data.notChecked).toEqual([expect.objectContaining({ resourceType: 'Condition', reason: expect.stringMatching(/loop/) })]);
  });

  it('refuses a next link that points to another server (the token must not leave)', async () => {
    server.use(...handlers({ Condition: () => HttpResponse.json(searchBundle([], 'https://evil.test/Condition?page=2')) }));
    const data = await load();
    expect(data.notChecked[0]?.resourceType).toBe('Condition');
    expect(data.notChecked[0]?.reason).toMatch(/outside/);
  });

  it('uses _include’d Medications and reads the missing ones once each', async () => {
    const included: fhir4.Medication = { resourceType: 'Medication', id: 'inc', code: rxConcept('315971', 'Lasix 40mg') };
    const byRef = (id: string): fhir4.MedicationRequest =>
      medicationRequest(rxConcept(undefined, ''), { medicationCodeableConcept: undefined, medicationReference: { reference: `Medication/${id}` } });
    let reads = 0;
    server.use(
      ...handlers({
        MedicationRequest: () => HttpResponse.json(searchBundle([byRef('inc'), byRef('ext'), byRef('ext')], undefined, [included])),
      }),
      http.get(`${BASE}/Medication/ext`, () => {
        reads++;
        return HttpResponse.json({ resourceType: 'Medication', id: 'ext', code: rxConcept('197361', 'Amlodipine 5 MG Oral Tablet') });
      }),
    );
    const data = await load();
    expect(reads).toBe(1);
    const result = evaluate(knowledge(), data, NOW);
    // The moderate-evidence diuretic comes before the weak-evidence calcium channel blocker.
    expect(result.findings.map((f) => f.ruleId)).toEqual(['diuretic', 'calcium-channel-blocker']);
  });

  it('resolves contained Medications without any extra request', async () => {
    const contained = medicationRequest(rxConcept(undefined, ''), {
      medicationCodeableConcept: undefined,
      medicationReference: { reference: '#m' },
      contained: [{ resourceType: 'Medication', id: 'm', code: rxConcept('106892', 'Humulin 70/30') } as fhir4.Medication],
    });
    server.use(...handlers({ MedicationRequest: () => HttpResponse.json(searchBundle([contained])) }));
    const data = await load();
    expect(evaluate(knowledge(), data, NOW).findings.map((f) => f.ruleId)).toEqual(['insulin']);
  });

  it.each([
    ['403', () => new HttpResponse(null, { status: 403 }), /denied \(403\)/],
    ['404', () => new HttpResponse(null, { status: 404 }), /404/],
    ['500', () => new HttpResponse('oops', { status: 500 }), /internal error \(500\)/],
    [
      'an OperationOutcome',
      () => HttpResponse.json({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'forbidden', diagnostics: 'Scope missing' }] }, { status: 403 }),
      /^(?!.*Scope missing).*denied \(403\)/,
    ],
    ['malformed JSON', () => new HttpResponse('{"resourceType": "Bund', { status: 200, headers: { 'Content-Type': 'application/fhir+json' } }), /not valid JSON/],
    ['an HTML page with status 200', () => new HttpResponse('<html>Login</html>', { status: 200, headers: { 'Content-Type': 'text/html' } }), /not valid JSON/],
    ['an OperationOutcome with status 200', () => HttpResponse.json({ resourceType: 'OperationOutcome', issue: [] }), /other than a search result/],
  ])('turns %s on Observation into a notChecked entry and still loads the rest', async (_label, respond, reason) => {
    server.use(
      ...handlers({
        Observation: respond,
        Condition: () => HttpResponse.json(searchBundle([condition([{ system: 'sct', code: '44054006', display: 'Diabetes' }])])),
      }),
    );
    const data = await load();
    expect(data.notChecked).toEqual([expect.objectContaining({ resourceType: 'Observation', reason: expect.stringMatching(reason) })]);
    const result = evaluate(knowledge(), data, NOW);
    expect(result.findings.map((f) => f.ruleId)).toEqual(['diabetes']);
    expect(result.notChecked[0]?.affectedRules).toEqual([
      'pregnancy', 'hypoglycemia', 'overweight', 'low-potassium', 'low-sodium', 'high-sodium', 'low-magnesium', 'low-calcium', 'hypothyroidism',
    ]);
  });

  it('says a type is not offered when the search fails, the CapabilityStatement lacks it and no other type covers it', async () => {
    server.use(
      http.get(`${BASE}/metadata`, () => HttpResponse.json(capability(ALL_TYPES.filter((t) => t !== 'Procedure')))),
      ...handlers({ Procedure: () => new HttpResponse(null, { status: 404 }) }),
    );
    const data = await load();
    expect(data.notChecked).toEqual([{ resourceType: 'Procedure', reason: 'this FHIR server does not offer them', status: 404 }]);
    expect(data.coverageNotes).toBeUndefined();
  });

  it('keeps the server’s error text out of the reason and hands it to onDiagnostic', async () => {
    const diagnostics: unknown[] = [];
    server.use(
      ...handlers({
        Condition: () =>
          HttpResponse.json({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'forbidden', diagnostics: '<b>internal host db-7.corp</b>' }] }, { status: 403 }),
      }),
    );
    const data = await loadPatientData(
      createFetchTransport({ baseUrl: BASE, token: () => 'test-token', onDiagnostic: (d) => diagnostics.push(d) }),
      PATIENT_ID,
      knowledge(),
      { now: NOW },
    );
    expect(data.notChecked).toEqual([{ resourceType: 'Condition', reason: expect.stringMatching(/^access was denied \(403\)/), status: 403 }]);
    expect(JSON.stringify(data)).not.toContain('db-7');
    expect(diagnostics).toEqual([{ resourceType: 'Condition', status: 403, kind: 'http', text: '<b>internal host db-7.corp</b>' }]);
  });

  it('retries a 429 honouring Retry-After, then succeeds', async () => {
    let calls = 0;
    server.use(
      ...handlers({
        Condition: () => {
          calls++;
          return calls === 1
            ? new HttpResponse(null, { status: 429, headers: { 'Retry-After': '1' } })
            : HttpResponse.json(searchBundle([]));
        },
      }),
    );
    const data = await load();
    expect(calls).toBe(2);
    expect(data.notChecked).toEqual([]);
  });

  it('reports a timeout as not checked', async () => {
    server.use(
      ...handlers({
        Condition: async () => {
          await new Promise((r) => setTimeout(r, 300));
          return HttpResponse.json(searchBundle([]));
        },
      }),
    );
    const data = await loadPatientData(
      createFetchTransport({ baseUrl: BASE, timeoutMs: 50 }),
      PATIENT_ID,
      knowledge(),
    );
    expect(data.notChecked).toEqual([expect.objectContaining({ resourceType: 'Condition', reason: expect.stringMatching(/did not answer/) })]);
  });

  it('sends the bearer token only in the Authorization header', async () => {
    let auth: string | null = null;
    server.use(
      http.get(`${BASE}/Patient/${PATIENT_ID}`, ({ request }) => {
        auth = request.headers.get('Authorization');
        return HttpResponse.json(patient());
      }),
      ...handlers(),
    );
    await load();
    expect(auth).toBe('Bearer test-token');
    expect(seen.every((u) => !u.toString().includes('test-token'))).toBe(true);
  });
});
