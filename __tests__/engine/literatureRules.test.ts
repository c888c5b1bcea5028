// The rules from the clinical literature (KNOWLEDGE section 5), their evidence, caveats and
// ordering (section 6), with positive and negative cases from real-shaped FHIR R4 resources.
import { evaluate } from '../../lib/engine/evaluate';
import { knowledge } from '../../lib/knowledge';
import { LEVEL_ORDER } from '../../lib/engine/types';
import {
  clinical,
  condition,
  daysAgo,
  data,
  lab,
  medicationRequest,
  medicationStatement,
  NOW,
  patient,
  rxConcept,
  type DataParts,
} from '../helpers/fhir';

type C = { system: 'sct' | 'icd'; code: string; display: string };
const sct = (code: string, display: string): C => ({ system: 'sct', code, display });
const icd = (code: string, display: string): C => ({ system: 'icd', code, display });
const run = (parts: DataParts) => evaluate(knowledge(), data(parts), NOW);
const fired = (parts: DataParts) => run(parts).findings.map((f) => f.ruleId);
const firedOnOrder = (concept: fhir4.CodeableConcept) => fired({ medicationRequests: [medicationRequest(concept)] });
const findingFor = (parts: DataParts, ruleId: string) => run(parts).findings.find((f) => f.ruleId === ruleId);

/** A result whose unit is free text only (no UCUM code), as some EHRs send it. */
function textUnitLab(loinc: string, value: number, unit: string, extra: Partial<fhir4.Observation> = {}): fhir4.Observation {
  const obs = lab(loinc, value, unit, extra);
  return { ...obs, valueQuantity: { value, unit } };
}

const lowPotassium = () => lab('2823-3', 3.1, 'mmol/L');

describe('long-acting-beta-agonist', () => {
  it.each([
    ['the fluticasone/salmeterol DPI (RxNorm 896209)', rxConcept('896209', '60 ACTUAT Fluticasone propionate 0.25 MG/ACTUAT / salmeterol 0.05 MG/ACTUAT Dry Powder Inhaler')],
    ['salmeterol (RxNorm 36117)', rxConcept('36117', 'salmeterol')],
  ])('fires by code on %s', (_label, concept) => {
    const finding = findingFor({ medicationRequests: [medicationRequest(concept)] }, 'long-acting-beta-agonist');
    expect(finding).toMatchObject({ matchedBy: 'code', level: 'strong', group: 'medications' });
  });

  it.each([
    'Advair Diskus 250/50 inhalation powder',
    'Symbicort 160/4.5 mcg inhalation aerosol',
    'Breo Ellipta 100/25 inhalation powder',
    'Trelegy Ellipta 100/62.5/25 mcg',
    'Anoro Ellipta 62.5/25 mcg',
    'Stiolto Respimat 2.5/2.5 mcg',
    'Serevent Diskus 50 mcg',
  ])('fires by name on the brand-only text %p', (text) => {
    const result = run({ medicationRequests: [medicationRequest(rxConcept(undefined, text))] });
    expect(result.findings.map((f) => f.ruleId)).toEqual(['long-acting-beta-agonist']);
    expect(result.findings[0]?.matchedBy).toBe('name');
  });

  it.each([
    'budesonide / formoterol 160/4.5 MCG inhalation aerosol',
    'mometasone furoate / formoterol fumarate (Dulera) 200/5 mcg',
    'umeclidinium / vilanterol 62.5/25 mcg inhalation powder',
    'tiotropium / olodaterol 2.5/2.5 mcg inhalation spray',
    'glycopyrrolate / formoterol (Bevespi Aerosphere)',
    'fluticasone furoate / umeclidinium / vilanterol inhalation powder',
  ])('fires on the combination product %p', (text) => {
    expect(firedOnOrder(rxConcept(undefined, text))).toEqual(['long-acting-beta-agonist']);
  });

  it('fires on a MedicationStatement as well as on an order', () => {
    const statement = medicationStatement({ medicationCodeableConcept: rxConcept(undefined, 'Wixela Inhub 250/50') });
    expect(fired({ medicationStatements: [statement] })).toEqual(['long-acting-beta-agonist']);
  });

  it.each([
    ['albuterol (short-acting)', rxConcept('435', 'albuterol')],
    ['albuterol inhaler text', rxConcept(undefined, 'Albuterol 90 mcg/actuation HFA inhaler (ProAir)')],
    ['levalbuterol', rxConcept(undefined, 'Levalbuterol tartrate 45 mcg HFA (Xopenex HFA)')],
    ['terbutaline', rxConcept('10368', 'terbutaline')],
    ['tiotropium (Spiriva)', rxConcept(undefined, 'Spiriva HandiHaler 18 mcg (tiotropium)')],
    ['umeclidinium alone (Incruse)', rxConcept(undefined, 'Incruse Ellipta 62.5 mcg (umeclidinium)')],
    ['glycopyrrolate inhalation', rxConcept(undefined, 'glycopyrrolate 25 mcg/mL inhalation solution')],
    ['aclidinium', rxConcept(undefined, 'Tudorza Pressair 400 mcg (aclidinium bromide)')],
    ['fluticasone alone (Flovent)', rxConcept(undefined, 'Flovent HFA 110 mcg (fluticasone propionate)')],
    ['budesonide alone (Pulmicort)', rxConcept(undefined, 'Pulmicort Flexhaler 180 mcg (budesonide)')],
  ])('does not fire on %s', (_label, concept) => {
    expect(firedOnOrder(concept)).toEqual([]);
  });

  it('does not fire on a negated mention ("no salmeterol")', () => {
    const statement = medicationStatement({ medicationCodeableConcept: rxConcept(undefined, 'No salmeterol since last visit') });
    expect(fired({ medicationStatements: [statement] })).toEqual([]);
  });
});

