// Property-based tests with fast-check: generated and mutated FHIR records (missing fields, wrong
// types, huge strings, unknown codes, odd and future dates, NaN-like values) never make the engine
// or the CDS Hooks service throw, produce only known rule ids, and give the same answer twice.
import fc from 'fast-check';
import { knowledgeBase } from '../../cds-rules';
import { readCdsConfig } from '../../lib/cds/config';
import { hookRequestSchema } from '../../lib/cds/request';
import { handleCds } from '../../lib/cds/service';
import { evaluate } from '../../lib/engine/evaluate';
import type { PatientData } from '../../lib/engine/types';
import { knowledge } from '../../lib/knowledge';
import { NOW, PATIENT_ID } from '../helpers/fhir';

const RULE_IDS = new Set(knowledgeBase.rules.map((r) => r.id));
const SYSTEMS = ['http://snomed.info/sct', 'http://hl7.org/fhir/sid/icd-10-cm', 'http://loinc.org', 'http://www.nlm.nih.gov/research/umls/rxnorm', 'urn:unknown', ''];
const CODES = ['44054006', 'E11.9', 'E66.9', 'Z99.2', 'F10.20', 'E86.0', 'M54.16', '2823-3', '2951-2', '19123-9', '2345-7', '39156-5', '82810-3', '49051-6', '316049', '106892', '197361', '302497006', '77386006', 'O80', 'ZZZ', ''];

