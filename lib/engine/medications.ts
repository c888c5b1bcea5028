// Decides which medication records are current and which drug they name, per KNOWLEDGE section 1.
import { parseFhirDate } from './dates';
import { asArray, codingsOf, isObject, labelOf, namesOf, str } from './text';

type MedRecord = fhir4.MedicationStatement | fhir4.MedicationRequest;

/** Finds Medications by the ways a reference can point at one. */
export class MedicationIndex {
  private readonly byKey = new Map<string, fhir4.Medication>();

  constructor(medications: readonly fhir4.Medication[], fullUrls?: ReadonlyMap<fhir4.Medication, string>) {
    for (const med of medications) {
      if (!isObject(med) || typeof med.id !== 'string') continue;
      this.byKey.set(`Medication/${med.id}`, med);
      this.byKey.set(`urn:uuid:${med.id}`, med);
      const full = fullUrls?.get(med);
      if (full) this.byKey.set(full, med);
    }
  }

  find(reference: string): fhir4.Medication | undefined {
    return this.byKey.get(reference) ?? this.byKey.get(medicationKey(reference) ?? '');
  }
}

/** "Medication/123" from any absolute, relative or versioned reference to a Medication. */
export function medicationKey(reference: string): string | undefined {
  const m = /(?:^|\/)Medication\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/.exec(reference);
  return m ? `Medication/${m[1]}` : undefined;
}

export interface DrugIdentity {
  readonly label: string;
  readonly codings: readonly fhir4.Coding[];
  readonly names: readonly string[];
  /** Set when the record points at a Medication we could not find. */
  readonly unresolvedReference?: string;
}

function fromMedication(med: fhir4.Medication): DrugIdentity {
  const codings = [...codingsOf(med.code)];
  const names = [...namesOf(med.code)];
  for (const ingredient of asArray(med.ingredient)) {
    if (!isObject(ingredient)) continue;
    codings.push(...codingsOf(ingredient.itemCodeableConcept));
    names.push(...namesOf(ingredient.itemCodeableConcept));
    const display = str(ingredient.itemReference?.display);
    if (display) names.push(display);
  }
  return { label: labelOf(med.code, names[0] ?? 'Unnamed medication'), codings, names };
}

export function identifyDrug(record: MedRecord, index: MedicationIndex): DrugIdentity {
  if (isObject(record.medicationCodeableConcept)) {
    const concept = record.medicationCodeableConcept;
    return { label: labelOf(concept, 'Unnamed medication'), codings: codingsOf(concept), names: namesOf(concept) };
  }
  const ref = isObject(record.medicationReference) ? record.medicationReference : undefined;
  const target = str(ref?.reference);
  const display = str(ref?.display);
  if (target) {
    const med = target.startsWith('#')
      ? asArray(record.contained).find(
          (r): r is fhir4.Medication => isObject(r) && r.resourceType === 'Medication' && `#${r.id}` === target,
        )
      : index.find(target);
    if (med) {
      const identity = fromMedication(med);
      return display && identity.names.length === 0 ? { ...identity, label: display, names: [display] } : identity;
    }
  }
  return {
    label: display ?? 'Unidentified medication',
    codings: [],
    names: display ? [display] : [],
    ...(target && !target.startsWith('#') ? { unresolvedReference: target } : {}),
  };
}

/** The date a medication record is anchored to, for display and "is it in the future". */
export function medicationDate(record: MedRecord): string | undefined {
  if (record.resourceType === 'MedicationRequest') return str(record.authoredOn);
  return str(record.effectiveDateTime) ?? str(record.effectivePeriod?.start) ?? str(record.dateAsserted);
}

/**
 * The newest date that supports a medication record (KNOWLEDGE section 6): when it was ordered or
 * asserted, when it took effect, and the starts of its dosage and dispense periods. Dates after
 * `now` do not count. `verb` says how to word it ("ordered" for a request, "recorded" otherwise).
 */
export function newestSupportingDate(record: MedRecord, now: Date): { when: Date; date: string; verb: 'ordered' | 'recorded' } | undefined {
  const candidates: { value: string | undefined; verb: 'ordered' | 'recorded' }[] = [];
  const dosages = record.resourceType === 'MedicationRequest' ? record.dosageInstruction : record.dosage;
  for (const dosage of asArray(dosages)) {
    if (isObject(dosage)) candidates.push({ value: str(dosage.timing?.repeat?.boundsPeriod?.start), verb: 'recorded' });
  }
  if (record.resourceType === 'MedicationRequest') {
    candidates.push({ value: str(record.authoredOn), verb: 'ordered' });
    candidates.push({ value: str(record.dispenseRequest?.validityPeriod?.start), verb: 'ordered' });
  } else {
    candidates.push({ value: str(record.effectiveDateTime), verb: 'recorded' });
    candidates.push({ value: str(record.effectivePeriod?.start), verb: 'recorded' });
    candidates.push({ value: str(record.dateAsserted), verb: 'recorded' });
  }
  let best: { when: Date; date: string; verb: 'ordered' | 'recorded' } | undefined;
  for (const c of candidates) {
    const when = parseFhirDate(c.value, 'start');
    if (!c.value || !when || when.getTime() > now.getTime()) continue;
    if (!best || when.getTime() > best.when.getTime()) best = { when, date: c.value, verb: c.verb };
  }
  return best;
}

function knownEnds(record: MedRecord): Date[] {
  const ends: (string | undefined)[] = [];
  const dosages = record.resourceType === 'MedicationRequest' ? record.dosageInstruction : record.dosage;
  for (const dosage of asArray(dosages)) {
    if (isObject(dosage)) ends.push(str(dosage.timing?.repeat?.boundsPeriod?.end));
  }
  if (record.resourceType === 'MedicationStatement') ends.push(str(record.effectivePeriod?.end));
  else ends.push(str(record.dispenseRequest?.validityPeriod?.end));
  return ends.map((e) => parseFhirDate(e, 'end')).filter((d): d is Date => d !== undefined);
}

const CURRENT_STATEMENT = new Set(['active', 'intended']);

/**
 * True when the record says the patient takes the drug at `now`: an active or intended statement,
 * or an active order that is not a proposal, whose latest known end is not before `now` and
 * which does not start after `now`.
 */
export function isCurrentMedication(record: MedRecord, now: Date): boolean {
  if (record.resourceType === 'MedicationStatement') {
    if (!CURRENT_STATEMENT.has(String(record.status))) return false;
  } else {
    if (record.status !== 'active' || record.intent === 'proposal') return false;
  }
  const start = parseFhirDate(medicationDate(record), 'start');
  if (start && start.getTime() > now.getTime()) return false;
  const ends = knownEnds(record);
  if (ends.length > 0 && Math.max(...ends.map((d) => d.getTime())) < now.getTime()) return false;
  return true;
}
