// The rules for the rest of the article (KNOWLEDGE section 3), the pregnancy status and
// gestational-age results, with positive and negative cases from real-shaped resources.
import { evaluate } from '../../lib/engine/evaluate';
import { knowledge } from '../../lib/knowledge';
import {
  clinical,
  codedResult,
  condition,
  daysAgo,
  data,
  lab,
  NOW,
  patient,
  procedure,
  verification,
  type DataParts,
} from '../helpers/fhir';

type C = { system: 'sct' | 'icd'; code: string; display: string };
const sct = (code: string, display: string): C => ({ system: 'sct', code, display });
const icd = (code: string, display: string): C => ({ system: 'icd', code, display });
const run = (parts: DataParts) => evaluate(knowledge(), data(parts), NOW);
const fired = (parts: DataParts) => run(parts).findings.map((f) => f.ruleId);
const SCT = 'http://snomed.info/sct';

describe('hemodialysis', () => {
  it.each([
    ['SNOMED hemodialysis', { system: SCT, code: '302497006', display: 'Hemodialysis (procedure)' }],
    ['CPT 90935', { system: 'http://www.ama-assn.org/go/cpt', code: '90935', display: 'Hemodialysis, single evaluation' }],
    ['ICD-10-PCS 5A1D70Z', { system: 'http://www.cms.gov/Medicare/Coding/ICD10', code: '5A1D70Z', display: 'Performance of Urinary Filtration, Intermittent' }],
  ])('fires on a %s session 20 days ago', (_label, coding) => {
    const result = run({ procedures: [procedure(coding)] });
    expect(result.findings.map((f) => f.ruleId)).toEqual(['hemodialysis']);
    expect(result.findings[0]?.evidence[0]).toMatchObject({ resourceType: 'Procedure', status: 'completed' });
  });

  it('fires on a performedDateTime within 90 days and not on one 120 days ago', () => {
    const code = { system: SCT, code: '302497006', display: 'Hemodialysis (procedure)' };
    expect(fired({ procedures: [procedure(code, { performedPeriod: undefined, performedDateTime: daysAgo(89) })] })).toEqual(['hemodialysis']);
    expect(fired({ procedures: [procedure(code, { performedPeriod: { start: daysAgo(120), end: daysAgo(120) } })] })).toEqual([]);
  });

  it.each(['not-done', 'entered-in-error', 'preparation'] as const)('does not fire on a session with status %s', (status) => {
    expect(fired({ procedures: [procedure({ system: SCT, code: '302497006', display: 'Hemodialysis' }, { status })] })).toEqual([]);
  });

  it('does not fire on peritoneal dialysis or a dialysis-access operation, coded or named', () => {
    expect(fired({ procedures: [procedure({ system: SCT, code: '71192002', display: 'Peritoneal dialysis' })] })).toEqual([]);
    expect(fired({ procedures: [procedure(undefined, {}, 'Insertion of hemodialysis catheter')] })).toEqual([]);
  });

  it('matches an uncoded "Hemodialysis" session by name and says so', () => {
    const result = run({ procedures: [procedure(undefined, {}, 'Hemodialysis, outpatient')] });
    expect(result.findings[0]).toMatchObject({ ruleId: 'hemodialysis', matchedBy: 'name' });
  });

  it.each([
    icd('Z99.2', 'Dependence on renal dialysis'),
    icd('N18.6', 'End stage renal disease'),
    sct('105502003', 'Dependence on renal dialysis'),
  ])('fires on a current condition %p', (coding) => {
    expect(fired({ conditions: [condition([coding])] })).toEqual(['hemodialysis']);
  });

  it('does not fire on chronic kidney disease stage 3 or a resolved dialysis dependence', () => {
    expect(fired({ conditions: [condition([icd('N18.30', 'Chronic kidney disease, stage 3 unspecified')])] })).toEqual([]);
    expect(
      fired({ conditions: [condition([icd('Z99.2', 'Dependence on renal dialysis')], { clinicalStatus: clinical('resolved'), abatementDateTime: daysAgo(30) })] }),
    ).toEqual([]);
  });

  it('is not checked, not silently clear, when procedures could not be read', () => {
    const result = evaluate(
      knowledge(),
      { ...data({}), notChecked: [{ resourceType: 'Procedure', reason: 'access was denied (403)', status: 403 }] },
      NOW,
    );
    expect(result.notChecked).toEqual([expect.objectContaining({ resourceType: 'Procedure', affectedRules: ['hemodialysis'] })]);
  });
});

