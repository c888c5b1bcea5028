// Name matching (brands, abbreviations, negation, supplies), mechanism links and trends.
import { evaluate } from '../../lib/engine/evaluate';
import { findName, isNegatedAt, wordMatcher } from '../../lib/terminology/names';
import { knowledge } from '../../lib/knowledge';
import { condition, daysAgo, data, lab, medicationRequest, medicationStatement, NOW, rxConcept, type DataParts } from '../helpers/fhir';

const run = (parts: DataParts) => evaluate(knowledge(), data(parts), NOW);
const byName = (text: string) =>
  run({ medicationRequests: [medicationRequest(rxConcept(undefined, text))] }).findings.map((f) => [f.ruleId, f.matchedBy]);

describe('medication names', () => {
  it.each([
    ['Norvasc 5 mg tablet', 'calcium-channel-blocker'],
    ['Cardizem CD 180 mg', 'calcium-channel-blocker'],
    ['Exforge 5/160', 'calcium-channel-blocker'],
    ['Lasix 40mg', 'diuretic'],
    ['HCTZ 25 mg', 'diuretic'],
    ['lisinopril/HCTZ 20-12.5', 'diuretic'],
    ['Lantus SoloStar', 'insulin'],
    ['Humalog KwikPen', 'insulin'],
    ['insulin glargine 100 unit/mL pen', 'insulin'],
  ])('"%s" fires %s by name', (text, ruleId) => {
    expect(byName(text)).toEqual([[ruleId, 'name']]);
  });

  it.each([
    ['No insulin', 'a negation before the name'],
    ['Patient not on insulin', 'a negation earlier in the clause'],
    ['Insulin pump supplies', 'a supply named after the drug'],
    ['BD insulin syringes 0.5 mL', 'syringes'],
    ['Pen needles for insulin', 'pen needles'],
    ['Blood glucose test strips', 'no drug name at all'],
    ['Metformin 500 mg', 'another diabetes drug'],
  ])('"%s" does not fire (%s)', (text) => {
    expect(byName(text)).toEqual([]);
  });

  it('fires both diuretic rules on triamterene/HCTZ (Maxzide), strongest evidence first', () => {
    expect(byName('Maxzide')).toEqual([
      ['potassium-sparing-diuretic', 'name'],
      ['diuretic', 'name'],
    ]);
  });

  it('fires only the potassium-sparing rule on spironolactone alone', () => {
    expect(byName('Spironolactone 25 mg')).toEqual([['potassium-sparing-diuretic', 'name']]);
  });

  it('a code match wins over supply words in the text', () => {
    const result = run({
      medicationStatements: [medicationStatement({ medicationCodeableConcept: rxConcept('106892', 'insulin isophane human 70 UNT/ML / insulin regular human 30 UNT/ML pump supplies') })],
    });
    expect(result.findings.map((f) => [f.ruleId, f.matchedBy])).toEqual([['insulin', 'code']]);
  });
});

describe('negation', () => {
  it('looks only at the clause before the name', () => {
    const matcher = wordMatcher(['diabetes']);
    expect(findName(matcher, ['No retinopathy; diabetes type 2'])).toBe('diabetes');
    expect(findName(matcher, ['Diabetes without complication'])).toBe('Diabetes');
    expect(findName(matcher, ['Rule out diabetes'])).toBeUndefined();
    expect(findName(matcher, ['Negative for diabetes'])).toBeUndefined();
  });

  it('does not treat "not otherwise specified" as a negation', () => {
    const text = 'Alcohol dependence, not otherwise specified';
    expect(isNegatedAt('Disorder not otherwise specified alcohol dependence', 40)).toBe(false);
    expect(findName(wordMatcher(['alcohol dependence']), [text])).toBe('Alcohol dependence');
  });

  it('finds a later, affirmed mention after a negated one', () => {
    expect(findName(wordMatcher(['sciatica']), ['No sciatica on the left. Sciatica on the right'])).toBe('Sciatica');
  });
});

