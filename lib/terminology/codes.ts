// Code-system URIs and value-set membership. ICD-10 entries written as a category prefix ("E11")
// cover their children ("E11.9"), as KNOWLEDGE section 1 requires; other systems match exactly.
import type { ValueSetResource } from '../engine/types';

export const SYSTEMS = {
  rxnorm: 'http://www.nlm.nih.gov/research/umls/rxnorm',
  snomed: 'http://snomed.info/sct',
  icd10cm: 'http://hl7.org/fhir/sid/icd-10-cm',
  icd10: 'http://hl7.org/fhir/sid/icd-10',
  icd9cm: 'http://hl7.org/fhir/sid/icd-9-cm',
  loinc: 'http://loinc.org',
  ucum: 'http://unitsofmeasure.org',
} as const;

const ICD_SYSTEMS: ReadonlySet<string> = new Set([SYSTEMS.icd10cm, SYSTEMS.icd10]);

/** Systems whose codes count for conditions. */
export const CONDITION_SYSTEMS: ReadonlySet<string> = new Set([SYSTEMS.snomed, SYSTEMS.icd10cm, SYSTEMS.icd10]);

function icdKey(code: string): string {
  return code.toUpperCase().replace(/\./g, '').trim();
}

/** Answers "is this coding in the set" in O(1) for exact codes and O(prefix length) for ICD-10. */
export class CodeSet {
  private readonly exact = new Set<string>();
  private readonly icdPrefixes = new Set<string>();

  constructor(valueSet: ValueSetResource | undefined) {
    for (const entry of valueSet?.expansion?.contains ?? []) {
      if (!entry.system || !entry.code) continue;
      if (ICD_SYSTEMS.has(entry.system)) this.icdPrefixes.add(icdKey(entry.code));
      else this.exact.add(`${entry.system}|${entry.code.trim()}`);
    }
  }

  get size(): number {
    return this.exact.size + this.icdPrefixes.size;
  }

  has(coding: fhir4.Coding): boolean {
    if (typeof coding.system !== 'string' || typeof coding.code !== 'string') return false;
    if (ICD_SYSTEMS.has(coding.system)) {
      const key = icdKey(coding.code);
      for (let end = key.length; end >= 3; end--) {
        if (this.icdPrefixes.has(key.slice(0, end))) return true;
      }
      return false;
    }
    return this.exact.has(`${coding.system}|${coding.code.trim()}`);
  }
}
