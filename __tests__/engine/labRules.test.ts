import { evaluate } from '../../lib/engine/evaluate';
import { knowledge } from '../../lib/knowledge';
import { serverUnitConverter } from '../../lib/terminology/ucumNode';
import { daysAgo, data, lab, medicationRequest, NOW, rxConcept, condition } from '../helpers/fhir';

const run = (observations: fhir4.Observation[], units = serverUnitConverter()) =>
  evaluate(knowledge(), data({ observations }), NOW, { units });
const fired = (observations: fhir4.Observation[]) => run(observations).findings.map((f) => f.ruleId);

describe('lab rules', () => {
  it.each([
    ['low-potassium', lab('2823-3', 3.1, 'mmol/L')],
    ['low-potassium', lab('6298-4', 3.2, 'mmol/L')],
    ['low-potassium', lab('2823-3', 3.0, 'meq/L')],
    ['low-potassium', { ...lab('2823-3', 3.0, 'mEq/L'), valueQuantity: { value: 3.0, unit: 'mEq/L' } }],
    ['low-sodium', lab('2951-2', 131, 'mmol/L')],
    ['low-sodium', lab('2947-0', 129, 'mmol/L')],
    ['high-sodium', lab('2951-2', 149, 'mmol/L')],
    ['low-magnesium', lab('19123-9', 1.4, 'mg/dL')],
    ['low-magnesium', lab('2601-3', 0.6, 'mmol/L')],
    ['low-magnesium', lab('19123-9', 1.2, 'meq/L')],
  ])('%s fires on %p', (ruleId, obs) => {
    expect(fired([obs])).toEqual([ruleId]);
  });

  it.each([
    ['a normal potassium', lab('2823-3', 4.1, 'mmol/L')],
    ['potassium exactly at the limit', lab('2823-3', 3.5, 'mmol/L')],
    ['a normal sodium', lab('2951-2', 140, 'mmol/L')],
    ['magnesium 0.75 mmol/L (1.82 mg/dL)', lab('2601-3', 0.75, 'mmol/L')],
    ['magnesium 1.8 mg/dL', lab('19123-9', 1.8, 'mg/dL')],
    ['a urine potassium (not a serum code)', lab('2828-2', 20, 'mmol/L')],
    ['a cancelled low potassium', lab('2823-3', 2.9, 'mmol/L', { status: 'cancelled' })],
    ['an entered-in-error low potassium', lab('2823-3', 2.9, 'mmol/L', { status: 'entered-in-error' })],
    ['a registered (not yet resulted) potassium', lab('2823-3', 2.9, 'mmol/L', { status: 'registered' })],
  ])('nothing fires on %s', (_label, obs) => {
    expect(fired([obs])).toEqual([]);
  });

  it('uses only the latest result: an old low followed by a normal one gives nothing', () => {
    expect(fired([lab('2823-3', 3.0, 'mmol/L', { effectiveDateTime: daysAgo(40) }), lab('2823-3', 4.0, 'mmol/L', { effectiveDateTime: daysAgo(5) })])).toEqual([]);
  });

  it('uses the latest result across the analyte\'s codes (blood and serum potassium)', () => {
    expect(fired([lab('2823-3', 4.0, 'mmol/L', { effectiveDateTime: daysAgo(40) }), lab('6298-4', 3.0, 'mmol/L', { effectiveDateTime: daysAgo(5) })])).toEqual(['low-potassium']);
  });

  it('dates a result by effectivePeriod.start, else issued', () => {
    const byPeriod = lab('2823-3', 3.0, 'mmol/L', { effectiveDateTime: undefined, effectivePeriod: { start: daysAgo(3) } });
    const byIssued = lab('2823-3', 4.5, 'mmol/L', { effectiveDateTime: undefined, issued: daysAgo(20) });
    expect(fired([byIssued, byPeriod])).toEqual(['low-potassium']);
  });

  it('lists a low result older than 365 days under "no recent result" and does not fire', () => {
    const result = run([lab('2823-3', 2.8, 'mmol/L', { effectiveDateTime: daysAgo(400) })]);
    expect(result.findings).toEqual([]);
    expect(result.stale).toEqual([expect.objectContaining({ analyte: 'potassium', value: '2.8 mmol/L' })]);
  });

  it('ignores results dated after now', () => {
    expect(fired([lab('2823-3', 2.8, 'mmol/L', { effectiveDateTime: '2027-01-01T00:00:00Z' })])).toEqual([]);
  });

  it('prefers the result\'s own reference range and says so', () => {
    const obs = lab('2823-3', 3.6, 'mmol/L', { referenceRange: [{ low: { value: 3.7, unit: 'mmol/L', code: 'mmol/L' } }] });
    const finding = run([obs]).findings[0];
    expect(finding?.ruleId).toBe('low-potassium');
    expect(finding?.evidence[0]).toEqual(
      expect.objectContaining({ value: '3.6 mmol/L', limit: 'lower limit 3.7 mmol/L', limitSource: 'reference range' }),
    );
  });

  it('does not fire when the reference range is lower than the default', () => {
    expect(fired([lab('2823-3', 3.4, 'mmol/L', { referenceRange: [{ low: { value: 3.3 } }] })])).toEqual([]);
  });

  it('converts a reference range written in other units', () => {
    const obs = lab('2601-3', 0.68, 'mmol/L', { referenceRange: [{ low: { value: 1.6, unit: 'mg/dL', code: 'mg/dL' } }] });
    // 0.68 mmol/L = 1.65 mg/dL, just above a 1.6 mg/dL range limit.
    expect(fired([obs])).toEqual([]);
  });

  it('shows the default limit when the result has no range', () => {
    const finding = run([lab('19123-9', 1.5, 'mg/dL')]).findings[0];
    expect(finding?.evidence[0]).toEqual(expect.objectContaining({ limit: 'lower limit 1.7 mg/dL', limitSource: 'default' }));
  });

  it('shows the converted value when the result is in another unit', () => {
    const finding = run([lab('2601-3', 0.6, 'mmol/L')]).findings[0];
    expect(finding?.evidence[0]).toEqual(expect.objectContaining({ value: '0.6 mmol/L', convertedValue: '1.46 mg/dL' }));
  });

  it.each([
    ['<2.5 fires (below a 3.5 limit)', '<', 2.5, true],
    ['<3.5 fires (strictly below the limit)', '<', 3.5, true],
    ['<4.0 does not fire (it may be normal)', '<', 4.0, false],
    ['>3.0 does not fire as low', '>', 3.0, false],
  ])('comparator %s', (_label, comparator, value, fires) => {
    const obs = lab('2823-3', value, 'mmol/L');
    obs.valueQuantity = { ...obs.valueQuantity, comparator: comparator as '<' | '>' };
    expect(fired([obs])).toEqual(fires ? ['low-potassium'] : []);
  });

  it.each([
    ['L', ['low-sodium']],
    ['LL', ['low-sodium']],
    ['H', ['high-sodium']],
    ['HH', ['high-sodium']],
    ['N', []],
  ])('with no numeric value, interpretation %s decides', (flag, expected) => {
    const obs = lab('2951-2', undefined, '', {
      interpretation: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code: flag }] }],
    });
    expect(fired([obs])).toEqual(expected);
  });

  it('does not guess an inconvertible unit and says so', () => {
    const result = run([lab('2823-3', 3.0, 'mg/kg')]);
    expect(result.findings).toEqual([]);
    expect(result.resultNotes).toEqual([
      expect.objectContaining({ analyte: 'potassium', message: expect.stringContaining('"mg/kg"') }),
    ]);
  });

  it('does not guess an unknown unit', () => {
    const result = run([lab('2823-3', 3.0, 'bananas')]);
    expect(result.findings).toEqual([]);
    expect(result.resultNotes).toHaveLength(1);
  });

  it('marks a preliminary result as such', () => {
    const finding = run([lab('2823-3', 3.0, 'mmol/L', { status: 'preliminary' })]).findings[0];
    expect(finding?.evidence[0]?.notes).toContain('Preliminary result.');
  });

  it('converts with the precomputed table alone for common units (no UCUM needed in the browser)', () => {
    const result = evaluate(knowledge(), data({ observations: [lab('2601-3', 0.6, 'mmol/L')] }), NOW);
    expect(result.findings.map((f) => f.ruleId)).toEqual(['low-magnesium']);
  });
});