describe('mechanism links', () => {
  const hctz = () => medicationRequest(rxConcept('316049', 'Hydrochlorothiazide 25 MG Oral Tablet'));
  const diabetes = () => condition([{ system: 'sct', code: '44054006', display: 'Diabetes' }]);

  it('merges links that share a finding so each finding is shown once', () => {
    const result = run({
      medicationRequests: [hctz()],
      observations: [lab('2823-3', 3.1, 'mmol/L'), lab('2951-2', 131, 'mmol/L')],
    });
    expect(result.linked).toHaveLength(1);
    expect(result.linked[0]).toMatchObject({
      linkId: 'potassium-loss+diuretic-sodium',
      ruleIds: ['diuretic', 'low-potassium', 'low-sodium'],
    });
    expect(result.linked[0]?.sentence).toMatch(/^Diuretic \(water pill\) → low potassium: .* Diuretic \(water pill\) → low sodium: /);
  });

  it('ties a diuretic to a high sodium too', () => {
    const result = run({ medicationRequests: [hctz()], observations: [lab('2951-2', 149, 'mmol/L')] });
    expect(result.linked.map((l) => l.ruleIds)).toEqual([['diuretic', 'high-sodium']]);
  });

  it('joins diabetes and a diuretic through a shared low sodium into one group', () => {
    const result = run({ medicationRequests: [hctz()], conditions: [diabetes()], observations: [lab('2951-2', 130, 'mmol/L')] });
    expect(result.linked.map((l) => l.ruleIds)).toEqual([['diuretic', 'diabetes', 'low-sodium']]);
  });

  it('shows alcohol use and liver disease together, in either order of discovery', () => {
    const result = run({
      conditions: [
        condition([{ system: 'icd', code: 'K70.30', display: 'Alcoholic cirrhosis of liver without ascites' }]),
        condition([{ system: 'icd', code: 'F10.20', display: 'Alcohol dependence, uncomplicated' }]),
      ],
    });
    expect(result.linked).toEqual([
      expect.objectContaining({ linkId: 'alcohol-liver', ruleIds: ['liver-disease', 'alcohol-use'] }),
    ]);
    expect(result.linked[0]?.sentence).toMatch(/^Alcohol use disorder with liver disease: /);
  });

  it('does not link when only one side fired', () => {
    expect(run({ conditions: [diabetes()], observations: [lab('2951-2', 140, 'mmol/L')] }).linked).toEqual([]);
    expect(run({ conditions: [condition([{ system: 'icd', code: 'K74.60', display: 'Cirrhosis of liver' }])] }).linked).toEqual([]);
  });
});

describe('trends', () => {
  it('shows the last six potassium values within 2 years, oldest first, converted, with flags and limits', () => {
    const values = [4.6, 4.4, 4.1, 3.9, 3.6, 3.3, 3.1];
    const observations = values.map((v, i) => lab('2823-3', v, i === 6 ? 'meq/L' : 'mmol/L', { effectiveDateTime: daysAgo(300 - i * 40) }));
    const trend = run({ observations }).trends.find((t) => t.analyte === 'potassium');
    expect(trend?.points.map((p) => p.value)).toEqual([4.4, 4.1, 3.9, 3.6, 3.3, 3.1]);
    expect(trend?.points.map((p) => p.flag ?? '')).toEqual(['', '', '', '', 'low', 'low']);
    expect(trend).toMatchObject({ unit: 'mmol/L', low: 3.5, high: 5.1, omitted: 0 });
  });

  it('converts magnesium from mmol/L and leaves out results older than 2 years', () => {
    const observations = [
      lab('2601-3', 0.8, 'mmol/L', { effectiveDateTime: daysAgo(30) }),
      lab('19123-9', 1.5, 'mg/dL', { effectiveDateTime: daysAgo(800) }),
    ];
    const trend = run({ observations }).trends.find((t) => t.analyte === 'magnesium');
    expect(trend?.points).toHaveLength(1);
    expect(trend?.points[0]?.value).toBeCloseTo(1.94, 2);
  });

  it('counts, and does not plot, a value it cannot convert', () => {
    const observations = [lab('2951-2', 139, 'mmol/L', { effectiveDateTime: daysAgo(20) }), lab('2951-2', 140, 'furlongs')];
    const trend = run({ observations }).trends.find((t) => t.analyte === 'sodium');
    expect(trend?.points.map((p) => p.value)).toEqual([139]);
    expect(trend?.omitted).toBe(1);
  });

  it('has no trend for an analyte with no results, and none for glucose or BMI', () => {
    const trends = run({ observations: [lab('2345-7', 90, 'mg/dL'), lab('39156-5', 22, 'kg/m2')] }).trends;
    expect(trends).toEqual([]);
  });
});
