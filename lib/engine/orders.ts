// Draft orders (CDS Hooks order-select and order-sign): which medication rules a drug being ordered
// belongs to. Same value sets and names as the evaluation; a draft is judged by what it orders, not
// by its status, because it is not yet current.
import type { CompiledKnowledge } from './compile';
import { ref } from './criteria';
import { medicationMatch } from './evaluate';
import { identifyDrug, MedicationIndex } from './medications';
import { isRecord } from './text';
import type { EvidenceLevel, OrderAdvice } from './types';

export interface DraftOrderMatch {
  /** `MedicationRequest/id` of the draft. */
  readonly reference: string;
  readonly drug: string;
  readonly rules: readonly {
    readonly ruleId: string;
    readonly title: string;
    readonly level: EvidenceLevel;
    readonly matchedBy: 'code' | 'name';
    readonly atOrder?: OrderAdvice;
  }[];
}

/** Resources of a draftOrders Bundle (or a plain list), with contained and bundled Medications resolved. */
export function matchDraftOrders(knowledge: CompiledKnowledge, draftOrders: unknown): DraftOrderMatch[] {
  const resources: unknown[] = isRecord(draftOrders) && Array.isArray(draftOrders.entry)
    ? draftOrders.entry.map((e: unknown) => (isRecord(e) ? e.resource : undefined))
    : Array.isArray(draftOrders)
      ? draftOrders
      : [];
  const index = new MedicationIndex(resources.filter((r): r is fhir4.Medication => isRecord(r) && r.resourceType === 'Medication'));
  const out: DraftOrderMatch[] = [];
  for (const resource of resources) {
    if (!isRecord(resource) || resource.resourceType !== 'MedicationRequest') continue;
    const order = resource as unknown as fhir4.MedicationRequest;
    // Contained Medications (#id) are resolved by identifyDrug itself.
    const drug = identifyDrug(order, index);
    const rules = knowledge.medication.flatMap((compiled) => {
      const matchedBy = medicationMatch(compiled, drug);
      const { id, title, evidence, atOrder } = compiled.rule;
      return matchedBy ? [{ ruleId: id, title, level: evidence.level, matchedBy, ...(atOrder ? { atOrder } : {}) }] : [];
    });
    out.push({ reference: ref(order), drug: drug.label, rules });
  }
  return out;
}
