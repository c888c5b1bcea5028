// Issue 14, finding 3, as the attack on loopback: one prefetch naming 1,000 distinct Medications
// made 1,001 parallel outbound GETs. Now at most MAX_MEDICATION_READS are read, never more than
// MAX_CONCURRENT_REQUESTS at once, and the rest is reported as not checked with a clear reason.
import { prefetchFromResources } from '../../lib/cds/prefetch';
import { evaluate } from '../../lib/engine/evaluate';
import { loadPatientData, MAX_CONCURRENT_REQUESTS, MAX_MEDICATION_READS } from '../../lib/fhir/loader';
import { createFetchTransport } from '../../lib/fhir/transport';
import { knowledge } from '../../lib/knowledge';
import { NOW, patient, PATIENT_ID } from '../helpers/fhir';
import { searchset, send, startLoopback, type LoopbackServer } from './loopbackFhir';

let fhir: LoopbackServer;
let inFlight = 0;
let maxInFlight = 0;

beforeEach(async () => {
  inFlight = 0;
  maxInFlight = 0;
  fhir = await startLoopback();
  fhir.route(async (url, _req, res) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise((r) => setTimeout(r, 15));
    inFlight--;
    const med = /^\/fhir\/Medication\/(.+)$/.exec(url.pathname);
    if (med) return send(res, 200, { resourceType: 'Medication', id: med[1], code: { text: `drug ${med[1]}` } });
    if (url.pathname === '/fhir/metadata') return send(res, 200, { resourceType: 'CapabilityStatement', rest: [] });
    if (url.pathname === `/fhir/Patient/${PATIENT_ID}`) return send(res, 200, patient());
    return send(res, 200, searchset());
  });
});
afterEach(() => fhir.close());

const transport = () => createFetchTransport({ baseUrl: `${fhir.origin}/fhir`, token: () => 't' });

function thousandReferences(): fhir4.FhirResource[] {
  const orders = Array.from({ length: 1000 }, (_, i): fhir4.MedicationRequest => ({
    resourceType: 'MedicationRequest',
    id: `mr-${i}`,
    status: 'active',
    intent: 'order',
    subject: { reference: `Patient/${PATIENT_ID}` },
    medicationReference: { reference: `Medication/m${i}` },
  }));
  return [patient(), ...orders];
}

describe('fan-out', () => {
  it('a prefetch with 1,000 distinct Medication references makes at most the cap of GETs, a few at a time', async () => {
    const prefetch = prefetchFromResources(thousandReferences());
    const data = await loadPatientData(transport(), PATIENT_ID, knowledge(), { now: NOW, prefetch });
    const medicationGets = fhir.requests.filter((r) => r.path.startsWith('/fhir/Medication/'));
    expect(medicationGets).toHaveLength(MAX_MEDICATION_READS);
    expect(fhir.requests).toHaveLength(MAX_MEDICATION_READS); // nothing else: the prefetch answered every search
    expect(maxInFlight).toBeLessThanOrEqual(MAX_CONCURRENT_REQUESTS);
    expect(MAX_MEDICATION_READS).toBeLessThanOrEqual(50);
    expect(MAX_CONCURRENT_REQUESTS).toBeLessThanOrEqual(10);
    expect(data.notChecked).toEqual([
      { resourceType: 'Medication', reason: `950 more referenced medication(s) were not read, since at most ${MAX_MEDICATION_READS} are read for one patient` },
    ]);
    const result = evaluate(knowledge(), data, NOW);
    expect(result.notChecked[0]?.affectedRules.length).toBeGreaterThan(0);
  });

  it('keeps searches, pages and reads of one load to the concurrency limit', async () => {
    // The searches and 40 referenced Medications: more requests than the limit allows at once.
    const prefetch = prefetchFromResources(thousandReferences().slice(0, 41));
    delete (prefetch as Record<string, unknown>).conditions;
    delete (prefetch as Record<string, unknown>).labResults;
    await loadPatientData(transport(), PATIENT_ID, knowledge(), { now: NOW, prefetch });
    expect(fhir.requests.length).toBeGreaterThan(MAX_CONCURRENT_REQUESTS);
    expect(maxInFlight).toBe(MAX_CONCURRENT_REQUESTS);
  });

  it('does not call metadata when the prefetch answered the Patient and every search', async () => {
    const prefetch = prefetchFromResources([patient()]);
    const data = await loadPatientData(transport(), PATIENT_ID, knowledge(), { now: NOW, prefetch });
    expect(data.notChecked).toEqual([]);
    expect(fhir.requests).toEqual([]);
  });
});
