// Derives the FHIR queries from the rules themselves, so fetching cannot drift from the logic:
// only the resource types some rule reads, and only the LOINC codes of the analytes the lab rules use.
import { typesReadBy, type CompiledKnowledge } from '../engine/compile';
import type { ReadableType } from '../engine/types';
import { SYSTEMS } from '../terminology/codes';

export interface SearchPlan {
  readonly resourceType: ReadableType;
  /** Query string without the patient parameter. */
  readonly query: string;
  /** Search parameter that names the patient. */
  readonly patientParam: 'patient';
}

export const PAGE_SIZE = 200;

export function planSearches(knowledge: CompiledKnowledge): SearchPlan[] {
  const types = new Set<ReadableType>();
  for (const rule of knowledge.kb.rules) for (const t of typesReadBy(rule)) types.add(t);
  const labCodes = new Set<string>();
  for (const { analyte } of knowledge.lab) for (const code of analyte.loinc) labCodes.add(code);

  const plans: SearchPlan[] = [];
  if (types.has('MedicationStatement')) {
    plans.push({
      resourceType: 'MedicationStatement',
      query: `status=active,intended&_include=MedicationStatement:medication&_count=${PAGE_SIZE}`,
      patientParam: 'patient',
    });
  }
  if (types.has('MedicationRequest')) {
    plans.push({
      resourceType: 'MedicationRequest',
      query: `status=active&_include=MedicationRequest:medication&_count=${PAGE_SIZE}`,
      patientParam: 'patient',
    });
  }
  if (types.has('Condition')) {
    // Not filtered by code: ICD-10 prefixes and name matching cannot be expressed as a token search.
    plans.push({ resourceType: 'Condition', query: `_count=${PAGE_SIZE}`, patientParam: 'patient' });
  }
  if (types.has('Observation') && labCodes.size > 0) {
    const codes = [...labCodes].map((c) => `${SYSTEMS.loinc}|${c}`).join(',');
    plans.push({
      resourceType: 'Observation',
      query: `code=${encodeURIComponent(codes)}&_sort=-date&_count=${PAGE_SIZE}`,
      patientParam: 'patient',
    });
  }
  return plans;
}

export function searchUrl(plan: SearchPlan, patientId: string): string {
  return `${plan.resourceType}?${plan.patientParam}=${encodeURIComponent(patientId)}&${plan.query}`;
}