describe('potassium-sparing-diuretic', () => {
  it('fires by code on spironolactone 25 MG (RxNorm 313096) and not on the diuretic rule', () => {
    const result = run({ medicationRequests: [medicationRequest(rxConcept('313096', 'spironolactone 25 MG Oral Tablet'))] });
    expect(result.findings.map((f) => f.ruleId)).toEqual(['potassium-sparing-diuretic']);
    expect(result.findings[0]).toMatchObject({ matchedBy: 'code', level: 'strong' });
  });

  it.each([
    'Spironolactone 50 mg tablet',
    'eplerenone 25 mg tablet',
    'amiloride HCl 5 mg tablet',
    'triamterene 50 mg capsule',
    'Aldactone 25 mg tablet',
    'CaroSpir 25 mg/5 mL oral suspension',
    'Inspra 50 mg tablet',
  ])('fires by name on %p, and the diuretic rule does not', (text) => {
    const result = run({ medicationRequests: [medicationRequest(rxConcept(undefined, text))] });
    expect(result.findings.map((f) => f.ruleId)).toEqual(['potassium-sparing-diuretic']);
    expect(result.findings[0]?.matchedBy).toBe('name');
  });

  it.each([
    'Maxzide (triamterene 75 mg / hydrochlorothiazide 50 mg) tablet',
    'Dyazide 37.5-25 mg capsule',
    'Triamterene 37.5 MG / Hydrochlorothiazide 25 MG Oral Tablet',
  ])('fires both this rule and the diuretic rule on %p', (text) => {
    expect(firedOnOrder(rxConcept(undefined, text)).sort()).toEqual(['diuretic', 'potassium-sparing-diuretic']);
  });

  it('does not fire on finerenone (Kerendia): nothing fires', () => {
    expect(firedOnOrder(rxConcept(undefined, 'Kerendia (finerenone) 10 MG Oral Tablet'))).toEqual([]);
  });

  const CLAIMS_POTASSIUM_LOSS = /potassium loss|lowers? (?:the )?potassium|drains? (?:the )?potassium/i;

  it('with a low potassium joins no linked group and never claims potassium loss', () => {
    const result = run({
      medicationRequests: [medicationRequest(rxConcept('313096', 'spironolactone 25 MG Oral Tablet'))],
      observations: [lowPotassium()],
    });
    expect(result.findings.map((f) => f.ruleId).sort()).toEqual(['low-potassium', 'potassium-sparing-diuretic']);
    expect(result.linked.filter((g) => g.ruleIds.includes('potassium-sparing-diuretic'))).toEqual([]);
    expect(result.linked).toEqual([]);
    const finding = result.findings.find((f) => f.ruleId === 'potassium-sparing-diuretic');
    expect(finding?.cause.summary).not.toMatch(CLAIMS_POTASSIUM_LOSS);
    expect(finding?.caveat ?? '').not.toMatch(CLAIMS_POTASSIUM_LOSS);
    expect(finding?.title).not.toMatch(CLAIMS_POTASSIUM_LOSS);
  });

  it('triamterene/HCTZ with a low potassium links only the diuretic finding to the potassium', () => {
    const result = run({
      medicationRequests: [medicationRequest(rxConcept(undefined, 'Maxzide 75-50 mg tablet'))],
      observations: [lowPotassium()],
    });
    expect(result.linked).toHaveLength(1);
    expect(result.linked[0]?.ruleIds).toEqual(['diuretic', 'low-potassium']);
  });

  it('contrast: furosemide with a low potassium IS linked (potassium-loss)', () => {
    const result = run({
      medicationRequests: [medicationRequest(rxConcept('310429', 'furosemide 20 MG Oral Tablet'))],
      observations: [lowPotassium()],
    });
    expect(result.linked).toEqual([expect.objectContaining({ linkId: 'potassium-loss', ruleIds: ['diuretic', 'low-potassium'] })]);
  });
});

