/**
 * @jest-environment jest-fixed-jsdom
 */
// The fault matrix: every resource type the app reads × every way a FHIR server fails. For each
// scenario the loader, the findings command, the sidebar and the CDS Hooks service must report that
// type as not checked with a human reason, still evaluate every other type, and never show the
// "no documented causes found" state.
import '@testing-library/jest-dom';
import { cleanup, render, screen } from '@testing-library/react';
import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { knowledgeBase, SOURCE_ARTICLE } from '../../cds-rules';
import type { Card } from '../../lib/cds/cards';
import { readCdsConfig } from '../../lib/cds/config';
import { handleCds } from '../../lib/cds/service';
import { evaluate } from '../../lib/engine/evaluate';
import type { ReadableType } from '../../lib/engine/types';
import { loadPatientData } from '../../lib/fhir/loader';
import { forgetQuirks } from '../../lib/fhir/queries';
import { createFetchTransport } from '../../lib/fhir/transport';
import { BadInputError } from '../../lib/fhir/fromBundle';
import { findingsFromServer } from '../../lib/findings';
import { knowledge } from '../../lib/knowledge';
import { Sidebar } from '../../lib/ui/Sidebar';
import { condition, daysAgo, lab, medicationRequest, NOW, patient, PATIENT_ID, procedure, rxConcept } from '../helpers/fhir';

const BASE = 'https://faulty.test/fhir';
const TIMEOUT_MS = 150;

// One record in which every type contributes a finding, so a lost type is visible.
const insulinMed: fhir4.Medication = {
  resourceType: 'Medication',
  id: 'med-ins',
  code: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '106892', display: 'insulin isophane human 70 UNT/ML / insulin regular human 30 UNT/ML' }] },
};
const RECORD: Record<string, fhir4.FhirResource[]> = {
  MedicationRequest: [medicationRequest(rxConcept('316049', 'Hydrochlorothiazide 25 MG'))],
  MedicationStatement: [
    {
      resourceType: 'MedicationStatement',
      id: 'ms-ins',
      status: 'active',
      subject: { reference: `Patient/${PATIENT_ID}` },
      medicationReference: { reference: 'Medication/med-ins' },
      effectiveDateTime: daysAgo(100),
    },
  ],
  Condition: [condition([{ system: 'sct', code: '49049000', display: "Parkinson's disease" }])],
  Observation: [lab('19123-9', 1.2, 'mg/dL'), lab('2345-7', 55, 'mg/dL', { effectiveDateTime: daysAgo(3) }), lab('39156-5', 31, 'kg/m2')],
  Procedure: [procedure({ system: 'http://snomed.info/sct', code: '302497006', display: 'Hemodialysis' })],
};
const ALL_FINDINGS = ['diuretic', 'insulin', 'parkinsons-disease', 'hemodialysis', 'hypoglycemia', 'overweight', 'low-magnesium'];
// The findings each type's loss takes away (overweight needs the age from Patient).
const LOST: Record<ReadableType, string[]> = {
  Patient: ['overweight'],
  MedicationRequest: ['diuretic'],
  MedicationStatement: ['insulin'],
  Medication: ['insulin'],
  Condition: ['parkinsons-disease'],
  Observation: ['hypoglycemia', 'overweight', 'low-magnesium'],
  Procedure: ['hemodialysis'],
};
const TYPES = Object.keys(LOST) as ReadableType[];

