// The demo patient list the launcher pages show (names come from the Patient resources).
import { demoPatients } from './demoPatients';

export interface DemoPatientRow {
  readonly id: string;
  readonly name: string;
  readonly summary: string;
}

export function demoPatientRows(): DemoPatientRow[] {
  const now = new Date();
  return demoPatients.map((p) => {
    const patient = p.resources(now).find((r): r is fhir4.Patient => r.resourceType === 'Patient');
    const name = patient?.name?.[0];
    return { id: p.id, name: [...(name?.given ?? []), name?.family].filter(Boolean).join(' '), summary: p.summary };
  });
}
