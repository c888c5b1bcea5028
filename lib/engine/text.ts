// Safe readers for the loosely shaped parts of FHIR resources (servers send surprising things).

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Like isRecord, but keeps the static type of an already typed value (resources may still be malformed). */
export function isObject<T>(value: T): value is Extract<NonNullable<T>, object> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asArray<T>(value: T | readonly T[] | undefined | null): readonly T[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? (value as readonly T[]) : [value as T];
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** Codings of a CodeableConcept that have a string system and code. */
export function codingsOf(concept: fhir4.CodeableConcept | undefined): fhir4.Coding[] {
  if (!isObject(concept)) return [];
  return asArray(concept.coding).filter(
    (c): c is fhir4.Coding => isObject(c) && typeof c.system === 'string' && typeof c.code === 'string',
  );
}

/** Every human-readable name in a CodeableConcept: its text and its codings' displays. */
export function namesOf(concept: fhir4.CodeableConcept | undefined): string[] {
  if (!isObject(concept)) return [];
  const names: string[] = [];
  const text = str(concept.text);
  if (text) names.push(text);
  for (const coding of asArray(concept.coding)) {
    if (isObject(coding)) {
      const display = str(coding.display);
      if (display) names.push(display);
    }
  }
  return names;
}

/** The best single label for a concept, as recorded. */
export function labelOf(concept: fhir4.CodeableConcept | undefined, fallback = 'Unnamed'): string {
  return namesOf(concept)[0] ?? codingsOf(concept)[0]?.code ?? fallback;
}

/** Codes of a CodeableConcept's codings in a given system. */
export function codesIn(concept: fhir4.CodeableConcept | undefined, system: string): string[] {
  // One pass, no intermediate arrays: this runs for every result, several times per evaluation.
  const codes: string[] = [];
  if (!isObject(concept)) return codes;
  for (const c of asArray(concept.coding)) {
    if (isObject(c) && c.system === system && typeof c.code === 'string') codes.push(c.code);
  }
  return codes;
}
