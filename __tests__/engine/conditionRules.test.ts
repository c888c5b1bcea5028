import { evaluate } from '../../lib/engine/evaluate';
import { knowledge } from '../../lib/knowledge';
import { clinical, condition, daysAgo, data, NOW, verification } from '../helpers/fhir';

const fired = (conditions: fhir4.Condition[]) =>
  evaluate(knowledge(), data({ conditions }), NOW).findings.map((f) => f.ruleId);

type C = { system: 'sct' | 'icd'; code: string; display: string };
const sct = (code: string, display: string): C => ({ system: 'sct', code, display });
const icd = (code: string, display: string): C => ({ system: 'icd', code, display });

describe('condition rules fire on', () => {
  it.each([
    ['peripheral-artery-disease', sct('399957001', 'Peripheral arterial occlusive disease')],
    ['peripheral-artery-disease', icd('I70.213', 'Atherosclerosis of native arteries of extremities with intermittent claudication, bilateral legs')],
    ['peripheral-artery-disease', icd('I73.9', 'Peripheral vascular disease, unspecified')],
    ['diabetes', sct('44054006', 'Diabetes')],
    ['diabetes', sct('368581000119106', 'Neuropathy due to type 2 diabetes mellitus (disorder)')],
    ['diabetes', icd('E11.9', 'Type 2 diabetes mellitus without complications')],
    ['diabetes', icd('E10.65', 'Type 1 diabetes mellitus with hyperglycemia')],
    ['addisons-disease', sct('363732003', "Addison's disease")],
    ['addisons-disease', icd('E27.1', 'Primary adrenocortical insufficiency')],
    ['addisons-disease', icd('E27.2', 'Addisonian crisis')],
    ['parkinsons-disease', sct('49049000', "Parkinson's disease")],
    ['parkinsons-disease', icd('G20.A1', "Parkinson's disease without dyskinesia, without mention of fluctuations")],
    ['liver-disease', sct('19943007', 'Cirrhosis of liver')],
    ['liver-disease', icd('K70.30', 'Alcoholic cirrhosis of liver without ascites')],
    ['liver-disease', icd('K76.0', 'Fatty (change of) liver, not elsewhere classified')],
    ['liver-disease', icd('B18.2', 'Chronic viral hepatitis C')],
    ['pregnancy', sct('72892002', 'Normal pregnancy')],
    ['pregnancy', sct('77386006', 'Pregnant')],
    ['pregnancy', icd('Z34.02', 'Encounter for supervision of normal first pregnancy, second trimester')],
    ['pregnancy', icd('O09.512', 'Supervision of elderly primigravida, second trimester')],
    ['pregnancy', icd('Z3A.24', '24 weeks gestation of pregnancy')],
    ['pregnancy', sct('398254007', 'Preeclampsia')],
  ])('%s: %p', (ruleId, coding) => {
    expect(fired([condition([coding], { onsetDateTime: daysAgo(120) })])).toEqual([ruleId]);
  });
});

describe('a condition that carries two causes', () => {
  it('fires both PAD and diabetes on diabetic peripheral angiopathy (E11.51)', () => {
    const coding = icd('E11.51', 'Type 2 diabetes mellitus with diabetic peripheral angiopathy without gangrene');
    expect(fired([condition([coding])])).toEqual(['peripheral-artery-disease', 'diabetes']);
  });

  it('fires diabetes and pregnancy on gestational diabetes in pregnancy (O24.41x)', () => {
    const coding = icd('O24.410', 'Gestational diabetes mellitus in pregnancy, diet controlled');
    expect(fired([condition([coding], { onsetDateTime: daysAgo(100) })])).toEqual(['pregnancy', 'diabetes']); // strong evidence first
  });
});

