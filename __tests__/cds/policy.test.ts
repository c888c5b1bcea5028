// The CDS service's speaking policy, as a table: complaint or none, deceased or alive, records old
// (verify) or current, each evidence level, quinine, disabled and snoozed rules, for patient-view
// and for draft orders.
import { evaluate } from '../../lib/engine/evaluate';
import { matchDraftOrders } from '../../lib/engine/orders';
import { knowledge } from '../../lib/knowledge';
import { planOrders, planPatientView, rulesOf, type CardPolicy } from '../../lib/cds/policy';
import { condition, daysAgo, data, lab, medicationRequest, NOW, patient, rxConcept, type DataParts } from '../helpers/fhir';

const DEFAULT: CardPolicy = { trigger: 'complaint', disabledRules: new Set() };
const cramp = () => condition([{ system: 'icd', code: 'G47.62', display: 'Sleep related leg cramps' }], { onsetDateTime: daysAgo(30) });
const laba = () => medicationRequest(rxConcept('896209', '60 ACTUAT Fluticasone propionate 0.25 MG/ACTUAT / salmeterol 0.05 MG/ACTUAT Dry Powder Inhaler'));
const furosemide = (extra = {}) => medicationRequest(rxConcept('313988', 'Furosemide 40 MG Oral Tablet'), extra);
const amlodipine = () => medicationRequest(rxConcept('197361', 'Amlodipine 5 MG Oral Tablet'));
const quinine = (extra = {}) => medicationRequest(rxConcept(undefined, 'Quinine sulfate 324 mg capsule'), extra);
const parkinsons = () => condition([{ system: 'sct', code: '49049000', display: "Parkinson's disease" }], { onsetDateTime: '2019-01-01' });
const lowK = () => lab('2823-3', 3.1, 'mmol/L');

function plan(parts: DataParts, policy: CardPolicy = DEFAULT, snoozed: string[] = []) {
  return planPatientView(evaluate(knowledge(), data(parts), NOW), policy, new Set(snoozed));
}
const kinds = (p: ReturnType<typeof plan>) => p.plans.map((c) => `${c.kind}:${rulesOf(c).join('+')}`);

describe('patient-view policy', () => {
  const record: DataParts = { medicationRequests: [laba(), furosemide(), amlodipine()], conditions: [parkinsons()], observations: [lowK()] };

  it.each([
    ['no complaint, alive', { ...record }, DEFAULT, [], 'no-complaint'],
    ['complaint, alive', { ...record, conditions: [...(record.conditions ?? []), cramp()] }, DEFAULT, ['finding:long-acting-beta-agonist', 'group:diuretic+low-potassium', 'weak:calcium-channel-blocker+parkinsons-disease'], undefined],
    ['complaint, deceased', { ...record, patient: patient({ deceasedDateTime: daysAgo(10) }), conditions: [cramp()] }, DEFAULT, [], 'deceased'],
    ['no complaint, trigger always', { ...record }, { ...DEFAULT, trigger: 'always' as const }, ['finding:long-acting-beta-agonist', 'group:diuretic+low-potassium', 'weak:calcium-channel-blocker+parkinsons-disease'], undefined],
  ] as const)('%s', (_label, parts, policy, expected, silence) => {
    const p = plan(parts as DataParts, policy);
    expect(kinds(p)).toEqual(expected);
    expect(p.silence).toBe(silence);
  });

  it('pushes no card for a finding whose records are old (verify), even with a complaint', () => {
    const p = plan({ medicationRequests: [laba(), furosemide({ authoredOn: '2019-03-01' })], conditions: [cramp()] });
    expect(kinds(p)).toEqual(['finding:long-acting-beta-agonist']);
  });

  it('gathers only weak findings into a single card', () => {
    const p = plan({ medicationRequests: [amlodipine()], conditions: [parkinsons(), cramp()], observations: [lab('2951-2', 150, 'mmol/L')] });
    expect(kinds(p)).toEqual(['weak:calcium-channel-blocker+parkinsons-disease+high-sodium']);
  });

  it('gathers a linked group of weak findings with the weak ones (diabetes and a low magnesium)', () => {
    const diabetes = condition([{ system: 'icd', code: 'E11.9', display: 'Type 2 diabetes mellitus' }], { onsetDateTime: '2015-01-01' });
    const p = plan({ conditions: [diabetes, cramp()], observations: [lab('19123-9', 1.4, 'mg/dL')] });
    expect(kinds(p)).toEqual(['weak:diabetes+low-magnesium']);
  });

  it.each([
    ['without a complaint', [] as fhir4.Condition[]],
    ['with a complaint', [cramp()]],
  ])('warns about a current quinine %s, first', (_label, conditions) => {
    const p = plan({ medicationRequests: [quinine(), laba()], conditions });
    expect(kinds(p)[0]).toBe('safety:quinine');
  });

  it('does not push an old quinine order (to verify), nor quinine for a deceased patient', () => {
    expect(kinds(plan({ medicationRequests: [quinine({ authoredOn: '2018-01-01' })] }))).toEqual([]);
    expect(kinds(plan({ patient: patient({ deceasedBoolean: true }), medicationRequests: [quinine()] }))).toEqual([]);
  });

  it('leaves out disabled and snoozed rules, and breaks a group whose other member is gone', () => {
    const parts = { medicationRequests: [laba(), furosemide()], conditions: [cramp()], observations: [lowK()] };
    expect(kinds(plan(parts, { ...DEFAULT, disabledRules: new Set(['long-acting-beta-agonist']) }))).toEqual(['group:diuretic+low-potassium']);
    expect(kinds(plan(parts, DEFAULT, ['low-potassium']))).toEqual(['finding:long-acting-beta-agonist', 'finding:diuretic']);
  });

  it('puts the not-checked warning first when it speaks, and says nothing without a complaint', () => {
    const withGap = (parts: DataParts) =>
      planPatientView(
        evaluate(knowledge(), { ...data(parts), notChecked: [{ resourceType: 'Observation', reason: 'the server refused the request (HTTP 403)' }] }, NOW),
        DEFAULT,
        new Set(),
      );
    expect(kinds(withGap({ medicationRequests: [laba()], conditions: [cramp()] }))).toEqual(['gaps:', 'finding:long-acting-beta-agonist']);
    expect(kinds(withGap({ medicationRequests: [laba()] }))).toEqual([]);
  });

  it('says data was not checked when the Conditions could not be read (the complaint is unknown), and nothing more', () => {
    const p = planPatientView(
      evaluate(knowledge(), { ...data({ medicationRequests: [laba()] }), notChecked: [{ resourceType: 'Condition', reason: 'the server did not answer within 8 s' }] }, NOW),
      DEFAULT,
      new Set(),
    );
    expect(kinds(p)).toEqual(['gaps:']);
    expect(p.silence).toBe('complaint-unknown');
  });
});