describe('reported-cramp-medication', () => {
  it.each([
    ['Venofer (iron sucrose) 20 MG/ML injection', 'intravenous iron sucrose'],
    ['iron sucrose 100 mg in 100 mL NS IV', 'intravenous iron sucrose'],
    ['Premarin 0.625 MG Oral Tablet', 'conjugated estrogens'],
    ['Prempro 0.625/2.5 MG Oral Tablet', 'conjugated estrogens'],
    ['Duavee (conjugated estrogens / bazedoxifene) 0.45/20 mg', 'conjugated estrogens'],
    ['estrogens, conjugated (USP) 0.625 MG Oral Tablet', 'conjugated estrogens'],
    ['Evista 60 mg tablet', 'raloxifene'],
    ['raloxifene hydrochloride 60 MG Oral Tablet', 'raloxifene'],
    ['Aleve 220 mg tablet', 'naproxen'],
    ['Naprosyn 500 mg tablet', 'naproxen'],
    ['Vimovo (naproxen / esomeprazole) 500/20 mg', 'naproxen'],
    ['Forteo 20 mcg/dose pen injector', 'teriparatide'],
  ])('fires by name on %p and names %s', (text, label) => {
    const finding = findingFor({ medicationRequests: [medicationRequest(rxConcept(undefined, text))] }, 'reported-cramp-medication');
    expect(finding).toMatchObject({ matchedBy: 'name', level: 'moderate' });
    expect(finding?.evidence[0]?.notes).toEqual([`Named in the reports: ${label}.`]);
  });

  it('fires by code on naproxen sodium 220 MG (RxNorm 849574) and names naproxen', () => {
    const finding = findingFor(
      { medicationRequests: [medicationRequest(rxConcept('849574', 'Naproxen sodium 220 MG Oral Tablet'))] },
      'reported-cramp-medication',
    );
    expect(finding?.matchedBy).toBe('code');
    expect(finding?.evidence[0]?.notes).toEqual(['Named in the reports: naproxen.']);
  });

  it('names each drug on its own record when several are current', () => {
    const finding = findingFor(
      {
        medicationRequests: [
          medicationRequest(rxConcept(undefined, 'Evista 60 mg tablet')),
          medicationRequest(rxConcept('849574', 'Naproxen sodium 220 MG Oral Tablet')),
        ],
      },
      'reported-cramp-medication',
    );
    expect(finding?.evidence.map((e) => e.notes)).toEqual([['Named in the reports: raloxifene.'], ['Named in the reports: naproxen.']]);
  });

  it.each([
    ['ibuprofen', rxConcept('197806', 'Ibuprofen 600 MG Oral Tablet')],
    ['celecoxib', rxConcept(undefined, 'celecoxib 200 MG Oral Capsule')],
    ['meloxicam', rxConcept(undefined, 'Meloxicam 15 MG Oral Tablet')],
    ['estradiol', rxConcept(undefined, 'Estradiol 1 MG Oral Tablet')],
    ['esterified estrogens', rxConcept(undefined, 'Esterified estrogens 0.625 MG Oral Tablet (Menest)')],
    ['ferrous sulfate (RxNorm 310325)', rxConcept('310325', 'ferrous sulfate 325 MG Oral Tablet')],
    ['oral iron', rxConcept(undefined, 'Ferrous gluconate 324 mg oral tablet (oral iron)')],
  ])('does not fire on %s', (_label, concept) => {
    expect(firedOnOrder(concept)).toEqual([]);
  });
});

