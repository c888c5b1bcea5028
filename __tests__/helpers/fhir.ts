// Builders for real-shaped FHIR R4 resources used across the tests.
export const NOW = new Date('2026-11-24T12:00:00Z');
export const PATIENT_ID = 'pat-1';
const RX = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const SCT = 'http://snomed.info/sct';
const ICD = 'http://hl7.org/fhir/sid/icd-10-cm';

let counter = 0;
const nextId = (prefix: string) => `${prefix}-${++counter}`;

export function daysAgo(days: number, from: Date = NOW): string {
  return new Date(from.getTime() - days * 86_400_000).toISOString();
}

export function patient(extra: Partial<fhir4.Patient> = {}): fhir4.Patient {
  return {
    resourceType: 'Patient',
    id: PATIENT_ID,
    name: [{ given: ['Alex'], family: 'Rivera' }],
    gender: 'female',
    birthDate: '1961-04-02',
    ...extra,
  };
}

export function rxConcept(code: string | undefined, display: string): fhir4.CodeableConcept {
  return code ? { coding: [{ system: RX, code, display }], text: display } : { text: display };
}

export function medicationRequest(
  concept: fhir4.CodeableConcept,
  extra: Partial<fhir4.MedicationRequest> = {},
): fhir4.MedicationRequest {
  return {
    resourceType: 'MedicationRequest',
    id: nextId('mr'),
    status: 'active',
    intent: 'order',
    medicationCodeableConcept: concept,
    subject: { reference: `Patient/${PATIENT_ID}` },
    authoredOn: daysAgo(60),
    ...extra,
  };
}

export function medicationStatement(
  medication: Pick<fhir4.MedicationStatement, 'medicationCodeableConcept' | 'medicationReference'>,
  extra: Partial<fhir4.MedicationStatement> = {},
): fhir4.MedicationStatement {
  return {
    resourceType: 'MedicationStatement',
    id: nextId('ms'),
    status: 'active',
    ...medication,
    subject: { reference: `Patient/${PATIENT_ID}` },
    effectiveDateTime: daysAgo(90),
    ...extra,
  } as fhir4.MedicationStatement;
}

export function condition(
  codings: { system: 'sct' | 'icd'; code: string; display: string }[],
  extra: Partial<fhir4.Condition> = {},
  text?: string,
): fhir4.Condition {
  return {
    resourceType: 'Condition',
    id: nextId('cond'),
    clinicalStatus: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }],
    },
    verificationStatus: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }],
    },
    code: {
      coding: codings.map((c) => ({ system: c.system === 'sct' ? SCT : ICD, code: c.code, display: c.display })),
      text: text ?? codings[0]?.display,
    },
    subject: { reference: `Patient/${PATIENT_ID}` },
    onsetDateTime: daysAgo(400),
    ...extra,
  };
}

export function clinical(code: string): fhir4.CodeableConcept {
  return { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code }] };
}

export function verification(code: string): fhir4.CodeableConcept {
  return { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code }] };
}

export function lab(
  loinc: string,
  value: number | undefined,
  unit: string,
  extra: Partial<fhir4.Observation> = {},
): fhir4.Observation {
  return {
    resourceType: 'Observation',
    id: nextId('obs'),
    status: 'final',
    category: [
      { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] },
    ],
    code: { coding: [{ system: 'http://loinc.org', code: loinc, display: `LOINC ${loinc}` }] },
    subject: { reference: `Patient/${PATIENT_ID}` },
    effectiveDateTime: daysAgo(10),
    ...(value !== undefined ? { valueQuantity: { value, unit, system: 'http://unitsofmeasure.org', code: unit } } : {}),
    ...extra,
  };
}

export function procedure(
  coding: { system: string; code: string; display: string } | undefined,
  extra: Partial<fhir4.Procedure> = {},
  text?: string,
): fhir4.Procedure {
  return {
    resourceType: 'Procedure',
    id: nextId('proc'),
    status: 'completed',
    code: { ...(coding ? { coding: [coding] } : {}), text: text ?? coding?.display },
    subject: { reference: `Patient/${PATIENT_ID}` },
    performedPeriod: { start: daysAgo(20), end: daysAgo(20) },
    ...extra,
  };
}

/** A coded result (valueCodeableConcept), e.g. pregnancy status. */
export function codedResult(loinc: string, answer: { system: string; code: string; display: string }, daysBack: number): fhir4.Observation {
  return {
    resourceType: 'Observation',
    id: nextId('obs'),
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: loinc }] },
    subject: { reference: `Patient/${PATIENT_ID}` },
    effectiveDateTime: daysAgo(daysBack),
    valueCodeableConcept: { coding: [answer], text: answer.display },
  };
}

export interface DataParts {
  patient?: fhir4.Patient;
  medicationStatements?: fhir4.MedicationStatement[];
  medicationRequests?: fhir4.MedicationRequest[];
  medications?: fhir4.Medication[];
  conditions?: fhir4.Condition[];
  observations?: fhir4.Observation[];
  procedures?: fhir4.Procedure[];
}

export function data(parts: DataParts) {
  return {
    patient: parts.patient ?? patient(),
    medicationStatements: parts.medicationStatements ?? [],
    medicationRequests: parts.medicationRequests ?? [],
    medications: parts.medications ?? [],
    conditions: parts.conditions ?? [],
    observations: parts.observations ?? [],
    procedures: parts.procedures ?? [],
    notChecked: [],
  };
}

export function bundle(resources: fhir4.Resource[], type: fhir4.Bundle['type'] = 'collection'): fhir4.Bundle {
  return {
    resourceType: 'Bundle',
    type,
    entry: resources.map((resource) => ({ fullUrl: `urn:uuid:${resource.id}`, resource })),
  };
}