describe('order-select / order-sign policy', () => {
  const draft = (concept: fhir4.CodeableConcept, id: string) =>
    ({ resourceType: 'MedicationRequest', id, status: 'draft', intent: 'order', medicationCodeableConcept: concept, subject: { reference: 'Patient/pat-1' } }) as fhir4.MedicationRequest;
  const bundle = (...orders: fhir4.MedicationRequest[]) => ({ resourceType: 'Bundle', type: 'collection', entry: orders.map((resource) => ({ resource })) });
  const orders = matchDraftOrders(
    knowledge(),
    bundle(
      draft(rxConcept(undefined, 'Qualaquin 324 mg capsule'), 'q1'),
      draft(rxConcept('36117', 'salmeterol'), 's1'),
      draft(rxConcept('313096', 'spironolactone 25 MG Oral Tablet'), 'k1'),
      draft(rxConcept('313988', 'Furosemide 40 MG Oral Tablet'), 'f1'),
      draft(rxConcept('197361', 'Amlodipine 5 MG Oral Tablet'), 'a1'),
      draft(rxConcept('310798', 'Hydrochlorothiazide 25 MG Oral Tablet'), 'h1'),
    ),
  );
  const show = (p: ReturnType<typeof planOrders>) => p.map((o) => `${o.kind === 'warn' ? o.ruleId : o.kind}:${o.order.reference}${o.kind === 'order-info' ? `:${o.ruleIds.join('+')}` : ''}`);

  it('matches each draft to its rules, whatever its draft status', () => {
    expect(orders.map((o) => [o.reference, o.rules.map((r) => r.ruleId)])).toEqual([
      ['MedicationRequest/q1', ['quinine']],
      ['MedicationRequest/s1', ['long-acting-beta-agonist']],
      ['MedicationRequest/k1', ['potassium-sparing-diuretic']],
      ['MedicationRequest/f1', ['diuretic']],
      ['MedicationRequest/a1', ['calcium-channel-blocker']],
      ['MedicationRequest/h1', ['diuretic']],
    ]);
  });

  it('warns about quinine whatever the complaint, and speaks of the other classes only with a complaint', () => {
    expect(show(planOrders(orders, { complaint: false, deceased: false }, DEFAULT, new Set()))).toEqual(['quinine:MedicationRequest/q1']);
    expect(show(planOrders(orders, { complaint: true, deceased: false }, DEFAULT, new Set()))).toEqual([
      'quinine:MedicationRequest/q1',
      'order-info:MedicationRequest/s1:long-acting-beta-agonist',
      'order-info:MedicationRequest/k1:potassium-sparing-diuretic',
      'order-info:MedicationRequest/f1:diuretic',
      'order-info:MedicationRequest/h1:diuretic',
    ]);
  });

  it('says nothing for a deceased patient, and respects disabled and snoozed rules', () => {
    expect(planOrders(orders, { complaint: true, deceased: true }, DEFAULT, new Set())).toEqual([]);
    const p = planOrders(orders, { complaint: true, deceased: false }, { ...DEFAULT, disabledRules: new Set(['quinine']) }, new Set(['diuretic']));
    expect(show(p)).toEqual(['order-info:MedicationRequest/s1:long-acting-beta-agonist', 'order-info:MedicationRequest/k1:potassium-sparing-diuretic']);
  });
});