type Fault = { name: string; searchOnly?: boolean; reason?: RegExp; respond: (url: URL) => Promise<Response> | Response };
const outcome = (text: string) => ({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'processing', details: { text } }] });
/** Every text the faulty server puts in its OperationOutcomes: none may reach a reason or a card. */
const SERVER_TEXT = /token expired|scope missing|not here|quota q-7 exhausted|boom|maintenance|search not supported|lost page|search failed midway/;
const pageOf = (url: URL) => Number(url.searchParams.get('page') ?? '1');
const FAULTS: Fault[] = [
  { name: '401', respond: () => HttpResponse.json(outcome('token expired'), { status: 401 }) },
  { name: '403', respond: () => HttpResponse.json(outcome('scope missing'), { status: 403 }) },
  { name: '404', respond: () => HttpResponse.json(outcome('not here'), { status: 404 }) },
  { name: '429', respond: () => HttpResponse.json(outcome('quota q-7 exhausted'), { status: 429, headers: { 'Retry-After': '0' } }) },
  { name: '500', respond: () => HttpResponse.json(outcome('boom'), { status: 500 }) },
  { name: '503', respond: () => HttpResponse.json(outcome('maintenance'), { status: 503, headers: { 'Retry-After': '0' } }) },
  { name: 'timeout', respond: async () => { await delay(TIMEOUT_MS * 3); return HttpResponse.json({}); } },
  { name: 'malformed JSON', respond: () => new HttpResponse('{"resourceType":"Bund', { headers: { 'Content-Type': 'application/fhir+json' } }) },
  { name: 'HTML page with 200', respond: () => new HttpResponse('<html><body>Please log in</body></html>', { headers: { 'Content-Type': 'text/html' } }) },
  { name: 'OperationOutcome', respond: () => HttpResponse.json(outcome('search not supported'), { status: 400 }) },
  {
    name: 'failure on page 2 of 3',
    searchOnly: true,
    respond: (url) => (pageOf(url) === 2 ? HttpResponse.json(outcome('lost page'), { status: 500 }) : HttpResponse.json(searchset(url, [], pageOf(url) < 3))),
  },
  { name: 'next link that loops', searchOnly: true, respond: (url) => HttpResponse.json(searchset(url, [], true, true)) },
  // Issue 13/14 failure kinds: a redirect away from the FHIR base (never followed), an error
  // OperationOutcome entry inside a search Bundle, and pages that never end (sort ignored, page cap).
  {
    name: 'redirect off the FHIR base',
    reason: /redirected the request away/,
    respond: (url) => new HttpResponse(null, { status: 302, headers: { Location: `https://faulty.test/elsewhere${url.pathname.slice('/fhir'.length)}${url.search}` } }),
  },
  {
    name: 'outcome error entry in the Bundle',
    searchOnly: true,
    reason: /reported an error inside the search result/,
    respond: (url) => HttpResponse.json({ ...searchset(url, []), entry: [{ resource: outcome('search failed midway'), search: { mode: 'outcome' } }] }),
  },
  { name: 'endless pages (page cap)', searchOnly: true, reason: /only the first \d+ pages of results were read/, respond: (url) => HttpResponse.json(searchset(url, [], true)) },
];

function searchset(url: URL, resources: fhir4.FhirResource[], hasNext = false, loop = false): fhir4.Bundle {
  const next = new URL(url);
  next.searchParams.set('page', String(loop ? 1 : pageOf(url) + 1));
  if (loop) next.searchParams.delete('page');
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    link: hasNext ? [{ relation: 'next', url: loop ? url.toString() : next.toString() }] : [],
    entry: resources.map((resource) => ({ resource, search: { mode: 'match' } })),
  };
}

function answer(type: string, url: URL): Response {
  if (type === 'Observation') {
    const codes = url.searchParams.get('code')?.split(',').map((c) => c.split('|')[1]) ?? [];
    const hits = (RECORD.Observation as fhir4.Observation[]).filter((o) => o.code.coding?.some((c) => codes.includes(c.code ?? '')));
    return HttpResponse.json(searchset(url, hits));
  }
  return HttpResponse.json(searchset(url, RECORD[type] ?? []));
}

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  cleanup();
});
afterAll(() => server.close());

function serve(faulty: ReadableType, fault: Fault) {
  const maybeFail = (type: string, url: URL, ok: () => Response) => (type === faulty ? fault.respond(url) : ok());
  server.use(
    http.get(`${BASE}/metadata`, () => HttpResponse.json({ resourceType: 'CapabilityStatement', rest: [{ mode: 'server', resource: TYPES.map((type) => ({ type })) }] })),
    http.get(`${BASE}/Patient/${PATIENT_ID}`, ({ request }) => maybeFail('Patient', new URL(request.url), () => HttpResponse.json(patient()))),
    http.get(`${BASE}/Medication/med-ins`, ({ request }) => maybeFail('Medication', new URL(request.url), () => HttpResponse.json(insulinMed))),
    http.get(`${BASE}/:type`, ({ request, params }) => {
      const url = new URL(request.url);
      return maybeFail(String(params.type), url, () => answer(String(params.type), url));
    }),
  );
}