describe('quinine', () => {
  it.each([
    ['quinine sulfate text', rxConcept(undefined, 'Quinine Sulfate 324 MG Oral Capsule'), 'name'],
    ['Qualaquin', rxConcept(undefined, 'Qualaquin 324 mg capsule'), 'name'],
    ['RxNorm 9071', rxConcept('9071', 'quinine'), 'code'],
  ])('fires on %s as a safety finding', (_label, concept, matchedBy) => {
    const result = run({ medicationRequests: [medicationRequest(concept)] });
    expect(result.findings.map((f) => f.ruleId)).toEqual(['quinine']);
    expect(result.findings[0]).toMatchObject({ level: 'safety', matchedBy });
  });

  it('sorts first, before strong findings (pregnancy, LABA) and others', () => {
    const result = run({
      patient: patient({ birthDate: '1994-05-10' }),
      medicationRequests: [
        medicationRequest(rxConcept(undefined, 'Advair Diskus 250/50')),
        medicationRequest(rxConcept('310429', 'furosemide 20 MG Oral Tablet')),
        medicationRequest(rxConcept(undefined, 'Qualaquin 324 mg capsule')),
      ],
      conditions: [condition([sct('77386006', 'Pregnancy')], { onsetDateTime: daysAgo(140) })],
    });
    const ids = result.findings.map((f) => f.ruleId);
    expect(ids[0]).toBe('quinine');
    expect(ids).toEqual(expect.arrayContaining(['pregnancy', 'long-acting-beta-agonist', 'diuretic']));
    expect(ids.indexOf('pregnancy')).toBeLessThan(ids.indexOf('diuretic'));
  });

  it.each(['Tonic water', 'Tonic water with quinine, 8 oz at bedtime', 'No quinine'])(
    'does not fire on a statement of %p',
    (text) => {
      const statement = medicationStatement({ medicationCodeableConcept: rxConcept(undefined, text) });
      expect(fired({ medicationStatements: [statement] })).toEqual([]);
    },
  );

  // names.ts only looks for a negation BEFORE the name in its clause; "quinine: not taking" puts
  // the negation after it (in a clause of its own), so the engine reads it as current quinine.
  it.each(['quinine: not taking', 'Quinine sulfate - discontinued', 'quinine (not taking)'])('does not fire on "%s" (a status after the name)', (text) => {
    expect(fired({ medicationStatements: [medicationStatement({ medicationCodeableConcept: rxConcept(undefined, text) })] })).toEqual([]);
  });

  it('still fires when the words after the name do not deny it: "quinine sulfate 324 mg, taking at bedtime"', () => {
    const statement = medicationStatement({ medicationCodeableConcept: rxConcept(undefined, 'quinine sulfate 324 mg, taking at bedtime') });
    expect(fired({ medicationStatements: [statement] })).toEqual(['quinine']);
  });

  it('does not fire on "quinine: not taking" (a post-posed negation)', () => {
    const statement = medicationStatement({ medicationCodeableConcept: rxConcept(undefined, 'quinine: not taking') });
    expect(fired({ medicationStatements: [statement] })).toEqual([]);
  });

  it('does not fire on quinidine', () => {
    expect(firedOnOrder(rxConcept(undefined, 'Quinidine sulfate 200 MG Oral Tablet'))).toEqual([]);
  });
});

