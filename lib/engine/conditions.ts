// Decides which Condition records are current, per KNOWLEDGE section 1.
import { parseFhirDate } from './dates';
import { codesIn, isObject, str } from './text';

const CLINICAL = 'http://terminology.hl7.org/CodeSystem/condition-clinical';
const VERIFICATION = 'http://terminology.hl7.org/CodeSystem/condition-ver-status';
const CURRENT_CLINICAL = new Set(['active', 'recurrence', 'relapse']);
const DISCOUNTED_VERIFICATION = new Set(['refuted', 'entered-in-error']);

function statusCodes(concept: fhir4.CodeableConcept | undefined, system: string): string[] {
  // Some servers omit the system on these well-known codes; accept bare codes too.
  const codes = codesIn(concept, system);
  if (codes.length > 0) return codes;
  if (!isObject(concept) || !Array.isArray(concept.coding)) return [];
  return concept.coding.filter((c) => isObject(c) && c.system === undefined).map((c) => String(c.code));
}

function hasAbatement(condition: fhir4.Condition): boolean {
  return (
    condition.abatementDateTime !== undefined ||
    condition.abatementPeriod !== undefined ||
    condition.abatementAge !== undefined ||
    condition.abatementRange !== undefined ||
    condition.abatementString !== undefined
  );
}

/** Refuted or entered in error: never counts, whatever its dates. */
export function isDiscountedCondition(condition: fhir4.Condition): boolean {
  return statusCodes(condition.verificationStatus, VERIFICATION).some((c) => DISCOUNTED_VERIFICATION.has(c));
}

export function isCurrentCondition(condition: fhir4.Condition, now: Date): boolean {
  if (isDiscountedCondition(condition)) return false;

  const clinical = statusCodes(condition.clinicalStatus, CLINICAL);
  if (clinical.length > 0) {
    if (!clinical.some((c) => CURRENT_CLINICAL.has(c))) return false;
  } else if (hasAbatement(condition)) {
    return false;
  }

  const abated = parseFhirDate(str(condition.abatementDateTime) ?? str(condition.abatementPeriod?.end), 'start');
  if (abated && abated.getTime() <= now.getTime()) return false;

  const onset = parseFhirDate(conditionDate(condition), 'start');
  if (onset && onset.getTime() > now.getTime()) return false;
  return true;
}

/** The date a condition is anchored to: onset, else when it was recorded. */
export function conditionDate(condition: fhir4.Condition): string | undefined {
  return str(condition.onsetDateTime) ?? str(condition.onsetPeriod?.start) ?? str(condition.recordedDate);
}
