import { evaluate } from '../../lib/engine/evaluate';
import { knowledge } from '../../lib/knowledge';
import { daysAgo, data, medicationRequest, medicationStatement, NOW, rxConcept } from '../helpers/fhir';

const fired = (d: ReturnType<typeof data>) => evaluate(knowledge(), d, NOW).findings.map((f) => f.ruleId);

describe('medication rules', () => {
  it.each([
    ['calcium-channel-blocker', rxConcept('197361', 'Amlodipine 5 MG Oral Tablet'), 'code'],
    ['calcium-channel-blocker', rxConcept('897718', 'Verapamil Hydrochloride 40 MG'), 'code'],
    ['calcium-channel-blocker', rxConcept('999999901', 'Nifedipine 30 MG Extended Release Oral Tablet'), 'name'],
    ['calcium-channel-blocker', rxConcept(undefined, 'Cardizem CD 180 mg capsule'), 'name'],
    ['calcium-channel-blocker', rxConcept(undefined, 'amlodipine / benazepril 5/20 mg'), 'name'],
    ['calcium-channel-blocker', rxConcept(undefined, 'Tarka (trandolapril/verapamil)'), 'name'],
    ['diuretic', rxConcept('315971', 'Lasix 40mg'), 'code'],
    ['diuretic', rxConcept('316049', 'Hydrochlorothiazide 25 MG'), 'code'],
    ['diuretic', rxConcept('746030', 'Atenolol 50 MG / Chlorthalidone 25 MG Oral Tablet'), 'code'],
    ['diuretic', rxConcept(undefined, 'lisinopril-HCTZ 20-12.5 mg tablet'), 'name'],
    ['diuretic', rxConcept(undefined, 'Triamterene 37.5 MG / Hydrochlorothiazide 25 MG Oral Tablet'), 'name'],
    ['diuretic', rxConcept(undefined, 'Bumetanide 1 MG Oral Tablet'), 'name'],
    ['diuretic', rxConcept(undefined, 'Metolazone 2.5 mg'), 'name'],
    ['insulin', rxConcept('106892', 'insulin human, isophane 70 UNT/ML / Regular Insulin, Human 30 UNT/ML [Humulin]'), 'code'],
    ['insulin', rxConcept('865098', 'Insulin Lispro 100 UNT/ML Injectable Solution [Humalog]'), 'code'],
    ['insulin', rxConcept(undefined, 'Tresiba FlexTouch 100 unit/mL pen'), 'name'],
    ['insulin', rxConcept(undefined, 'Soliqua 100/33 (insulin glargine and lixisenatide)'), 'name'],
  ])('%s fires on an active order for %p, matched by %s', (ruleId, concept, matchedBy) => {
    const result = evaluate(knowledge(), data({ medicationRequests: [medicationRequest(concept)] }), NOW);
    const finding = result.findings.find((f) => f.ruleId === ruleId);
    expect(finding).toBeDefined();
    expect(finding?.matchedBy).toBe(matchedBy);
  });

  it.each([
    ['spironolactone alone', rxConcept('313096', 'spironolactone 25 MG Oral Tablet')],
    ['eplerenone alone', rxConcept(undefined, 'Eplerenone 25 mg tablet')],
    ['amiloride alone', rxConcept(undefined, 'amiloride 5 mg')],
  ])('only the potassium-sparing rule, never the diuretic rule, fires on %s', (_label, concept) => {
    expect(fired(data({ medicationRequests: [medicationRequest(concept)] }))).toEqual(['potassium-sparing-diuretic']);
  });

  it.each([
    ['lisinopril (other antihypertensive)', rxConcept('314076', 'lisinopril 10 MG Oral Tablet')],
    ['metformin (other diabetes drug)', rxConcept('860975', 'metformin hydrochloride 500 MG Oral Tablet')],
    ['semaglutide (other diabetes drug)', rxConcept(undefined, 'Ozempic 1 mg pen')],
  ])('no medication rule fires on %s', (_label, concept) => {
    expect(fired(data({ medicationRequests: [medicationRequest(concept)] }))).toEqual([]);
  });

  const hctz = rxConcept('316049', 'Hydrochlorothiazide 25 MG');
  it.each([
    ['a stopped order', { status: 'stopped' as const }],
    ['a completed order', { status: 'completed' as const }],
    ['an on-hold order', { status: 'on-hold' as const }],
    ['a draft order', { status: 'draft' as const }],
    ['an entered-in-error order', { status: 'entered-in-error' as const }],
    ['a proposal', { intent: 'proposal' as const }],
    [
      'an order whose dosage bounds ended last month',
      { dosageInstruction: [{ timing: { repeat: { boundsPeriod: { start: daysAgo(90), end: daysAgo(30) } } } }] },
    ],
    ['an order whose validity period ended', { dispenseRequest: { validityPeriod: { end: '2026-10-01' } } }],
    ['an order authored after now', { authoredOn: '2027-01-01' }],
  ])('ignores %s', (_label, extra) => {
    expect(fired(data({ medicationRequests: [medicationRequest(hctz, extra)] }))).toEqual([]);
  });

  it('keeps an order whose known end is today or later', () => {
    const request = medicationRequest(hctz, { dispenseRequest: { validityPeriod: { end: '2026-11-24' } } });
    expect(fired(data({ medicationRequests: [request] }))).toEqual(['diuretic']);
  });

  it.each([
    ['active', true],
    ['intended', true],
    ['completed', false],
    ['stopped', false],
    ['not-taken', false],
    ['entered-in-error', false],
  ])('a MedicationStatement with status %s counts: %s', (status, counts) => {
    const statement = medicationStatement(
      { medicationCodeableConcept: hctz },
      { status: status as fhir4.MedicationStatement['status'] },
    );
    expect(fired(data({ medicationStatements: [statement] }))).toEqual(counts ? ['diuretic'] : []);
  });

  it('ignores a statement whose effective period ended before now', () => {
    const statement = medicationStatement(
      { medicationCodeableConcept: hctz },
      { effectiveDateTime: undefined, effectivePeriod: { start: daysAgo(300), end: daysAgo(5) } },
    );
    expect(fired(data({ medicationStatements: [statement] }))).toEqual([]);
  });

  it('resolves a contained Medication', () => {
    const statement = medicationStatement(
      { medicationReference: { reference: '#med1' } },
      { contained: [{ resourceType: 'Medication', id: 'med1', code: rxConcept('197361', 'Amlodipine 5 MG Oral Tablet') } as fhir4.Medication] },
    );
    const result = evaluate(knowledge(), data({ medicationStatements: [statement] }), NOW);
    expect(result.findings.map((f) => [f.ruleId, f.matchedBy, f.evidence[0]?.name])).toEqual([
      ['calcium-channel-blocker', 'code', 'Amlodipine 5 MG Oral Tablet'],
    ]);
  });

  it('resolves a Medication from the same Bundle by urn:uuid and by relative reference', () => {
    const med: fhir4.Medication = { resourceType: 'Medication', id: 'm-ins', code: rxConcept('865098', 'Insulin Lispro [Humalog]') };
    const a = medicationStatement({ medicationReference: { reference: 'urn:uuid:m-ins' } });
    const b = medicationRequest(rxConcept(undefined, 'x'), {
      medicationCodeableConcept: undefined,
      medicationReference: { reference: 'Medication/m-ins' },
    });
    const result = evaluate(knowledge(), data({ medicationStatements: [a], medicationRequests: [b], medications: [med] }), NOW);
    expect(result.findings.map((f) => [f.ruleId, f.evidence.length])).toEqual([['insulin', 2]]);
  });

  it('matches a combination product by an ingredient of the referenced Medication', () => {
    const med: fhir4.Medication = {
      resourceType: 'Medication',
      id: 'combo',
      code: { text: 'Exforge HCT' },
      ingredient: [
        { itemCodeableConcept: rxConcept('17767', 'amlodipine') },
        { itemCodeableConcept: rxConcept('5487', 'hydrochlorothiazide') },
      ],
    };
    const request = medicationRequest(rxConcept(undefined, ''), {
      medicationCodeableConcept: undefined,
      medicationReference: { reference: 'Medication/combo' },
    });
    expect(fired(data({ medicationRequests: [request], medications: [med] }))).toEqual(['diuretic', 'calcium-channel-blocker']);
  });

  it('falls back to the reference display and says the drug was matched by name', () => {
    const request = medicationRequest(rxConcept(undefined, ''), {
      medicationCodeableConcept: undefined,
      medicationReference: { reference: 'Medication/unknown', display: 'Furosemide 20 mg tablet' },
    });
    const result = evaluate(knowledge(), data({ medicationRequests: [request] }), NOW);
    expect(result.findings.map((f) => [f.ruleId, f.matchedBy])).toEqual([['diuretic', 'name']]);
  });

  it('reports a reference it cannot resolve and has no name for as not checked', () => {
    const request = medicationRequest(rxConcept(undefined, ''), {
      medicationCodeableConcept: undefined,
      medicationReference: { reference: 'Medication/gone' },
    });
    const result = evaluate(knowledge(), data({ medicationRequests: [request] }), NOW);
    expect(result.findings).toEqual([]);
    expect(result.notChecked.map((n) => n.resourceType)).toEqual(['Medication']);
    expect(result.notChecked[0]?.affectedRules).toContain('diuretic');
  });

  it('matches names as whole words only', () => {
    // "Lasixtra" and "verapamilx" are not the drugs; the name must stand alone.
    expect(fired(data({ medicationRequests: [medicationRequest(rxConcept(undefined, 'Lasixtra cream'))] }))).toEqual([]);
  });
});