describe('hypothyroidism', () => {
  const hypo = sct('83664006', 'Idiopathic atrophic hypothyroidism');
  const NOTE = 'No TSH result in the last 365 days.';

  it.each(['3016-3', '11580-8'])('fires on a TSH (%s) above its reference-range high, with the Observation as evidence', (loinc) => {
    const obs = lab(loinc, 4.2, 'm[IU]/L', {
      referenceRange: [{ low: { value: 0.4, unit: 'mIU/L', system: 'http://unitsofmeasure.org', code: 'm[IU]/L' }, high: { value: 4.0, unit: 'mIU/L', system: 'http://unitsofmeasure.org', code: 'm[IU]/L' } }],
    });
    const result = run({ observations: [obs] });
    expect(result.findings.map((f) => f.ruleId)).toEqual(['hypothyroidism']);
    expect(result.findings[0]?.level).toBe('weak');
    expect(result.findings[0]?.evidence).toEqual([
      expect.objectContaining({ reference: `Observation/${obs.id}`, resourceType: 'Observation', limitSource: 'reference range' }),
    ]);
  });

  it('uses the default upper limit 4.5 when there is no range: 4.6 fires, exactly 4.5 does not', () => {
    const result = run({ observations: [lab('3016-3', 4.6, 'm[IU]/L')] });
    expect(result.findings.map((f) => f.ruleId)).toEqual(['hypothyroidism']);
    expect(result.findings[0]?.evidence[0]?.limitSource).toBe('default');
    expect(fired({ observations: [lab('3016-3', 4.5, 'm[IU]/L')] })).toEqual([]);
    expect(fired({ observations: [lab('3016-3', 2.1, 'm[IU]/L')] })).toEqual([]);
  });

  it.each([
    ['UCUM m[IU]/L', (v: number) => lab('3016-3', v, 'm[IU]/L')],
    ['UCUM u[IU]/mL', (v: number) => lab('3016-3', v, 'u[IU]/mL')],
    ['text mIU/L', (v: number) => textUnitLab('3016-3', v, 'mIU/L')],
    ['text uIU/mL', (v: number) => textUnitLab('3016-3', v, 'uIU/mL')],
    ['text µIU/mL', (v: number) => textUnitLab('3016-3', v, 'µIU/mL')],
  ])('reads %s as the same scale: 6.0 fires, 4.4 does not', (_label, make) => {
    expect(fired({ observations: [make(6.0)] })).toEqual(['hypothyroidism']);
    expect(fired({ observations: [make(4.4)] })).toEqual([]);
  });

  it('an unconvertible unit (ng/mL) gives a note, does not fire, and does not count as a result', () => {
    const obs = lab('3016-3', 9.0, 'ng/mL');
    const alone = run({ observations: [obs] });
    expect(alone.findings).toEqual([]);
    expect(alone.resultNotes).toEqual([expect.objectContaining({ analyte: 'tsh', reference: `Observation/${obs.id}` })]);
    const withCondition = run({ observations: [obs], conditions: [condition([hypo])] });
    const finding = withCondition.findings.find((f) => f.ruleId === 'hypothyroidism');
    expect(finding?.evidence).toEqual([expect.objectContaining({ resourceType: 'Condition', notes: [NOTE] })]);
  });

  it.each([
    sct('83664006', 'Idiopathic atrophic hypothyroidism'),
    sct('40930008', 'Hypothyroidism'),
    icd('E03.9', 'Hypothyroidism, unspecified'),
    icd('E89.0', 'Postprocedural hypothyroidism'),
    icd('E02', 'Subclinical iodine-deficiency hypothyroidism'),
  ])('a current condition $code with no TSH in 365 days fires with the "no recent TSH" note', (code) => {
    const cond = condition([code], { onsetDateTime: daysAgo(3000) });
    const finding = findingFor({ conditions: [cond] }, 'hypothyroidism');
    expect(finding).toMatchObject({ matchedBy: 'code', group: 'conditions' });
    expect(finding?.evidence).toEqual([expect.objectContaining({ reference: `Condition/${cond.id}`, notes: [NOTE] })]);
  });

  it('a condition with a TSH in range within 365 days does not fire (treated)', () => {
    expect(fired({ conditions: [condition([hypo])], observations: [lab('3016-3', 2.3, 'm[IU]/L', { effectiveDateTime: daysAgo(100) })] })).toEqual([]);
  });

  it('a condition with a high TSH within 365 days fires on the TSH, not the condition note', () => {
    const obs = lab('11580-8', 8.0, 'm[IU]/L', { effectiveDateTime: daysAgo(30) });
    const finding = findingFor({ conditions: [condition([hypo])], observations: [obs] }, 'hypothyroidism');
    expect(finding?.evidence).toEqual([expect.objectContaining({ reference: `Observation/${obs.id}` })]);
  });

  it('a condition with only a stale TSH (400 days) fires with the note, and the TSH is listed as stale', () => {
    const obs = lab('3016-3', 2.0, 'm[IU]/L', { effectiveDateTime: daysAgo(400) });
    const result = run({ conditions: [condition([hypo])], observations: [obs] });
    const finding = result.findings.find((f) => f.ruleId === 'hypothyroidism');
    expect(finding?.evidence).toEqual([expect.objectContaining({ resourceType: 'Condition', notes: [NOTE] })]);
    expect(result.stale).toEqual([expect.objectContaining({ analyte: 'tsh', reference: `Observation/${obs.id}` })]);
  });

  it('a stale high TSH alone does not fire', () => {
    expect(fired({ observations: [lab('3016-3', 12, 'm[IU]/L', { effectiveDateTime: daysAgo(400) })] })).toEqual([]);
  });

  it.each([
    ['ICD-10-CM E05.90', icd('E05.90', 'Thyrotoxicosis, unspecified without thyrotoxic crisis or storm')],
    ['SNOMED 34486009', sct('34486009', 'Hyperthyroidism')],
    ['a thyroid nodule (E04.1)', icd('E04.1', 'Nontoxic single thyroid nodule')],
  ])('never fires on %s', (_label, code) => {
    expect(fired({ conditions: [condition([code])] })).toEqual([]);
  });

  it('does not fire on an uncoded "thyroid nodule" or on hyperthyroidism text', () => {
    const nodule: fhir4.Condition = { ...condition([]), code: { text: 'Thyroid nodule, left lobe' } };
    const hyper: fhir4.Condition = { ...condition([]), code: { text: 'Hyperthyroidism' } };
    expect(fired({ conditions: [nodule, hyper] })).toEqual([]);
  });

  it('does not fire on a resolved (abated) hypothyroidism condition', () => {
    const resolved = condition([icd('E03.9', 'Hypothyroidism, unspecified')], {
      clinicalStatus: clinical('resolved'),
      abatementDateTime: daysAgo(200),
    });
    expect(fired({ conditions: [resolved] })).toEqual([]);
  });
});

