// Relevance (KNOWLEDGE section 6) and the section-4 output fields: the documented complaint,
// "verify, don't hide", "never measured is not normal", and the deceased date.
import { evaluate } from '../../lib/engine/evaluate';
import { knowledge } from '../../lib/knowledge';
import type { PatientData } from '../../lib/engine/types';
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
  verification,
  type DataParts,
} from '../helpers/fhir';

type C = { system: 'sct' | 'icd'; code: string; display: string };
const sct = (code: string, display: string): C => ({ system: 'sct', code, display });
const icd = (code: string, display: string): C => ({ system: 'icd', code, display });
const run = (parts: DataParts) => evaluate(knowledge(), data(parts), NOW);
const ICD9 = 'http://hl7.org/fhir/sid/icd-9-cm';
const SCT = 'http://snomed.info/sct';

/** A Condition with the given `code` (any systems, or text only), otherwise like the helper's. */
function conditionWithCode(code: fhir4.CodeableConcept, extra: Partial<fhir4.Condition> = {}): fhir4.Condition {
  return { ...condition([], extra), code };
}

describe('complaint', () => {
  it.each([
    ['ICD-10-CM G47.62', icd('G47.62', 'Sleep related leg cramps')],
    ['ICD-10-CM R25.2', icd('R25.2', 'Cramp and spasm')],
    ['ICD-10-CM M62.831', icd('M62.831', 'Muscle spasm of calf')],
    ['SNOMED 449918009', sct('449918009', 'Cramp in lower leg')],
  ])('is recorded from a current condition coded %s, with the Condition as evidence', (_label, code) => {
    const cond = condition([code]);
    const result = run({ conditions: [cond] });
    expect(result.complaint.recorded).toBe(true);
    expect(result.complaint.evidence).toEqual([
      expect.objectContaining({ reference: `Condition/${cond.id}`, resourceType: 'Condition', name: code.display, status: 'current' }),
    ]);
  });

  it.each([
    ['327.52', 'Sleep related leg cramps'],
    ['729.82', 'Cramp of limb'],
  ])('is recorded from ICD-9-CM %s', (code, display) => {
    const cond = conditionWithCode({ coding: [{ system: ICD9, code, display }], text: display });
    const result = run({ conditions: [cond] });
    expect(result.complaint).toEqual({ recorded: true, evidence: [expect.objectContaining({ reference: `Condition/${cond.id}` })] });
  });

  it.each(['Nocturnal leg cramps', 'Charley horse, left calf, wakes her at night'])('is recorded from the uncoded text %p', (text) => {
    const cond = conditionWithCode({ text });
    expect(run({ conditions: [cond] }).complaint).toEqual({
      recorded: true,
      evidence: [expect.objectContaining({ reference: `Condition/${cond.id}`, name: text })],
    });
  });

  it.each(['No leg cramps', 'Patient denies leg cramps'])('is not recorded from the negated text %p', (text) => {
    expect(run({ conditions: [conditionWithCode({ text })] }).complaint).toEqual({ recorded: false, evidence: [] });
  });

  it('codes decide when coded: an asthma condition whose text mentions leg cramps is not the complaint', () => {
    const asthma = conditionWithCode({
      coding: [{ system: SCT, code: '195967001', display: 'Asthma' }],
      text: 'Asthma; also reports leg cramps at night',
    });
    expect(run({ conditions: [asthma] }).complaint.recorded).toBe(false);
  });

  it('is not recorded from a complaint resolved long ago (onset 3 years, abated 2 years ago)', () => {
    const old = condition([icd('G47.62', 'Sleep related leg cramps')], {
      clinicalStatus: clinical('resolved'),
      onsetDateTime: daysAgo(3 * 365),
      abatementDateTime: daysAgo(2 * 365),
    });
    expect(run({ conditions: [old] }).complaint).toEqual({ recorded: false, evidence: [] });
  });

  it('is recorded from a resolved complaint whose onset lies within 365 days', () => {
    const recent = condition([icd('G47.62', 'Sleep related leg cramps')], {
      clinicalStatus: clinical('resolved'),
      onsetDateTime: daysAgo(200),
      abatementDateTime: daysAgo(100),
    });
    const result = run({ conditions: [recent] });
    expect(result.complaint.recorded).toBe(true);
    expect(result.complaint.evidence).toEqual([expect.objectContaining({ reference: `Condition/${recent.id}`, status: 'recent, not current' })]);
  });

  it.each(['refuted', 'entered-in-error'])('is not recorded from a %s complaint', (status) => {
    const cond = condition([icd('G47.62', 'Sleep related leg cramps')], { verificationStatus: verification(status), onsetDateTime: daysAgo(30) });
    expect(run({ conditions: [cond] }).complaint.recorded).toBe(false);
  });

  it('is never a finding', () => {
    const result = run({
      conditions: [
        condition([icd('G47.62', 'Sleep related leg cramps')]),
        condition([sct('449918009', 'Cramp in lower leg')]),
        conditionWithCode({ text: 'Nocturnal leg cramps' }),
      ],
    });
    expect(result.complaint.evidence).toHaveLength(3);
    expect(result.findings).toEqual([]);
    expect(result.findings.filter((f) => /cramp/i.test(f.ruleId))).toEqual([]);
  });

  it('is not recorded when nothing documents it', () => {
    expect(run({ conditions: [condition([icd('I10', 'Essential (primary) hypertension')])] }).complaint).toEqual({ recorded: false, evidence: [] });
  });
});