describe('hypoglycemia', () => {
  it.each([
    icd('E16.2', 'Hypoglycemia, unspecified'),
    icd('E16.0', 'Drug-induced hypoglycemia without coma'),
    icd('E11.649', 'Type 2 diabetes mellitus with hypoglycemia without coma'),
    sct('302866003', 'Hypoglycemia'),
  ])('fires on a condition that began 30 days ago: %p', (coding) => {
    expect(fired({ conditions: [condition([coding], { onsetDateTime: daysAgo(30) })] })).toContain('hypoglycemia');
  });

  it('fires on an episode within 90 days even if since resolved, and not on one 100 days ago', () => {
    const resolved = { clinicalStatus: clinical('resolved'), onsetDateTime: daysAgo(40), abatementDateTime: daysAgo(39) };
    expect(fired({ conditions: [condition([icd('E16.2', 'Hypoglycemia, unspecified')], resolved)] })).toEqual(['hypoglycemia']);
    expect(fired({ conditions: [condition([icd('E16.2', 'Hypoglycemia, unspecified')], { onsetDateTime: daysAgo(100) })] })).toEqual([]);
  });

  it('does not fire on a refuted episode or on E16.3 (increased glucagon)', () => {
    expect(
      fired({ conditions: [condition([icd('E16.2', 'Hypoglycemia')], { onsetDateTime: daysAgo(5), verificationStatus: verification('refuted') })] }),
    ).toEqual([]);
    expect(fired({ conditions: [condition([icd('E16.3', 'Increased secretion of glucagon')], { onsetDateTime: daysAgo(5) })] })).toEqual([]);
  });

  it('fires on any glucose below 70 mg/dL in the last 30 days, even when a later one is normal', () => {
    const result = run({
      observations: [
        lab('2345-7', 62, 'mg/dL', { effectiveDateTime: daysAgo(12) }),
        lab('2345-7', 96, 'mg/dL', { effectiveDateTime: daysAgo(2) }),
      ],
    });
    expect(result.findings.map((f) => f.ruleId)).toEqual(['hypoglycemia']);
    expect(result.findings[0]?.evidence[0]).toMatchObject({ value: '62 mg/dL', limitSource: 'rule threshold' });
  });

  it('converts mmol/L: 3.5 mmol/L fires (63 mg/dL), 3.9 mmol/L does not (70.3 mg/dL)', () => {
    expect(fired({ observations: [lab('2339-0', 3.5, 'mmol/L')] })).toEqual(['hypoglycemia']);
    expect(fired({ observations: [lab('2339-0', 3.9, 'mmol/L')] })).toEqual([]);
  });

  it('does not fire on exactly 70 mg/dL, on a low glucose 40 days ago, or on a cancelled result', () => {
    expect(fired({ observations: [lab('2345-7', 70, 'mg/dL')] })).toEqual([]);
    expect(fired({ observations: [lab('2345-7', 55, 'mg/dL', { effectiveDateTime: daysAgo(40) })] })).toEqual([]);
    expect(fired({ observations: [lab('2345-7', 55, 'mg/dL', { status: 'cancelled' })] })).toEqual([]);
  });

  it('notes a glucose in a unit it cannot convert instead of guessing', () => {
    const result = run({ observations: [lab('2345-7', 50, 'mg')] });
    expect(result.findings).toEqual([]);
    expect(result.resultNotes).toEqual([expect.objectContaining({ analyte: 'glucose', message: expect.stringMatching(/cannot be converted/) })]);
  });
});

