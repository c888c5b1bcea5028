// Turns a FHIR Bundle (any type) holding one patient's record into the engine's PatientData,
// for the findings command and CDS Hooks prefetch. Bad input throws BadInputError with one line.
import { isRecord as isObj } from '../engine/text';
import type { PatientData } from '../engine/types';

export class BadInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadInputError';
  }
}

/** The types the engine reads; each names its patient in `subject`. */
const PATIENT_TYPES = new Set(['MedicationStatement', 'MedicationRequest', 'Condition', 'Observation', 'Procedure']);

export interface BundleData {
  readonly data: PatientData;
  readonly fullUrls: ReadonlyMap<fhir4.Medication, string>;
}

export function patientDataFromBundle(bundle: unknown, patientId?: string): BundleData {
  if (!isObj(bundle) || bundle.resourceType !== 'Bundle') throw new BadInputError('input is not a FHIR Bundle');
  const entries = Array.isArray(bundle.entry) ? bundle.entry.filter(isObj) : [];
  const resources = entries
    .map((e) => ({ resource: e.resource, fullUrl: typeof e.fullUrl === 'string' ? e.fullUrl : undefined }))
    .filter((e): e is { resource: Record<string, unknown>; fullUrl: string | undefined } => isObj(e.resource));

  const patients = resources.filter((e) => e.resource.resourceType === 'Patient');
  let chosen = patients[0];
  if (patientId !== undefined) {
    chosen = patients.find((p) => p.resource.id === patientId);
    if (!chosen) throw new BadInputError(`no Patient with id "${patientId}" in the bundle`);
  } else if (patients.length === 0) {
    throw new BadInputError('the bundle holds no Patient');
  } else if (patients.length > 1) {
    throw new BadInputError(`the bundle holds ${patients.length} Patients; choose one with --patient`);
  }
  if (!chosen) throw new BadInputError('the bundle holds no Patient');
  const patient = chosen.resource as unknown as fhir4.Patient;
  const id = typeof patient.id === 'string' ? patient.id : undefined;
  const refs = new Set<string>([`Patient/${id}`, `urn:uuid:${id}`]);
  if (chosen.fullUrl) refs.add(chosen.fullUrl);

  const forPatient = (resource: Record<string, unknown>): boolean => {
    const ref = PATIENT_TYPES.has(String(resource.resourceType)) ? resource.subject : undefined;
    if (!isObj(ref) || typeof ref.reference !== 'string') return false;
    // Relative, urn:uuid, the Patient entry's fullUrl, or an absolute URL ending in Patient/{id}.
    return refs.has(ref.reference) || ref.reference.endsWith(`/Patient/${id}`);
  };

  const of = <T>(type: string): T[] =>
    resources.filter((e) => e.resource.resourceType === type && forPatient(e.resource)).map((e) => e.resource as T);
  const fullUrls = new Map<fhir4.Medication, string>();
  const medications: fhir4.Medication[] = [];
  for (const e of resources) {
    if (e.resource.resourceType !== 'Medication') continue;
    const med = e.resource as unknown as fhir4.Medication;
    medications.push(med);
    if (e.fullUrl) fullUrls.set(med, e.fullUrl);
  }

  return {
    data: {
      patient,
      medicationStatements: of<fhir4.MedicationStatement>('MedicationStatement'),
      medicationRequests: of<fhir4.MedicationRequest>('MedicationRequest'),
      medications,
      conditions: of<fhir4.Condition>('Condition'),
      observations: of<fhir4.Observation>('Observation'),
      procedures: of<fhir4.Procedure>('Procedure'),
      notChecked: [],
    },
    fullUrls,
  };
}