describe('low-calcium', () => {
  const NOT_CORRECTED = /not corrected for albumin/;

  it.each([
    ['1994-3 (blood)', '1994-3', 1.05],
    ['1995-0 (serum/plasma)', '1995-0', 1.0],
  ])('fires on an ionized calcium %s below 1.12 mmol/L, without the total-calcium note', (_label, loinc, value) => {
    const obs = lab(loinc, value, 'mmol/L');
    const finding = findingFor({ observations: [obs] }, 'low-calcium');
    expect(finding).toMatchObject({ level: 'weak', group: 'labs' });
    expect(finding?.evidence).toEqual([expect.objectContaining({ reference: `Observation/${obs.id}`, limitSource: 'default' })]);
    expect((finding?.evidence[0]?.notes ?? []).join(' ')).not.toMatch(NOT_CORRECTED);
  });

  it('does not fire on a normal ionized calcium (1.15 mmol/L), nor at exactly 1.12', () => {
    expect(fired({ observations: [lab('1995-0', 1.15, 'mmol/L')] })).toEqual([]);
    expect(fired({ observations: [lab('1995-0', 1.12, 'mmol/L')] })).toEqual([]);
  });

  it('converts an ionized calcium in mg/dL: 4.2 mg/dL (1.048 mmol/L) fires, 4.6 mg/dL (1.148) does not', () => {
    const finding = findingFor({ observations: [lab('1994-3', 4.2, 'mg/dL')] }, 'low-calcium');
    expect(finding?.evidence[0]?.convertedValue).toBe('1.05 mmol/L');
    expect(fired({ observations: [lab('1994-3', 4.6, 'mg/dL')] })).toEqual([]);
  });

  it('a normal ionized calcium within 365 days decides over a low total calcium', () => {
    expect(
      fired({
        observations: [
          lab('1995-0', 1.2, 'mmol/L', { effectiveDateTime: daysAgo(60) }),
          lab('17861-6', 7.9, 'mg/dL', { effectiveDateTime: daysAgo(5) }),
        ],
      }),
    ).toEqual([]);
  });

  it.each([
    ['17861-6 (serum/plasma)', '17861-6'],
    ['49765-1 (blood)', '49765-1'],
  ])('with no ionized result, a total calcium %s below 8.5 mg/dL fires with the albumin note', (_label, loinc) => {
    const obs = lab(loinc, 8.1, 'mg/dL');
    const finding = findingFor({ observations: [obs] }, 'low-calcium');
    expect(finding?.evidence).toEqual([expect.objectContaining({ reference: `Observation/${obs.id}` })]);
    expect(finding?.evidence[0]?.notes).toEqual(expect.arrayContaining([expect.stringMatching(NOT_CORRECTED)]));
  });

  it('with only an ionized result older than 365 days, the latest total calcium decides', () => {
    const total = lab('17861-6', 8.0, 'mg/dL', { effectiveDateTime: daysAgo(20) });
    const result = run({ observations: [lab('1995-0', 1.25, 'mmol/L', { effectiveDateTime: daysAgo(500) }), total] });
    const finding = result.findings.find((f) => f.ruleId === 'low-calcium');
    expect(finding?.evidence).toEqual([expect.objectContaining({ reference: `Observation/${total.id}` })]);
    expect(finding?.evidence[0]?.notes).toEqual(expect.arrayContaining([expect.stringMatching(NOT_CORRECTED)]));
    expect(result.stale).toEqual([expect.objectContaining({ analyte: 'ionized-calcium' })]);
  });

  it('only the latest total calcium decides', () => {
    expect(
      fired({
        observations: [
          lab('17861-6', 7.8, 'mg/dL', { effectiveDateTime: daysAgo(90) }),
          lab('17861-6', 9.2, 'mg/dL', { effectiveDateTime: daysAgo(10) }),
        ],
      }),
    ).toEqual([]);
  });

  it('converts a total calcium in mmol/L: 2.0 mmol/L (8.016 mg/dL) fires, 2.2 mmol/L (8.82) does not', () => {
    const finding = findingFor({ observations: [lab('17861-6', 2.0, 'mmol/L')] }, 'low-calcium');
    expect(finding?.evidence[0]?.convertedValue).toBe('8.02 mg/dL');
    expect(fired({ observations: [lab('17861-6', 2.2, 'mmol/L')] })).toEqual([]);
  });

  it('an ionized result in an unconvertible unit gets a note, and the total-calcium branch applies', () => {
    const ionized = lab('1995-0', 1.3, 'U/L', { effectiveDateTime: daysAgo(3) });
    const total = lab('17861-6', 8.0, 'mg/dL', { effectiveDateTime: daysAgo(30) });
    const result = run({ observations: [ionized, total] });
    expect(result.resultNotes).toEqual([expect.objectContaining({ analyte: 'ionized-calcium', reference: `Observation/${ionized.id}` })]);
    const finding = result.findings.find((f) => f.ruleId === 'low-calcium');
    expect(finding?.evidence).toEqual([expect.objectContaining({ reference: `Observation/${total.id}` })]);
  });

  it.each([
    ['17862-4 (urine, mass/volume)', lab('17862-4', 2.0, 'mg/dL')],
    ['6874-2 (24 h urine, mass/time)', lab('6874-2', 40, 'mg/(24.h)')],
  ])('never reads urine calcium %s', (_label, obs) => {
    const result = run({ observations: [obs] });
    expect(result.findings).toEqual([]);
    expect(result.unmeasured).toContain('calcium');
  });

  it('uses the result\'s reference-range low when present', () => {
    const range = (low: number, unit: string) => [{ low: { value: low, unit, system: 'http://unitsofmeasure.org', code: unit } }];
    // 8.3 mg/dL is below the default 8.5 but above this laboratory's 8.2.
    expect(fired({ observations: [lab('17861-6', 8.3, 'mg/dL', { referenceRange: range(8.2, 'mg/dL') })] })).toEqual([]);
    // 8.6 mg/dL is above the default but below this laboratory's 8.8.
    const high = findingFor({ observations: [lab('17861-6', 8.6, 'mg/dL', { referenceRange: range(8.8, 'mg/dL') })] }, 'low-calcium');
    expect(high?.evidence[0]).toMatchObject({ limitSource: 'reference range', limit: 'lower limit 8.8 mg/dL' });
    // Ionized: 1.10 mmol/L against a range low of 1.05.
    expect(fired({ observations: [lab('1995-0', 1.1, 'mmol/L', { referenceRange: range(1.05, 'mmol/L') })] })).toEqual([]);
  });
});