// Values that are sometimes what FHIR says and sometimes not.
const weird = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 8 },
  { arbitrary: fc.constantFrom(null, Number.NaN, Number.POSITIVE_INFINITY, -0, true, [], {}), weight: 3 },
  { arbitrary: fc.oneof(fc.integer(), fc.double()), weight: 2 },
  { arbitrary: fc.string(), weight: 2 },
  // Huge strings are rare but present: they must not crash or stall the name matching.
  { arbitrary: fc.string({ minLength: 5000, maxLength: 20_000 }), weight: 1 },
);
const date = fc.oneof(
  fc.date({ min: new Date('1900-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.date({ min: new Date('1990-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
  fc.constantFrom('2026', '2026-13', '2026-02-30', '26-11-2024', '2026-11-24T25:61:00Z', 'yesterday', '', '2026-11-24T10:00'),
  weird,
);
const coding = fc.record(
  { system: fc.oneof(fc.constantFrom(...SYSTEMS), weird), code: fc.oneof(fc.constantFrom(...CODES), weird), display: fc.oneof(fc.string(), weird) },
  { requiredKeys: [] },
);
const concept = fc.oneof(
  fc.record({ coding: fc.oneof(fc.array(coding, { maxLength: 3 }), weird), text: fc.oneof(fc.constantFrom('insulin pump supplies', 'No insulin', 'Lasix', 'diabetes', 'sciatica'), fc.string(), weird) }, { requiredKeys: [] }),
  weird,
);
const quantity = fc.oneof(
  fc.record({ value: fc.oneof(fc.double({ min: -1e6, max: 1e6 }), weird), unit: fc.oneof(fc.constantFrom('mmol/L', 'mg/dL', 'meq/L', 'kg/m2', 'wk', 'furlongs'), weird), code: fc.oneof(fc.constantFrom('mmol/L', 'mg/dL', 'kg/m2'), weird), comparator: fc.oneof(fc.constantFrom('<', '>', '<=', '>='), weird) }, { requiredKeys: [] }),
  weird,
);
const status = (values: string[]) => fc.oneof(fc.constantFrom(...values), weird);
const subject = fc.constant({ reference: `Patient/${PATIENT_ID}` });

// Mostly well-formed codes and units, so the generated records reach the rules as well as the error paths.
const goodCoding = fc.record({ system: fc.constantFrom(...SYSTEMS.slice(0, 4)), code: fc.constantFrom(...CODES), display: fc.string({ maxLength: 20 }) });
const goodConcept = fc.record({ coding: fc.array(goodCoding, { minLength: 1, maxLength: 2 }) });
const observation = fc.record(
  { resourceType: fc.constant('Observation'), id: fc.oneof(fc.uuid(), weird), status: status(['final', 'amended', 'preliminary', 'cancelled']), code: fc.oneof({ arbitrary: goodConcept, weight: 3 }, { arbitrary: concept, weight: 1 }), subject, effectiveDateTime: date, issued: date, valueQuantity: quantity, valueCodeableConcept: concept, referenceRange: fc.oneof(fc.array(fc.record({ low: quantity, high: quantity }, { requiredKeys: [] }), { maxLength: 2 }), weird), interpretation: fc.oneof(fc.array(concept, { maxLength: 2 }), weird) },
  { requiredKeys: ['resourceType'] },
);
const condition = fc.record(
  { resourceType: fc.constant('Condition'), id: fc.oneof(fc.uuid(), weird), code: fc.oneof({ arbitrary: goodConcept, weight: 3 }, { arbitrary: concept, weight: 1 }), subject, clinicalStatus: concept, verificationStatus: concept, onsetDateTime: date, recordedDate: date, abatementDateTime: date, onsetPeriod: fc.oneof(fc.record({ start: date }), weird) },
  { requiredKeys: ['resourceType'] },
);
const medicationRequest = fc.record(
  { resourceType: fc.constant('MedicationRequest'), id: fc.oneof(fc.uuid(), weird), status: status(['active', 'stopped', 'on-hold']), intent: status(['order', 'proposal']), medicationCodeableConcept: concept, medicationReference: fc.oneof(fc.record({ reference: fc.oneof(fc.constantFrom('Medication/m1', '#c1', 'urn:uuid:x'), weird), display: fc.oneof(fc.string(), weird) }, { requiredKeys: [] }), weird), subject, authoredOn: date, dosageInstruction: fc.oneof(fc.array(fc.record({ timing: fc.oneof(fc.record({ repeat: fc.oneof(fc.record({ boundsPeriod: fc.oneof(fc.record({ end: date }), weird) }), weird) }), weird) }), { maxLength: 2 }), weird) },
  { requiredKeys: ['resourceType'] },
);
const medicationStatement = medicationRequest.map((r) => ({ ...r, resourceType: 'MedicationStatement', effectiveDateTime: r.authoredOn, status: r.status === 'stopped' ? 'intended' : r.status }));
const procedure = fc.record(
  { resourceType: fc.constant('Procedure'), id: fc.oneof(fc.uuid(), weird), status: status(['completed', 'in-progress', 'not-done']), code: concept, subject, performedDateTime: date, performedPeriod: fc.oneof(fc.record({ start: date, end: date }, { requiredKeys: [] }), weird) },
  { requiredKeys: ['resourceType'] },
);
const patientResource = fc.record(
  { resourceType: fc.constant('Patient'), id: fc.constant(PATIENT_ID), birthDate: date, deceasedDateTime: date, name: fc.oneof(fc.array(fc.record({ given: fc.oneof(fc.array(fc.string(), { maxLength: 2 }), weird), family: fc.oneof(fc.string(), weird) }, { requiredKeys: [] }), { maxLength: 2 }), weird) },
  { requiredKeys: ['resourceType', 'id'] },
);

const patientData = fc.record({
  patient: fc.oneof(patientResource, fc.constant(undefined)),
  medicationStatements: fc.array(medicationStatement, { maxLength: 4 }),
  medicationRequests: fc.array(medicationRequest, { maxLength: 4 }),
  medications: fc.array(fc.record({ resourceType: fc.constant('Medication'), id: fc.constantFrom('m1', 'x'), code: concept }), { maxLength: 2 }),
  conditions: fc.array(condition, { maxLength: 5 }),
  observations: fc.array(observation, { maxLength: 8 }),
  procedures: fc.array(procedure, { maxLength: 3 }),
  notChecked: fc.constant([]),
}) as unknown as fc.Arbitrary<PatientData>;

const RUNS = 10_000;

describe('the engine on generated and mutated records', () => {
  it(`never throws, reports only known rule ids, and is deterministic for a fixed now (${RUNS} patients)`, () => {
    const k = knowledge();
    let withFindings = 0;
    let runs = 0;
    fc.assert(
      fc.property(patientData, (data) => {
        runs++;
        const first = evaluate(k, data, NOW);
        const second = evaluate(k, data, NOW);
        for (const f of first.findings) if (!RULE_IDS.has(f.ruleId)) return false;
        for (const group of first.linked) for (const id of group.ruleIds) if (!RULE_IDS.has(id)) return false;
        if (first.findings.length > 0) withFindings++;
        return JSON.stringify(first) === JSON.stringify(second);
      }),
      { numRuns: RUNS, seed: 20261124, interruptAfterTimeLimit: 120_000 },
    );
    // The generator reaches the rules, not only the error paths.
    expect(withFindings).toBeGreaterThan(RUNS / 20);
    expect(runs).toBe(RUNS); // not cut short by the time limit
    console.log(`property test: ${runs} generated patients, ${withFindings} with findings`);
  }, 180_000);
});

describe('CDS Hooks request validation on generated bodies', () => {
  const config = { ...readCdsConfig({}), jwtRequired: false };
  const body = fc.oneof(
    weird,
    fc.record(
      {
        hook: fc.oneof(fc.constantFrom('patient-view', 'order-select'), weird),
        hookInstance: fc.oneof(fc.uuid(), weird),
        context: fc.oneof(fc.record({ patientId: fc.oneof(fc.constantFrom(PATIENT_ID, '../x', ''), weird), userId: weird }, { requiredKeys: [] }), weird),
        fhirServer: fc.oneof(fc.constantFrom('https://ehr.test/fhir', 'javascript:alert(1)', 'ftp://x'), weird),
        prefetch: fc.oneof(fc.dictionary(fc.string(), weird, { maxKeys: 3 }), weird),
      },
      { requiredKeys: [] },
    ),
  );

  it(`answers 400/412 (never throws, never 500) for ${RUNS} malformed requests`, async () => {
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        const parsed = hookRequestSchema.safeParse(b);
        const res = await handleCds({ method: 'POST', path: 'leg-cramp-factors', body: b, baseUrl: 'https://cramps.test', now: NOW }, config);
        if (parsed.success && parsed.data.hook === 'patient-view' && !parsed.data.fhirServer) return res.status === 412 || res.status === 200;
        return res.status === 400 || res.status === 412 || (parsed.success && res.status === 200);
      }),
      { numRuns: RUNS, seed: 7, interruptAfterTimeLimit: 60_000 },
    );
  }, 120_000);

  it('evaluates generated prefetch without throwing, and answers with cards', async () => {
    await fc.assert(
      fc.asyncProperty(patientData, async (data) => {
        const bundle = (resources: readonly unknown[]) => ({ resourceType: 'Bundle', type: 'searchset', entry: resources.map((resource) => ({ resource })) });
        const prefetch = {
          patient: data.patient ?? { resourceType: 'Patient', id: PATIENT_ID },
          medicationStatements: bundle(data.medicationStatements),
          medicationRequests: bundle(data.medicationRequests),
          conditions: bundle(data.conditions),
          labResults: bundle(data.observations),
          glucoseResults: bundle([]),
          bmiResults: bundle([]),
          pregnancyResults: bundle([]),
          procedures: bundle(data.procedures ?? []),
        };
        const res = await handleCds(
          { method: 'POST', path: 'leg-cramp-factors', body: { hook: 'patient-view', hookInstance: 'a5f0c1de-7d3b-4d8e-9a61-0f2b3c4d5e6f', context: { userId: 'Practitioner/1', patientId: PATIENT_ID }, prefetch }, baseUrl: 'https://cramps.test', now: NOW },
          config,
        );
        const cards = (res.body as { cards?: { summary: string }[] }).cards;
        return res.status === 200 && Array.isArray(cards) && cards.every((c) => c.summary.length < 140);
      }),
      { numRuns: 1000, seed: 11, interruptAfterTimeLimit: 60_000 },
    );
  }, 120_000);
});