describe('linked findings', () => {
  it('groups a diuretic with a low potassium as potassium loss, keeping both ids', () => {
    const result = evaluate(
      knowledge(),
      data({
        medicationRequests: [medicationRequest(rxConcept('316049', 'Hydrochlorothiazide 25 MG'))],
        observations: [lab('2823-3', 3.1, 'mmol/L')],
      }),
      NOW,
    );
    expect(result.findings.map((f) => f.ruleId)).toEqual(['diuretic', 'low-potassium']);
    expect(result.linked).toEqual([expect.objectContaining({ linkId: 'potassium-loss', ruleIds: ['diuretic', 'low-potassium'] })]);
  });

  it('groups diabetes with low magnesium and low sodium', () => {
    const result = evaluate(
      knowledge(),
      data({
        conditions: [condition([{ system: 'sct', code: '44054006', display: 'Diabetes' }])],
        observations: [lab('19123-9', 1.3, 'mg/dL'), lab('2951-2', 130, 'mmol/L')],
      }),
      NOW,
    );
    expect(result.linked).toEqual([
      expect.objectContaining({ linkId: 'diabetes-electrolytes', ruleIds: ['diabetes', 'low-sodium', 'low-magnesium'] }),
    ]);
  });

  it('does not link a diuretic when potassium is normal', () => {
    const result = evaluate(
      knowledge(),
      data({
        medicationRequests: [medicationRequest(rxConcept('316049', 'Hydrochlorothiazide 25 MG'))],
        observations: [lab('2823-3', 4.1, 'mmol/L')],
      }),
      NOW,
    );
    expect(result.linked).toEqual([]);
  });
});
