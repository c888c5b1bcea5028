// What the demo EHR's CDS views send: the "documented complaint" switch (one extra Condition, for
// that request only, sent as the `conditions` prefetch beside the patient's own Conditions), and the
// draft orders a clinician can pick for order-select. The service sees exactly what the EHR sends.
import { sandboxStore } from './store';
import type { DraftChoice } from './cdsViewState';

const RX = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const ICD10CM = 'http://hl7.org/fhir/sid/icd-10-cm';

/** The Condition the complaint switch adds: ICD-10-CM G47.62, recorded today, active and confirmed. */
export function addedComplaint(patientId: string, now: Date): fhir4.Condition {
  const day = now.toISOString().slice(0, 10);
  return {
    resourceType: 'Condition',
    id: 'demo-added-complaint',
    subject: { reference: `Patient/${patientId}` },
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
    verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }] },
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'problem-list-item' }] }],
    code: { coding: [{ system: ICD10CM, code: 'G47.62', display: 'Sleep related leg cramps' }], text: 'Sleep related leg cramps' },
    onsetDateTime: day,
    recordedDate: day,
  };
}

/**
 * The `conditions` prefetch (a searchset Bundle) with the patient's Conditions as the demo FHIR API
 * holds them, plus the added complaint. Only sent when the switch is on; otherwise the service reads
 * the Conditions from the FHIR API itself.
 */
export async function conditionsWithComplaint(patientId: string, now: Date): Promise<fhir4.Bundle> {
  const { byPatient } = await sandboxStore();
  const own = (byPatient.get(`${patientId}|Condition`) ?? []) as fhir4.Condition[];
  const all = [...own, addedComplaint(patientId, now)];
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total: all.length,
    entry: all.map((resource) => ({ resource, search: { mode: 'match' } })),
  };
}

/** The draft MedicationRequest the EHR is writing (status draft, intent order). */
export function draftOrder(patientId: string, choice: DraftChoice, now: Date): fhir4.MedicationRequest {
  return {
    resourceType: 'MedicationRequest',
    id: `draft-${choice.key}`,
    status: 'draft',
    intent: 'order',
    subject: { reference: `Patient/${patientId}` },
    authoredOn: now.toISOString().slice(0, 10),
    medicationCodeableConcept: choice.code ? { coding: [{ system: RX, code: choice.code, display: choice.display }], text: choice.display } : { text: choice.display },
    dosageInstruction: [{ text: choice.dosage }],
  };
}

/** CDS Hooks `context.draftOrders`: a Bundle of the drafts. */
export function draftOrdersBundle(orders: readonly fhir4.MedicationRequest[]): fhir4.Bundle {
  return { resourceType: 'Bundle', type: 'collection', entry: orders.map((resource) => ({ resource })) };
}
