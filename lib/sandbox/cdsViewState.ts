// The demo EHR's CDS views: state that both the server and the browser use (no server modules here,
// so the pages' browser bundle can import it): the service ids, the drafts the picker offers, the
// messages after a card action and the views' addresses.

export const PATIENT_VIEW_SERVICE = 'leg-cramp-factors';
export const ORDER_SELECT_SERVICE = 'leg-cramp-order-select';
export type DemoServiceId = typeof PATIENT_VIEW_SERVICE | typeof ORDER_SELECT_SERVICE;

export type Notice = 'snoozed' | 'overridden' | 'removed' | 'feedback-failed';
export const SNOOZE_CODE = 'snooze-90-days';

export interface DraftChoice {
  readonly key: string;
  readonly label: string;
  readonly code?: string;
  readonly display: string;
  readonly dosage: string;
}

/** The drugs the order-select view offers (RxNorm codes where the product has one we use; quinine by name). */
export const DRAFT_CHOICES: readonly DraftChoice[] = [
  { key: 'quinine', label: 'Quinine sulfate 324 mg capsule', display: 'Quinine sulfate 324 MG Oral Capsule', dosage: 'One capsule at bedtime' },
  {
    key: 'fluticasone-salmeterol',
    label: 'Fluticasone/salmeterol 250/50 inhaler',
    code: '896209',
    display: '60 ACTUAT Fluticasone propionate 0.25 MG/ACTUAT / salmeterol 0.05 MG/ACTUAT Dry Powder Inhaler',
    dosage: 'One inhalation twice daily',
  },
  { key: 'spironolactone', label: 'Spironolactone 25 mg tablet', code: '313096', display: 'spironolactone 25 MG Oral Tablet', dosage: 'One tablet daily' },
  { key: 'furosemide', label: 'Furosemide 40 mg tablet', code: '313988', display: 'Furosemide 40 MG Oral Tablet', dosage: 'One tablet every morning' },
];

export function draftChoice(key: unknown): DraftChoice | undefined {
  return typeof key === 'string' ? DRAFT_CHOICES.find((c) => c.key === key) : undefined;
}

export function viewUrl(view: 'cds' | 'orders', patientId: string, state: { complaint?: boolean; order?: string | undefined; notice?: Notice; status?: number; removed?: string }): string {
  const q = new URLSearchParams({ patient: patientId });
  if (state.complaint) q.set('complaint', '1');
  if (state.order) q.set('order', state.order);
  if (state.notice) q.set('notice', state.notice);
  if (state.status !== undefined) q.set('status', String(state.status));
  if (state.removed) q.set('removed', state.removed);
  return `/sandbox/${view}?${q.toString()}`;
}