describe('evidence on each finding', () => {
  const everything: DataParts = {
    patient: patient({ birthDate: '1994-05-10' }),
    medicationRequests: [
      medicationRequest(rxConcept(undefined, 'Qualaquin 324 mg capsule')),
      medicationRequest(rxConcept(undefined, 'Advair Diskus 250/50')),
      medicationRequest(rxConcept('313096', 'spironolactone 25 MG Oral Tablet')),
      medicationRequest(rxConcept(undefined, 'Evista 60 mg tablet')),
      medicationRequest(rxConcept('310429', 'furosemide 20 MG Oral Tablet')),
      medicationRequest(rxConcept('197361', 'Amlodipine 5 MG Oral Tablet')),
    ],
    conditions: [
      condition([sct('77386006', 'Pregnancy')], { onsetDateTime: daysAgo(140) }),
      condition([icd('K76.0', 'Fatty (change of) liver, not elsewhere classified')]),
      condition([icd('E03.9', 'Hypothyroidism, unspecified')]),
    ],
    observations: [lowPotassium(), lab('17861-6', 8.0, 'mg/dL')],
  };

  it('every finding has a level, references, and a first reference with an https url (except the article)', () => {
    const result = run(everything);
    expect(result.findings.length).toBeGreaterThanOrEqual(10);
    for (const finding of result.findings) {
      expect(LEVEL_ORDER).toContain(finding.level);
      expect(finding.references.length).toBeGreaterThan(0);
      const first = finding.references[0];
      if (first?.id !== 'article') expect(first?.url).toMatch(/^https:\/\//);
    }
  });

  it('gives the section-5 rules their EVIDENCE levels and references', () => {
    const byId = new Map(run(everything).findings.map((f) => [f.ruleId, f] as const));
    expect(byId.get('quinine')?.references.map((r) => r.id)).toEqual(['R3', 'R10', 'R1']);
    expect(byId.get('long-acting-beta-agonist')).toMatchObject({ level: 'strong', references: [expect.objectContaining({ id: 'R2' })] });
    expect(byId.get('potassium-sparing-diuretic')).toMatchObject({ level: 'strong', references: [expect.objectContaining({ id: 'R2' })] });
    expect(byId.get('reported-cramp-medication')).toMatchObject({ level: 'moderate', references: [expect.objectContaining({ id: 'R1' })] });
    expect(byId.get('hypothyroidism')?.level).toBe('weak');
    expect(byId.get('low-calcium')?.level).toBe('weak');
  });

  const ccb = (...texts: [string | undefined, string][]) =>
    findingFor({ medicationRequests: texts.map(([code, text]) => medicationRequest(rxConcept(code, text))) }, 'calcium-channel-blocker')?.caveat ?? '';

  it.each([
    ['diltiazem', [[undefined, 'Diltiazem 120 MG Extended Release Oral Capsule']]],
    ['verapamil', [['897718', 'Verapamil Hydrochloride 40 MG']]],
    ['diltiazem and verapamil', [[undefined, 'Cardizem CD 180 mg capsule'], [undefined, 'Calan SR 240 mg tablet']]],
  ] as [string, [string | undefined, string][]][])('the CCB caveat for %s only says the association is doubtful', (_label, meds) => {
    const caveat = ccb(...meds);
    expect(caveat).toMatch(/diltiazem/i);
    expect(caveat).toMatch(/doubtful/);
  });

  it.each([
    ['amlodipine', [['197361', 'Amlodipine 5 MG Oral Tablet']]],
    ['amlodipine and verapamil', [['197361', 'Amlodipine 5 MG Oral Tablet'], ['897718', 'Verapamil Hydrochloride 40 MG']]],
  ] as [string, [string | undefined, string][]][])('the general CCB caveat (dihydropyridines) applies to %s', (_label, meds) => {
    const caveat = ccb(...meds);
    expect(caveat).toMatch(/dihydropyridines/);
    expect(caveat).not.toMatch(/doubtful/);
  });

  const diureticCaveat = (...concepts: fhir4.CodeableConcept[]) =>
    findingFor({ medicationRequests: concepts.map((c) => medicationRequest(c)) }, 'diuretic')?.caveat ?? '';
  const furosemide = rxConcept('310429', 'furosemide 20 MG Oral Tablet');
  const hctz = rxConcept('316049', 'Hydrochlorothiazide 25 MG');

  it('furosemide only gets the loop-diuretic caveat (ASR 1.20)', () => {
    const caveat = diureticCaveat(furosemide);
    expect(caveat).toMatch(/Loop diuretics/);
    expect(caveat).toMatch(/1\.20/);
    expect(caveat).not.toMatch(/1\.48/);
  });

  it('HCTZ, alone or with furosemide, gets the thiazide caveat (ASR 1.48)', () => {
    for (const caveat of [diureticCaveat(hctz), diureticCaveat(furosemide, hctz)]) {
      expect(caveat).toMatch(/1\.48/);
      expect(caveat).not.toMatch(/Loop diuretics/);
    }
  });

  const liverCaveat = (code: C) => findingFor({ conditions: [condition([code])] }, 'liver-disease')?.caveat ?? '';

  it.each([
    icd('K70.30', 'Alcoholic cirrhosis of liver without ascites'),
    sct('19943007', 'Cirrhosis of liver'),
  ])('cirrhosis ($code) gets the cirrhosis caveat', (code) => {
    const caveat = liverCaveat(code);
    expect(caveat).toMatch(/About 60%/);
    expect(caveat).not.toMatch(/less established/);
  });

  it.each([
    icd('K76.0', 'Fatty (change of) liver, not elsewhere classified'),
    icd('B18.2', 'Chronic viral hepatitis C'),
  ])('non-cirrhotic liver disease ($code) gets the "less established" caveat', (code) => {
    const caveat = liverCaveat(code);
    expect(caveat).toMatch(/less established/);
    expect(caveat).not.toMatch(/About 60%/);
  });
});

describe('ordering', () => {
  it('orders findings safety, strong, moderate, weak', () => {
    const result = run({
      patient: patient({ birthDate: '1994-05-10' }),
      medicationRequests: [
        medicationRequest(rxConcept('197361', 'Amlodipine 5 MG Oral Tablet')), // weak
        medicationRequest(rxConcept('310429', 'furosemide 20 MG Oral Tablet')), // moderate
        medicationRequest(rxConcept(undefined, 'Symbicort 160/4.5')), // strong
        medicationRequest(rxConcept('9071', 'quinine')), // safety
      ],
      conditions: [condition([sct('77386006', 'Pregnancy')], { onsetDateTime: daysAgo(140) })], // strong
      observations: [lowPotassium()], // weak
    });
    const levels = result.findings.map((f) => f.level);
    expect(levels).toEqual(['safety', 'strong', 'strong', 'moderate', 'weak', 'weak']);
    expect(result.findings.map((f) => f.ruleId)).toEqual([
      'quinine',
      'long-acting-beta-agonist',
      'pregnancy',
      'diuretic',
      'calcium-channel-blocker',
      'low-potassium',
    ]);
  });
});