describe('overweight', () => {
  it('fires on the latest BMI of 27 in an adult and shows the age when measured', () => {
    const result = run({ observations: [lab('39156-5', 27, 'kg/m2', { effectiveDateTime: daysAgo(100) })] });
    expect(result.findings.map((f) => f.ruleId)).toEqual(['overweight']);
    expect(result.findings[0]?.evidence[0]?.notes).toEqual(['Age 65 when measured.']);
  });

  it('fires at exactly 25 and not at 24.9', () => {
    expect(fired({ observations: [lab('39156-5', 25, 'kg/m2')] })).toEqual(['overweight']);
    expect(fired({ observations: [lab('39156-5', 24.9, 'kg/m2')] })).toEqual([]);
  });

  it('only the latest BMI decides: an old 31 followed by a 23 gives nothing', () => {
    const observations = [
      lab('39156-5', 31, 'kg/m2', { effectiveDateTime: daysAgo(300) }),
      lab('39156-5', 23, 'kg/m2', { effectiveDateTime: daysAgo(20) }),
    ];
    expect(fired({ observations })).toEqual([]);
  });

  it('does not fire on a BMI older than 2 years, or measured before age 18', () => {
    expect(fired({ observations: [lab('39156-5', 30, 'kg/m2', { effectiveDateTime: daysAgo(800) })] })).toEqual([]);
    const teen = patient({ birthDate: daysAgo(16 * 365).slice(0, 10) });
    expect(fired({ patient: teen, observations: [lab('39156-5', 30, 'kg/m2')] })).toEqual([]);
  });

  it('does not guess when the birth date is missing: a note instead of a finding', () => {
    const result = run({ patient: patient({ birthDate: undefined }), observations: [lab('39156-5', 30, 'kg/m2')] });
    expect(result.findings).toEqual([]);
    expect(result.resultNotes[0]?.message).toMatch(/age is unknown/);
  });

  it.each([
    icd('E66.9', 'Obesity, unspecified'),
    icd('E66.3', 'Overweight'),
    icd('Z68.32', 'Body mass index [BMI] 32.0-32.9, adult'),
    sct('162864005', 'Body mass index 30+ - obesity (finding)'),
  ])('fires on a current condition %p', (coding) => {
    expect(fired({ conditions: [condition([coding])] })).toEqual(['overweight']);
  });

  it('does not fire on a normal-weight BMI code or a resolved obesity', () => {
    expect(fired({ conditions: [condition([icd('Z68.22', 'Body mass index [BMI] 22.0-22.9, adult')])] })).toEqual([]);
    expect(
      fired({ conditions: [condition([icd('E66.9', 'Obesity')], { clinicalStatus: clinical('resolved'), abatementDateTime: daysAgo(10) })] }),
    ).toEqual([]);
  });
});

describe('alcohol-use', () => {
  it.each([
    icd('F10.20', 'Alcohol dependence, uncomplicated'),
    icd('F10.10', 'Alcohol abuse, uncomplicated'),
    sct('7200002', 'Alcoholism'),
  ])('fires on a current %p', (coding) => {
    expect(fired({ conditions: [condition([coding])] })).toEqual(['alcohol-use']);
  });

  it('does not fire on a disorder in remission (F10.11, F10.21) or on alcohol use unspecified (F10.9)', () => {
    expect(fired({ conditions: [condition([icd('F10.21', 'Alcohol dependence, in remission')])] })).toEqual([]);
    expect(fired({ conditions: [condition([icd('F10.11', 'Alcohol abuse, in remission')])] })).toEqual([]);
    expect(fired({ conditions: [condition([icd('F10.90', 'Alcohol use, unspecified, uncomplicated')])] })).toEqual([]);
  });

  it('does not fire on an uncoded "denies alcohol abuse" or "family history of alcoholism"', () => {
    expect(fired({ conditions: [condition([], {}, 'Patient denies alcohol abuse')] })).toEqual([]);
    expect(fired({ conditions: [condition([], {}, 'Family history of alcoholism')] })).toEqual([]);
  });
});

describe('nerve-compression', () => {
  it.each([
    icd('M54.16', 'Radiculopathy, lumbar region'),
    icd('M54.17', 'Radiculopathy, lumbosacral region'),
    icd('M54.30', 'Sciatica, unspecified side'),
    icd('M54.41', 'Lumbago with sciatica, right side'),
    icd('M48.061', 'Spinal stenosis, lumbar region without neurogenic claudication'),
    icd('G57.51', 'Tarsal tunnel syndrome, right lower limb'),
    sct('23056005', 'Sciatica'),
  ])('fires on a current %p', (coding) => {
    expect(fired({ conditions: [condition([coding])] })).toEqual(['nerve-compression']);
  });

  it('does not fire on a cervical radiculopathy, carpal tunnel syndrome or plain low back pain', () => {
    expect(fired({ conditions: [condition([icd('M54.12', 'Radiculopathy, cervical region')])] })).toEqual([]);
    expect(fired({ conditions: [condition([icd('G56.01', 'Carpal tunnel syndrome, right upper limb')])] })).toEqual([]);
    expect(fired({ conditions: [condition([icd('M54.50', 'Low back pain, unspecified')])] })).toEqual([]);
    expect(fired({ conditions: [condition([], {}, 'Cervical radiculopathy')] })).toEqual([]);
  });
});