describe('condition rules do not fire on', () => {
  it.each([
    ['prediabetes (SNOMED 15777000)', sct('15777000', 'Prediabetes')],
    ['prediabetes (SNOMED 714628002)', sct('714628002', 'Prediabetes')],
    ['prediabetes (ICD R73.03)', icd('R73.03', 'Prediabetes')],
    ['impaired fasting glucose (ICD R73.01)', icd('R73.01', 'Impaired fasting glucose')],
    ['secondary adrenal insufficiency', icd('E27.40', 'Unspecified adrenocortical insufficiency')],
    ["Cushing's syndrome", icd('E24.9', "Cushing's syndrome, unspecified")],
    ['drug-induced parkinsonism', icd('G21.11', 'Neuroleptic induced parkinsonism')],
    ['acute hepatitis A', icd('B15.9', 'Hepatitis A without hepatic coma')],
    ['gallstones', icd('K80.20', 'Calculus of gallbladder without cholecystitis without obstruction')],
    ['miscarriage', sct('19169002', 'Miscarriage in first trimester')],
    ['tubal pregnancy', sct('79586000', 'Tubal pregnancy')],
    ['blighted ovum', sct('35999006', 'Blighted ovum')],
    ['spontaneous abortion (ICD O03)', icd('O03.9', 'Complete or unspecified spontaneous abortion without complication')],
    ['delivery (ICD O80)', icd('O80', 'Encounter for full-term uncomplicated delivery')],
    ['puerperal complication (ICD O90)', icd('O90.89', 'Other complications of the puerperium')],
    ['postpartum care (ICD Z39)', icd('Z39.2', 'Encounter for routine postpartum follow-up')],
    ['chronic venous insufficiency', icd('I87.2', 'Venous insufficiency (chronic) (peripheral)')],
    ['coronary artery disease', icd('I25.10', 'Atherosclerotic heart disease of native coronary artery')],
  ])('%s', (_label, coding) => {
    expect(fired([condition([coding])])).toEqual([]);
  });

  it.each([
    ['Family history of diabetes mellitus'],
    ['Pre-diabetes'],
    ['Diabetes insipidus'],
    ['Screening for diabetes mellitus'],
    ['At risk for diabetes'],
    ['Drug-induced parkinsonism'],
    ['History of miscarriage; not pregnant'],
    ['Secondary adrenal insufficiency (Addison-like)'],
  ])('an uncoded condition named %p', (text) => {
    expect(fired([condition([], {}, text)])).toEqual([]);
  });
});

describe('condition name fallback', () => {
  it.each([
    ['Type 2 diabetes', 'diabetes'],
    ['Intermittent claudication of both legs', 'peripheral-artery-disease'],
    ["Addison's disease", 'addisons-disease'],
    ["Parkinson's disease", 'parkinsons-disease'],
    ['NASH cirrhosis', 'liver-disease'],
    ['Pregnant, 20 weeks', 'pregnancy'],
  ])('fires on a text-only condition %p and says it matched by name', (text, ruleId) => {
    const result = evaluate(knowledge(), data({ conditions: [condition([], {}, text)] }), NOW);
    expect(result.findings.map((f) => [f.ruleId, f.matchedBy])).toEqual([[ruleId, 'name']]);
  });
});

describe('condition status', () => {
  const diabetes = sct('44054006', 'Diabetes');
  it.each([
    ['resolved', { clinicalStatus: clinical('resolved') }, false],
    ['inactive', { clinicalStatus: clinical('inactive') }, false],
    ['in remission', { clinicalStatus: clinical('remission') }, false],
    ['recurrence', { clinicalStatus: clinical('recurrence') }, true],
    ['relapse', { clinicalStatus: clinical('relapse') }, true],
    ['refuted', { verificationStatus: verification('refuted') }, false],
    ['entered in error', { verificationStatus: verification('entered-in-error') }, false],
    ['provisional', { verificationStatus: verification('provisional') }, true],
    ['active but abated last year', { abatementDateTime: daysAgo(365) }, false],
    ['active with an abatement period that ended', { abatementPeriod: { start: daysAgo(30), end: daysAgo(2) } }, false],
    ['active with an abatement date after now', { abatementDateTime: '2027-02-01' }, true],
    ['no clinical status and no abatement', { clinicalStatus: undefined }, true],
    ['no clinical status but an abatement string', { clinicalStatus: undefined, abatementString: 'resolved in 2019' }, false],
    ['onset after now', { onsetDateTime: '2027-03-01' }, false],
  ])('%s -> fires: %s', (_label, extra, fires) => {
    expect(fired([condition([diabetes], extra as Partial<fhir4.Condition>)])).toEqual(fires ? ['diabetes'] : []);
  });
});

describe('pregnancy gestation', () => {
  const pregnancy = sct('72892002', 'Normal pregnancy');
  it.each([
    [30, 'first'],
    [130, 'second'],
    [230, 'third'],
  ])('onset %i days ago is shown as the %s trimester', (days, trimester) => {
    const result = evaluate(knowledge(), data({ conditions: [condition([pregnancy], { onsetDateTime: daysAgo(days) })]}), NOW);
    expect(result.findings[0]?.evidence[0]?.notes?.[0]).toContain(`${trimester} trimester`);
  });

  it('asks to verify a pregnancy recorded more than 42 weeks ago and never closed', () => {
    const result = evaluate(knowledge(), data({ conditions: [condition([pregnancy], { onsetDateTime: daysAgo(400) })] }), NOW);
    expect(result.findings[0]?.verify).toBe('Recorded 57 weeks ago (longer than 42 weeks) and never closed: confirm whether the pregnancy is ongoing.');
  });
});