describe('verify', () => {
  const hctz = rxConcept('316049', 'Hydrochlorothiazide 25 MG');
  const diureticOf = (parts: DataParts) => run(parts).findings.find((f) => f.ruleId === 'diuretic');

  it('a still-active order authored 6 years ago stays, with a verify sentence', () => {
    const order = medicationRequest(hctz, { authoredOn: daysAgo(2200) });
    const finding = diureticOf({ medicationRequests: [order] });
    expect(finding).toBeDefined();
    expect(finding?.verify).toMatch(/^Last ordered \d{4}-\d{2}-\d{2}, 6 years ago: confirm it is still taken\.$/);
    expect(finding?.verify).toContain(daysAgo(2200).slice(0, 10));
  });

  it('an order authored 2 months ago has no verify', () => {
    const finding = diureticOf({ medicationRequests: [medicationRequest(hctz, { authoredOn: daysAgo(60) })] });
    expect(finding).toBeDefined();
    expect(finding?.verify).toBeUndefined();
  });

  it('a statement asserted 2 months ago, effective 5 years ago, is supported by its newest date: no verify', () => {
    const statement = medicationStatement({ medicationCodeableConcept: hctz }, { effectiveDateTime: daysAgo(5 * 365), dateAsserted: daysAgo(60) });
    const finding = diureticOf({ medicationStatements: [statement] });
    expect(finding).toBeDefined();
    expect(finding?.verify).toBeUndefined();
  });

  it('a statement effective 5 years ago with nothing newer is to verify ("recorded")', () => {
    const statement = medicationStatement({ medicationCodeableConcept: hctz }, { effectiveDateTime: daysAgo(5 * 365 + 3) });
    expect(diureticOf({ medicationStatements: [statement] })?.verify).toMatch(/^Last recorded \d{4}-\d{2}-\d{2}, 5 years ago: confirm it is still taken\.$/);
  });

  it('a record with no date at all is to verify: "No date recorded"', () => {
    const statement = medicationStatement({ medicationCodeableConcept: hctz }, { effectiveDateTime: undefined });
    expect(diureticOf({ medicationStatements: [statement] })?.verify).toBe('No date recorded: confirm it is still taken.');
    const order = medicationRequest(hctz, { authoredOn: undefined });
    expect(diureticOf({ medicationRequests: [order] })?.verify).toBe('No date recorded: confirm it is still taken.');
  });

  it('two orders of the same class, one old and one recent: no verify', () => {
    const finding = diureticOf({
      medicationRequests: [
        medicationRequest(hctz, { authoredOn: daysAgo(2200) }),
        medicationRequest(rxConcept('310429', 'furosemide 20 MG Oral Tablet'), { authoredOn: daysAgo(30) }),
      ],
    });
    expect(finding?.evidence).toHaveLength(2);
    expect(finding?.verify).toBeUndefined();
  });

  it('applies to the section-5 medication rules too (an old LABA order)', () => {
    const result = run({ medicationRequests: [medicationRequest(rxConcept(undefined, 'Advair Diskus 250/50'), { authoredOn: daysAgo(500) })] });
    expect(result.findings[0]).toMatchObject({ ruleId: 'long-acting-beta-agonist', verify: expect.stringMatching(/^Last ordered \d{4}-\d{2}-\d{2}, 16 months ago: /) });
  });

  it.each([
    ['peripheral-artery-disease', icd('I73.9', 'Peripheral vascular disease, unspecified')],
    ['diabetes', icd('E11.9', 'Type 2 diabetes mellitus without complications')],
    ['addisons-disease', icd('E27.1', 'Primary adrenocortical insufficiency')],
    ['parkinsons-disease', icd('G20', "Parkinson's disease")],
    ['liver-disease', icd('K70.30', 'Alcoholic cirrhosis of liver without ascites')],
    ['alcohol-use', icd('F10.20', 'Alcohol dependence, uncomplicated')],
    ['nerve-compression', icd('M48.06', 'Spinal stenosis, lumbar region')],
    ['hypothyroidism', icd('E03.9', 'Hypothyroidism, unspecified')],
  ])('a chronic condition (%s) with an onset 20 years ago never verifies', (ruleId, code) => {
    const finding = run({ conditions: [condition([code], { onsetDateTime: daysAgo(20 * 365) })] }).findings.find((f) => f.ruleId === ruleId);
    expect(finding).toBeDefined();
    expect(finding?.verify).toBeUndefined();
  });

  const obesity = () => condition([icd('E66.9', 'Obesity, unspecified')], { onsetDateTime: daysAgo(5 * 365) });

  it('overweight resting only on a 5-year-old E66.9 with no BMI is to verify', () => {
    const finding = run({ conditions: [obesity()] }).findings.find((f) => f.ruleId === 'overweight');
    expect(finding?.verify).toContain('no BMI in the last 2 years');
  });

  it('overweight with the same condition and a BMI of 31 last month has no verify', () => {
    const finding = run({ conditions: [obesity()], observations: [lab('39156-5', 31, 'kg/m2', { effectiveDateTime: daysAgo(30) })] }).findings.find(
      (f) => f.ruleId === 'overweight',
    );
    expect(finding).toBeDefined();
    expect(finding?.verify).toBeUndefined();
  });

  const young = patient({ birthDate: '1994-05-10' });
  const pregnancy = (days: number) => condition([sct('77386006', 'Pregnancy')], { onsetDateTime: daysAgo(days) });

  it('a pregnancy recorded 60 weeks ago and never closed is to verify', () => {
    const finding = run({ patient: young, conditions: [pregnancy(60 * 7)] }).findings.find((f) => f.ruleId === 'pregnancy');
    expect(finding?.verify).toMatch(/60 weeks ago/);
    expect(finding?.verify).toMatch(/confirm whether the pregnancy is ongoing/);
  });

  it('a pregnancy recorded 20 weeks ago has no verify', () => {
    const finding = run({ patient: young, conditions: [pregnancy(20 * 7)] }).findings.find((f) => f.ruleId === 'pregnancy');
    expect(finding).toBeDefined();
    expect(finding?.verify).toBeUndefined();
  });

  it('lab findings never verify', () => {
    const finding = run({ observations: [lab('2823-3', 3.0, 'mmol/L', { effectiveDateTime: daysAgo(300) })] }).findings[0];
    expect(finding?.ruleId).toBe('low-potassium');
    expect(finding?.verify).toBeUndefined();
  });
});