const scenarios = TYPES.flatMap((type) =>
  FAULTS.filter((f) => !f.searchOnly || (type !== 'Patient' && type !== 'Medication')).map((fault) => [type, fault.name, fault] as const),
);
const expectedFor = (type: ReadableType) => ALL_FINDINGS.filter((id) => !LOST[type].includes(id)).sort();
const human = (reason: string) => {
  expect(reason.length).toBeGreaterThan(10);
  expect(reason).not.toMatch(/undefined|\[object|Error:|at .*\.ts/);
};

afterAll(() => {
  console.log(`fault matrix: ${scenarios.length} scenarios (${TYPES.length} resource types × ${FAULTS.length} faults, paging faults only for searches) × 4 faces = ${scenarios.length * 4} checks`);
});

describe('the record with no faults', () => {
  it('fires a finding from every type', async () => {
    server.use(
      http.get(`${BASE}/metadata`, () => HttpResponse.json({ resourceType: 'CapabilityStatement', rest: [] })),
      http.get(`${BASE}/Patient/${PATIENT_ID}`, () => HttpResponse.json(patient())),
      http.get(`${BASE}/Medication/med-ins`, () => HttpResponse.json(insulinMed)),
      http.get(`${BASE}/:type`, ({ request, params }) => answer(String(params.type), new URL(request.url))),
    );
    const data = await loadPatientData(createFetchTransport({ baseUrl: BASE }), PATIENT_ID, knowledge(), { now: NOW });
    expect(evaluate(knowledge(), data, NOW).findings.map((f) => f.ruleId).sort()).toEqual([...ALL_FINDINGS].sort());
  });
});

describe.each(scenarios)('%s fails with %s', (type, _name, fault) => {
  it('loader and engine: that type not checked, with a human reason; every other type evaluated', async () => {
    serve(type, fault);
    const transport = createFetchTransport({ baseUrl: BASE, timeoutMs: TIMEOUT_MS, sleep: async () => {} });
    const data = await loadPatientData(transport, PATIENT_ID, knowledge(), { now: NOW });
    expect(data.notChecked.map((n) => n.resourceType)).toEqual([type]);
    human(data.notChecked[0]?.reason ?? '');
    if (fault.reason) expect(data.notChecked[0]?.reason).toMatch(fault.reason);
    expect(data.notChecked[0]?.reason).not.toMatch(SERVER_TEXT);
    const result = evaluate(knowledge(), data, NOW);
    expect(result.findings.map((f) => f.ruleId).sort()).toEqual(expectedFor(type));
    expect(result.notChecked[0]?.affectedRules.length).toBeGreaterThan(0);
  });

  it('sidebar: shows it as not checked and never the all-clear', async () => {
    serve(type, fault);
    const transport = createFetchTransport({ baseUrl: BASE, timeoutMs: TIMEOUT_MS, sleep: async () => {} });
    const data = await loadPatientData(transport, PATIENT_ID, knowledge(), { now: NOW });
    const result = evaluate(knowledge(), data, NOW);
    render(<Sidebar model={{ result, patient: data.patient, askThePatient: knowledgeBase.askThePatient, sourceArticle: SOURCE_ARTICLE }} />);
    expect(screen.queryByText(/No documented causes found/)).toBeNull();
    expect(screen.getByRole('list', { name: 'Data not checked' })).toHaveTextContent(/not checked:/);
  });

  it('findings command: reports it in notChecked (or refuses without the Patient), never a clean result', async () => {
    serve(type, fault);
    const run = findingsFromServer(BASE, PATIENT_ID, NOW, undefined, { timeoutMs: TIMEOUT_MS });
    if (type === 'Patient') {
      await expect(run).rejects.toBeInstanceOf(BadInputError);
      return;
    }
    const output = await run;
    expect(output.notChecked.map((n) => n.resourceType)).toEqual([type]);
    expect(output.findings.map((f) => f.ruleId).sort()).toEqual(expectedFor(type));
  });

  it('CDS Hooks: a warning card says what was not checked, and the other findings still come', async () => {
    serve(type, fault);
    const config = { ...readCdsConfig({}), jwtRequired: false, fhirTimeoutMs: TIMEOUT_MS, patientViewTrigger: 'always' as const };
    const res = await handleCds(
      {
        method: 'POST',
        path: 'leg-cramp-factors',
        baseUrl: 'https://cramps.test',
        now: NOW,
        body: { hook: 'patient-view', hookInstance: 'a5f0c1de-7d3b-4d8e-9a61-0f2b3c4d5e6f', context: { userId: 'Practitioner/1', patientId: PATIENT_ID }, fhirServer: BASE, fhirAuthorization: { access_token: 't', token_type: 'Bearer', expires_in: 60, scope: 'patient/*.read', subject: 'c' } },
      },
      config,
    );
    expect(res.status).toBe(200);
    const cards = (res.body as { cards: Card[] }).cards;
    expect(cards[0]?.indicator).toBe('warning');
    // The server's own error text goes to diagnostics, never into a card.
    expect(JSON.stringify(cards)).not.toMatch(SERVER_TEXT);
    expect(cards[0]?.summary).toMatch(/^Leg cramp causes not fully checked/);
    expect(cards.length).toBeGreaterThan(1);
  });
});

// A 400 on an optional parameter (`_include`, `_sort`, `_count`, a date window) is not a failure:
// the documented minimal query works, so the type is read and nothing is reported not checked.
describe.each((['MedicationRequest', 'MedicationStatement', 'Condition', 'Observation', 'Procedure'] as const).map((t) => [t] as const))(
  '%s answers 400 to optional parameters',
  (type) => {
    const OPTIONAL = ['_include', '_sort', '_count', 'date'];
    const strict = () =>
      server.use(
        http.get(`${BASE}/metadata`, () => HttpResponse.json({ resourceType: 'CapabilityStatement', rest: [{ mode: 'server', resource: TYPES.map((t) => ({ type: t })) }] })),
        http.get(`${BASE}/Patient/${PATIENT_ID}`, () => HttpResponse.json(patient())),
        http.get(`${BASE}/Medication/med-ins`, () => HttpResponse.json(insulinMed)),
        http.get(`${BASE}/:type`, ({ request, params }) => {
          const url = new URL(request.url);
          if (params.type === type && OPTIONAL.some((p) => url.searchParams.has(p))) return HttpResponse.json(outcome('unsupported parameter'), { status: 400 });
          return answer(String(params.type), url);
        }),
      );

    it('loader: every finding, nothing not checked', async () => {
      forgetQuirks();
      strict();
      const data = await loadPatientData(createFetchTransport({ baseUrl: BASE, timeoutMs: TIMEOUT_MS }), PATIENT_ID, knowledge(), { now: NOW });
      expect(data.notChecked).toEqual([]);
      expect(evaluate(knowledge(), data, NOW).findings.map((f) => f.ruleId).sort()).toEqual([...ALL_FINDINGS].sort());
    });

    it('findings command: every finding, nothing not checked', async () => {
      forgetQuirks();
      strict();
      const output = await findingsFromServer(BASE, PATIENT_ID, NOW, undefined, { timeoutMs: TIMEOUT_MS });
      expect(output.notChecked).toEqual([]);
      expect(output.findings.map((f) => f.ruleId).sort()).toEqual([...ALL_FINDINGS].sort());
    });
  },
);

// Not a failure: a server without MedicationStatement whose MedicationRequests cover the same rules
// (Oracle Health). The sidebar shows a quiet coverage line and may still give the all-clear.
describe('a server that offers no MedicationStatement but has MedicationRequest', () => {
  it('sidebar: a quiet coverage note, the all-clear still possible, nothing not checked', async () => {
    server.use(
      http.get(`${BASE}/metadata`, () =>
        HttpResponse.json({ resourceType: 'CapabilityStatement', rest: [{ mode: 'server', resource: TYPES.filter((t) => t !== 'MedicationStatement').map((type) => ({ type })) }] }),
      ),
      http.get(`${BASE}/Patient/${PATIENT_ID}`, () => HttpResponse.json(patient())),
      http.get(`${BASE}/MedicationStatement`, () => HttpResponse.json(outcome('not supported'), { status: 404 })),
      http.get(`${BASE}/:type`, ({ request }) => HttpResponse.json(searchset(new URL(request.url), []))),
    );
    const data = await loadPatientData(createFetchTransport({ baseUrl: BASE, timeoutMs: TIMEOUT_MS }), PATIENT_ID, knowledge(), { now: NOW });
    expect(data.notChecked).toEqual([]);
    const result = evaluate(knowledge(), data, NOW);
    render(<Sidebar model={{ result, patient: data.patient, askThePatient: knowledgeBase.askThePatient, sourceArticle: SOURCE_ARTICLE }} />);
    expect(screen.getByText(/No documented causes found/)).toBeInTheDocument();
    expect(screen.getByText('This server keeps medications as orders (MedicationRequest); it offers no MedicationStatement.')).toBeInTheDocument();
    expect(screen.queryByRole('list', { name: 'Data not checked' })).toBeNull();
  });
});