describe('dehydration', () => {
  it.each([icd('E86.0', 'Dehydration'), icd('E86.1', 'Hypovolemia'), sct('34095006', 'Dehydration')])(
    'fires on %p that began 10 days ago',
    (coding) => {
      expect(fired({ conditions: [condition([coding], { onsetDateTime: daysAgo(10) })] })).toEqual(['dehydration']);
    },
  );

  it('does not fire on dehydration 200 days ago, even when never closed', () => {
    expect(fired({ conditions: [condition([icd('E86.0', 'Dehydration')], { onsetDateTime: daysAgo(200) })] })).toEqual([]);
  });

  it('counts an undated but active episode, with a note to check it is recent', () => {
    const result = run({ conditions: [condition([icd('E86.0', 'Dehydration')], { onsetDateTime: undefined })] });
    expect(result.findings[0]?.evidence[0]?.notes).toEqual(['Onset date not recorded; check that it is recent.']);
  });

  it('does not fire on "risk for dehydration" written as text', () => {
    expect(fired({ conditions: [condition([], { onsetDateTime: daysAgo(3) }, 'At risk for dehydration')] })).toEqual([]);
  });
});

describe('pregnancy results', () => {
  const PREGNANT = { system: SCT, code: '77386006', display: 'Pregnant' };
  const NOT_PREGNANT = { system: SCT, code: '60001007', display: 'Not pregnant' };

  it('fires on a pregnancy status (82810-3) of "pregnant" within 42 weeks', () => {
    const result = run({ observations: [codedResult('82810-3', PREGNANT, 30)] });
    expect(result.findings.map((f) => f.ruleId)).toEqual(['pregnancy']);
    expect(result.findings[0]?.evidence[0]).toMatchObject({ resourceType: 'Observation', value: 'Pregnant' });
  });

  it('does not fire on "not pregnant", or on "pregnant" recorded 50 weeks ago', () => {
    expect(fired({ observations: [codedResult('82810-3', NOT_PREGNANT, 5)] })).toEqual([]);
    expect(fired({ observations: [codedResult('82810-3', PREGNANT, 350)] })).toEqual([]);
  });

  it('keeps an open pregnancy condition but asks to verify it when a later status says "not pregnant"', () => {
    const result = run({
      conditions: [condition([sct('72892002', 'Normal pregnancy')], { onsetDateTime: daysAgo(100) })],
      observations: [codedResult('82810-3', NOT_PREGNANT, 10)],
    });
    expect(result.findings.map((f) => f.ruleId)).toEqual(['pregnancy']);
    expect(result.findings[0]?.evidence[0]?.notes?.join(' ')).toMatch(/Verify: a later result .* "Not pregnant"/);
  });

  it('estimates the trimester from a gestational-age result, counted on to today', () => {
    const ga = lab('49051-6', 20, 'wk', { effectiveDateTime: daysAgo(14) });
    const result = run({ conditions: [condition([sct('72892002', 'Normal pregnancy')], { onsetDateTime: undefined })], observations: [ga] });
    expect(result.findings[0]?.evidence[0]?.notes).toEqual([
      `About 22 weeks by the gestational age recorded ${daysAgo(14).slice(0, 10)}: estimated second trimester.`,
    ]);
  });

  it('estimates the trimester from the onset date, and asks to verify one recorded over 42 weeks ago', () => {
    const recent = run({ conditions: [condition([sct('72892002', 'Normal pregnancy')], { onsetDateTime: daysAgo(7 * 30) })] });
    expect(recent.findings[0]?.evidence[0]?.notes).toEqual(['About 30 weeks since the recorded onset: estimated third trimester.']);
    const old = run({ conditions: [condition([sct('72892002', 'Normal pregnancy')], { onsetDateTime: daysAgo(7 * 60) })] });
    expect(old.findings[0]?.evidence[0]?.notes).toBeUndefined();
    expect(old.findings[0]?.verify).toBe('Recorded 60 weeks ago (longer than 42 weeks) and never closed: confirm whether the pregnancy is ongoing.');
    expect(recent.findings[0]?.verify).toBeUndefined();
  });
});

describe('the new rules read only their own data', () => {
  it('an empty record fires nothing and leaves nothing unchecked', () => {
    const result = run({ conditions: [condition([icd('J45.909', 'Asthma, uncomplicated')])] });
    expect(result.findings).toEqual([]);
    expect(result.notChecked).toEqual([]);
  });
});