describe('unmeasured', () => {
  it('lists every analyte of the electrolyte, calcium and thyroid rules when there are no labs', () => {
    expect(run({}).unmeasured).toEqual(['potassium', 'sodium', 'magnesium', 'calcium', 'tsh']);
  });

  it('does not list glucose or BMI even when absent, nor the ones measured', () => {
    const result = run({
      observations: [lab('2823-3', 4.1, 'mmol/L'), lab('2951-2', 140, 'mmol/L'), lab('19123-9', 2.0, 'mg/dL'), lab('17861-6', 9.3, 'mg/dL'), lab('3016-3', 1.9, 'm[IU]/L')],
    });
    expect(result.unmeasured).toEqual([]);
  });

  it('counts an ionized calcium alone as calcium measured', () => {
    expect(run({ observations: [lab('1995-0', 1.2, 'mmol/L')] }).unmeasured).toEqual(['potassium', 'sodium', 'magnesium', 'tsh']);
  });

  it('a potassium 3 years old is stale, not unmeasured', () => {
    const old = lab('2823-3', 4.0, 'mmol/L', { effectiveDateTime: daysAgo(3 * 365) });
    const result = run({ observations: [old] });
    expect(result.unmeasured).not.toContain('potassium');
    expect(result.unmeasured).toEqual(['sodium', 'magnesium', 'calcium', 'tsh']);
    expect(result.stale).toEqual([expect.objectContaining({ analyte: 'potassium', reference: `Observation/${old.id}` })]);
  });

  it('a TSH in an unknown unit is not unmeasured: it gets its note', () => {
    const odd = lab('3016-3', 2.0, 'ng/mL');
    const result = run({ observations: [odd] });
    expect(result.unmeasured).not.toContain('tsh');
    expect(result.resultNotes).toEqual([expect.objectContaining({ analyte: 'tsh', reference: `Observation/${odd.id}` })]);
  });

  it.each(['registered', 'cancelled', 'entered-in-error'] as const)('a potassium with status %s does not count as measured', (status) => {
    expect(run({ observations: [lab('2823-3', 4.0, 'mmol/L', { status })] }).unmeasured).toContain('potassium');
  });

  it.each(['preliminary', 'amended', 'corrected'] as const)('a potassium with status %s counts as measured', (status) => {
    expect(run({ observations: [lab('2823-3', 4.0, 'mmol/L', { status })] }).unmeasured).not.toContain('potassium');
  });

  it('is empty when Observations were not checked: not checked is not "never measured"', () => {
    const notRead: PatientData = {
      ...data({}),
      notChecked: [{ resourceType: 'Observation', reason: 'The server refused the Observation search.', status: 403 }],
    };
    const result = evaluate(knowledge(), notRead, NOW);
    expect(result.unmeasured).toEqual([]);
    expect(result.notChecked).toEqual([expect.objectContaining({ resourceType: 'Observation' })]);
  });

  it('is still reported when another type was not checked', () => {
    const noMeds: PatientData = {
      ...data({}),
      notChecked: [{ resourceType: 'MedicationRequest', reason: 'Page limit reached.' }],
    };
    expect(evaluate(knowledge(), noMeds, NOW).unmeasured).toEqual(['potassium', 'sodium', 'magnesium', 'calcium', 'tsh']);
  });
});

describe('deceased', () => {
  it('gives the deceasedDateTime', () => {
    const result = run({ patient: patient({ deceasedDateTime: '2026-10-01T08:30:00Z' }) });
    expect(result.deceased).toEqual({ date: '2026-10-01T08:30:00Z' });
  });

  it('is {} for deceasedBoolean true', () => {
    expect(run({ patient: patient({ deceasedBoolean: true }) }).deceased).toEqual({});
  });

  it.each([
    ['no deceased element', patient()],
    ['deceasedBoolean false', patient({ deceasedBoolean: false })],
  ])('is undefined for a living patient (%s)', (_label, p) => {
    const result = run({ patient: p });
    expect(result.deceased).toBeUndefined();
    expect('deceased' in result).toBe(false);
  });

  it('evaluates a deceased patient like any other', () => {
    const result = run({
      patient: patient({ deceasedDateTime: '2026-10-01' }),
      medicationRequests: [medicationRequest(rxConcept('316049', 'Hydrochlorothiazide 25 MG'))],
    });
    expect(result.findings.map((f) => f.ruleId)).toEqual(['diuretic']);
    expect(result.deceased).toEqual({ date: '2026-10-01' });
  });
});
