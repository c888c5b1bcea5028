// The record the CDS and engine benches use, built from the demo patients (never from ../shared, which users do
// not have): one person with the documented leg-cramp complaint of demo-complaint and the medications, conditions,
// procedures and results of four other demo patients, plus three years of quarterly electrolytes, glucose and BMI,
// about the size of a Synthea record (79 resources).
import { demoPatients } from '../lib/sandbox/demoPatients';

export function benchPatient(now: Date): { id: string; resources: fhir4.FhirResource[] } {
  const id = 'bench-patient';
  const resources: fhir4.FhirResource[] = [{ resourceType: 'Patient', id, birthDate: '1958-03-14', gender: 'female' }];
  const sources = ['demo-complaint', 'demo-hypoglycemia', 'demo-alcohol', 'demo-overweight', 'demo-dialysis'];
  for (const demo of demoPatients.filter((p) => sources.includes(p.id))) {
    for (const r of demo.resources(now)) {
      if (r.resourceType === 'Patient') continue;
      resources.push({ ...r, id: `${demo.id}-${r.id}`, subject: { reference: `Patient/${id}` } } as fhir4.FhirResource);
    }
  }
  const loinc: [string, number, string][] = [['2823-3', 4.1, 'mmol/L'], ['2951-2', 139, 'mmol/L'], ['2345-7', 96, 'mg/dL'], ['39156-5', 27.5, 'kg/m2']];
  for (let q = 1; q <= 12; q++) {
    const when = new Date(now.getTime() - q * 91 * 86_400_000).toISOString();
    for (const [code, value, unit] of loinc) {
      resources.push({
        resourceType: 'Observation', id: `hist-${code}-${q}`, status: 'final', subject: { reference: `Patient/${id}` }, effectiveDateTime: when,
        code: { coding: [{ system: 'http://loinc.org', code }] },
        valueQuantity: { value, unit, system: 'http://unitsofmeasure.org', code: unit },
      });
    }
  }
  return { id, resources };
}
