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

const DOTS = /\./g;

/** An ICD-10 code as the sets key it: upper case, without dots or surrounding spaces. */
export function icdKey(code: string): string {
  const upper = code.toUpperCase();
  return (upper.includes('.') ? upper.replace(DOTS, '') : upper).trim();
}

/** A coding's lookup key, worked out once for a record checked against many value sets. */
export interface CodingKey {
  readonly system: string;
  /** The code as recorded, trimmed. */
  readonly code: string;
  /** For ICD-10 systems: the code as the sets key it (icdKey). */
  readonly icd?: string;
}

/** The lookup key of a coding, or undefined when it has no string system and code (it is in no set). */
export function codingKey(coding: fhir4.Coding): CodingKey | undefined {
  const { system, code } = coding;
  if (typeof system !== 'string' || typeof code !== 'string') return undefined;
  return ICD_SYSTEMS.has(system) ? { system, code, icd: icdKey(code) } : { system, code: code.trim() };
}

/** The lookup keys of codings (those without a string system and code are left out). */
export function codingKeys(codings: readonly fhir4.Coding[]): CodingKey[] {
  const keys: CodingKey[] = [];
  for (const coding of codings) {
    const key = codingKey(coding);
    if (key) keys.push(key);
  }
  return keys;
}

/**
 * Answers "is this coding in the set" in O(1) for exact codes and O(prefix length) for ICD-10. Built once
 * per value set when the knowledge is compiled: exact codes by system then code (no key string is built
 * per lookup), ICD-10 prefixes with their shortest and longest length (no prefix outside those is tried).
 */
export class CodeSet {
  private readonly exact = new Map<string, Set<string>>();
  private exactCount = 0;
  private readonly icdPrefixes = new Set<string>();
  private shortestPrefix = Infinity;
  private longestPrefix = 0;

  constructor(valueSet: ValueSetResource | undefined) {
    for (const entry of valueSet?.expansion?.contains ?? []) {
      if (!entry.system || !entry.code) continue;
      if (ICD_SYSTEMS.has(entry.system)) {
        const key = icdKey(entry.code);
        this.icdPrefixes.add(key);
        this.shortestPrefix = Math.min(this.shortestPrefix, key.length);
        this.longestPrefix = Math.max(this.longestPrefix, key.length);
        continue;
      }
      let codes = this.exact.get(entry.system);
      if (!codes) this.exact.set(entry.system, (codes = new Set()));
      const code = entry.code.trim();
      if (!codes.has(code)) {
        codes.add(code);
        this.exactCount++;
      }
    }
  }

  get size(): number {
    return this.exactCount + this.icdPrefixes.size;
  }

  has(coding: fhir4.Coding): boolean {
    const key = codingKey(coding);
    return key !== undefined && this.hasKey(key);
  }

  /** Like has, for a key from codingKey. */
  hasKey(key: CodingKey): boolean {
    if (key.icd !== undefined) {
      if (this.icdPrefixes.size === 0) return false;
      const icd = key.icd;
      const lowest = Math.max(3, this.shortestPrefix);
      for (let end = Math.min(icd.length, this.longestPrefix); end >= lowest; end--) {
        if (this.icdPrefixes.has(end === icd.length ? icd : icd.slice(0, end))) return true;
      }
      return false;
    }
    return this.exact.get(key.system)?.has(key.code) ?? false;
  }

  /** Whether any of the keys is in the set. */
  hasAnyKey(keys: readonly CodingKey[]): boolean {
    if (this.exactCount === 0 && this.icdPrefixes.size === 0) return false;
    for (const key of keys) if (this.hasKey(key)) return true;
    return false;
  }
}
