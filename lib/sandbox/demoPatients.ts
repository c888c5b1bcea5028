// Demo patients written for the built-in demo EHR. Dates are relative to `now`, so the demo never
// goes stale. Each patient exercises rules positively or negatively; `summary` says which.
const RX = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const SCT = 'http://snomed.info/sct';
const ICD = 'http://hl7.org/fhir/sid/icd-10-cm';
const LOINC = 'http://loinc.org';
const DAY = 86_400_000;

export interface DemoPatient {
  readonly id: string;
  readonly summary: string;
  /** Rule ids the sidebar must show for this patient (current and to verify). */
  readonly expected: readonly string[];
  /** Of those, the ones shown apart as "to verify" (old records). */
  readonly verify?: readonly string[];
  /** The record documents a leg-cramp complaint. */
  readonly complaint?: boolean;
  readonly resources: (now: Date) => fhir4.FhirResource[];
}

const ago = (now: Date, days: number) => new Date(now.getTime() - days * DAY).toISOString();
const dateAgo = (now: Date, days: number) => ago(now, days).slice(0, 10);

function person(id: string, given: string, family: string, gender: 'male' | 'female', birthDate: string, extra: Partial<fhir4.Patient> = {}): fhir4.Patient {
  return { resourceType: 'Patient', id, name: [{ use: 'official', given: [given], family }], gender, birthDate, ...extra };
}

const subject = (pid: string) => ({ reference: `Patient/${pid}` });

function order(pid: string, id: string, code: string | undefined, display: string, authored: string, extra: Partial<fhir4.MedicationRequest> = {}): fhir4.MedicationRequest {
  return {
    resourceType: 'MedicationRequest', id, status: 'active', intent: 'order', subject: subject(pid), authoredOn: authored,
    medicationCodeableConcept: code ? { coding: [{ system: RX, code, display }], text: display } : { text: display },
    ...extra,
  };
}

function problem(pid: string, id: string, system: string, code: string, display: string, onset: string, extra: Partial<fhir4.Condition> = {}): fhir4.Condition {
  return {
    resourceType: 'Condition', id, subject: subject(pid), onsetDateTime: onset,
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
    verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }] },
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'problem-list-item' }] }],
    code: { coding: [{ system, code, display }], text: display },
    ...extra,
  };
}

/** How laboratories print a UCUM unit whose code reads oddly. */
const UNIT_TEXT: Readonly<Record<string, string>> = { 'm[IU]/L': 'mIU/L' };

function result(pid: string, id: string, loinc: string, display: string, value: number, unit: string, when: string, extra: Partial<fhir4.Observation> = {}): fhir4.Observation {
  return {
    resourceType: 'Observation', id, status: 'final', subject: subject(pid), effectiveDateTime: when,
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] }],
    code: { coding: [{ system: LOINC, code: loinc, display }], text: display },
    valueQuantity: { value, unit: UNIT_TEXT[unit] ?? unit, system: 'http://unitsofmeasure.org', code: unit },
    ...extra,
  };
}

function session(pid: string, id: string, system: string, code: string, display: string, when: string, extra: Partial<fhir4.Procedure> = {}): fhir4.Procedure {
  return {
    resourceType: 'Procedure', id, status: 'completed', subject: subject(pid), performedPeriod: { start: when, end: when },
    code: { coding: [{ system, code, display }], text: display },
    ...extra,
  };
}

function coded(pid: string, id: string, loinc: string, display: string, answer: fhir4.Coding, when: string): fhir4.Observation {
  return {
    resourceType: 'Observation', id, status: 'final', subject: subject(pid), effectiveDateTime: when,
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'social-history' }] }],
    code: { coding: [{ system: LOINC, code: loinc, display }], text: display },
    valueCodeableConcept: { coding: [answer], text: answer.display },
  };
}

const GLUCOSE = ['2345-7', 'Glucose [Mass/volume] in Serum or Plasma'] as const;
const BMI = ['39156-5', 'Body mass index (BMI) [Ratio]'] as const;
const K = ['2823-3', 'Potassium [Moles/volume] in Serum or Plasma'] as const;
const NA = ['2951-2', 'Sodium [Moles/volume] in Serum or Plasma'] as const;
const MG = ['19123-9', 'Magnesium [Mass/volume] in Serum or Plasma'] as const;
const CA = ['17861-6', 'Calcium [Mass/volume] in Serum or Plasma'] as const;
const ICA = ['1995-0', 'Calcium.ionized [Moles/volume] in Serum or Plasma'] as const;
const TSH = ['3016-3', 'Thyrotropin [Units/volume] in Serum or Plasma'] as const;

export const demoPatients: readonly DemoPatient[] = [
  {
    id: 'demo-ccb',
    summary: 'Amlodipine order; normal electrolytes',
    expected: ['calcium-channel-blocker'],
    resources: (now) => [
      person('demo-ccb', 'Rosa', 'Delgado', 'female', '1958-03-14'),
      order('demo-ccb', 'ccb-mr1', '197361', 'Amlodipine 5 MG Oral Tablet', dateAgo(now, 200)),
      result('demo-ccb', 'ccb-k1', ...K, 4.3, 'mmol/L', ago(now, 20)),
    ],
  },
  {
    id: 'demo-diuretic',
    summary: 'Furosemide order and a low potassium (linked: potassium loss)',
    expected: ['diuretic', 'low-potassium'],
    resources: (now) => [
      person('demo-diuretic', 'Walter', 'Hughes', 'male', '1949-11-02'),
      order('demo-diuretic', 'diu-mr1', '313988', 'Furosemide 40 MG Oral Tablet', dateAgo(now, 120)),
      result('demo-diuretic', 'diu-k0', ...K, 4.0, 'mmol/L', ago(now, 90)),
      result('demo-diuretic', 'diu-k1', ...K, 3.1, 'mmol/L', ago(now, 6), {
        referenceRange: [{ low: { value: 3.5, unit: 'mmol/L', system: 'http://unitsofmeasure.org', code: 'mmol/L' }, high: { value: 5.1, unit: 'mmol/L' } }],
        interpretation: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code: 'L' }] }],
      }),
    ],
  },
  {
    id: 'demo-insulin',
    summary: 'Insulin as MedicationStatement with medicationReference; type 2 diabetes; low magnesium',
    expected: ['insulin', 'diabetes', 'low-magnesium'],
    resources: (now) => [
      person('demo-insulin', 'Priya', 'Natarajan', 'female', '1966-07-21'),
      { resourceType: 'Medication', id: 'med-glargine', code: { coding: [{ system: RX, code: '274783', display: 'insulin glargine' }], text: 'Insulin glargine 100 unit/mL (Lantus SoloStar)' } },
      {
        resourceType: 'MedicationStatement', id: 'ins-ms1', status: 'active', subject: subject('demo-insulin'),
        medicationReference: { reference: 'Medication/med-glargine' }, effectivePeriod: { start: dateAgo(now, 700) }, dateAsserted: dateAgo(now, 30),
      },
      {
        resourceType: 'MedicationStatement', id: 'ins-ms2', status: 'active', subject: subject('demo-insulin'),
        medicationReference: { reference: '#metformin' },
        contained: [{ resourceType: 'Medication', id: 'metformin', code: { coding: [{ system: RX, code: '860975', display: 'metformin hydrochloride 500 MG Oral Tablet' }] } }],
        effectiveDateTime: dateAgo(now, 900),
      } as unknown as fhir4.MedicationStatement,
      problem('demo-insulin', 'ins-c1', ICD, 'E11.9', 'Type 2 diabetes mellitus without complications', dateAgo(now, 2000)),
      result('demo-insulin', 'ins-mg1', ...MG, 1.4, 'mg/dL', ago(now, 14)),
    ],
  },
  {
    id: 'demo-pad',
    summary: 'Peripheral artery disease with claudication; coronary disease (does not count)',
    expected: ['peripheral-artery-disease'],
    resources: (now) => [
      person('demo-pad', 'George', 'Okafor', 'male', '1952-01-30'),
      problem('demo-pad', 'pad-c1', ICD, 'I70.213', 'Atherosclerosis of native arteries of extremities with intermittent claudication, bilateral legs', dateAgo(now, 500)),
      problem('demo-pad', 'pad-c2', ICD, 'I25.10', 'Atherosclerotic heart disease of native coronary artery without angina pectoris', dateAgo(now, 1500)),
    ],
  },
  {
    id: 'demo-addison',
    summary: "Addison's disease and a low sodium",
    expected: ['addisons-disease', 'low-sodium'],
    resources: (now) => [
      person('demo-addison', 'Helen', 'Brooks', 'female', '1975-09-09'),
      problem('demo-addison', 'add-c1', SCT, '363732003', "Addison's disease", dateAgo(now, 3000)),
      result('demo-addison', 'add-na1', ...NA, 131, 'mmol/L', ago(now, 3)),
    ],
  },
  {
    id: 'demo-parkinson',
    summary: "Parkinson's disease",
    expected: ['parkinsons-disease'],
    resources: (now) => [
      person('demo-parkinson', 'Martin', 'Keller', 'male', '1944-05-17'),
      problem('demo-parkinson', 'pk-c1', SCT, '49049000', "Parkinson's disease", dateAgo(now, 2500)),
    ],
  },
  {
    id: 'demo-liver',
    summary: 'Alcoholic cirrhosis; resolved acute hepatitis A (does not count)',
    expected: ['liver-disease'],
    resources: (now) => [
      person('demo-liver', 'Dana', 'Whitfield', 'female', '1963-12-01'),
      problem('demo-liver', 'liv-c1', ICD, 'K70.30', 'Alcoholic cirrhosis of liver without ascites', dateAgo(now, 800)),
      problem('demo-liver', 'liv-c2', ICD, 'B15.9', 'Hepatitis A without hepatic coma', dateAgo(now, 9000)),
    ],
  },
  {
    id: 'demo-pregnancy',
    summary: 'Current pregnancy, second trimester',
    expected: ['pregnancy'],
    resources: (now) => [
      person('demo-pregnancy', 'Sofia', 'Marin', 'female', '1994-04-25'),
      problem('demo-pregnancy', 'preg-c1', SCT, '72892002', 'Normal pregnancy', dateAgo(now, 150)),
    ],
  },
  {
    id: 'demo-units',
    summary: 'Labs in other units: potassium in mEq/L, magnesium in mmol/L; high sodium',
    expected: ['low-potassium', 'high-sodium', 'low-magnesium'],
    resources: (now) => [
      person('demo-units', 'Tomasz', 'Nowak', 'male', '1970-08-08'),
      result('demo-units', 'un-k1', ...K, 3.2, 'meq/L', ago(now, 9), { valueQuantity: { value: 3.2, unit: 'mEq/L', system: 'http://unitsofmeasure.org', code: 'meq/L' } }),
      result('demo-units', 'un-mg1', '2601-3', 'Magnesium [Moles/volume] in Serum or Plasma', 0.6, 'mmol/L', ago(now, 9)),
      result('demo-units', 'un-na1', ...NA, 149, 'mmol/L', ago(now, 9)),
    ],
  },
  {
    id: 'demo-negatives',
    summary:
      'Negatives only: stopped HCTZ, finerenone, prediabetes, miscarriage, albuterol, tiotropium, ibuprofen, estradiol, oral iron, hyperthyroidism',
    expected: [],
    resources: (now) => [
      person('demo-negatives', 'Lena', 'Fischer', 'female', '1988-02-11'),
      order('demo-negatives', 'neg-mr1', '310798', 'Hydrochlorothiazide 25 MG Oral Tablet', dateAgo(now, 400), { status: 'stopped' }),
      order('demo-negatives', 'neg-mr2', undefined, 'Kerendia (finerenone) 10 mg tablet', dateAgo(now, 100)),
      order('demo-negatives', 'neg-mr3', undefined, 'Albuterol 90 mcg/actuation inhaler', dateAgo(now, 60)),
      order('demo-negatives', 'neg-mr4', undefined, 'Spiriva Respimat (tiotropium) 2.5 mcg inhaler', dateAgo(now, 60)),
      order('demo-negatives', 'neg-mr5', '197806', 'Ibuprofen 600 MG Oral Tablet', dateAgo(now, 20)),
      order('demo-negatives', 'neg-mr6', undefined, 'Estradiol 1 mg tablet', dateAgo(now, 90)),
      order('demo-negatives', 'neg-mr7', '310325', 'ferrous sulfate 325 MG Oral Tablet', dateAgo(now, 45)),
      problem('demo-negatives', 'neg-c1', SCT, '15777000', 'Prediabetes', dateAgo(now, 700)),
      problem('demo-negatives', 'neg-c2', SCT, '19169002', 'Miscarriage in first trimester', dateAgo(now, 300)),
      problem('demo-negatives', 'neg-c3', ICD, 'E05.90', 'Thyrotoxicosis, unspecified', dateAgo(now, 500)),
      result('demo-negatives', 'neg-k1', ...K, 4.4, 'mmol/L', ago(now, 30)),
    ],
  },
  {
    id: 'demo-stale',
    summary: 'Low potassium 14 months ago and nothing since (no recent result)',
    expected: [],
    resources: (now) => [
      person('demo-stale', 'Arthur', 'Penn', 'male', '1956-06-30'),
      result('demo-stale', 'st-k1', ...K, 2.9, 'mmol/L', ago(now, 425)),
    ],
  },
  {
    id: 'demo-nothing',
    summary: 'Nothing relevant: asthma; every analyte measured and normal (the all-clear)',
    expected: [],
    resources: (now) => [
      person('demo-nothing', 'Grace', 'Liu', 'female', '1990-10-03'),
      problem('demo-nothing', 'no-c1', SCT, '195967001', 'Asthma', dateAgo(now, 4000)),
      order('demo-nothing', 'no-mr1', undefined, 'Albuterol 90 mcg/actuation inhaler', dateAgo(now, 60)),
      result('demo-nothing', 'no-k1', ...K, 4.1, 'mmol/L', ago(now, 40)),
      result('demo-nothing', 'no-na1', ...NA, 139, 'mmol/L', ago(now, 40)),
      result('demo-nothing', 'no-mg1', ...MG, 2.0, 'mg/dL', ago(now, 40)),
      result('demo-nothing', 'no-ca1', ...CA, 9.4, 'mg/dL', ago(now, 40)),
      result('demo-nothing', 'no-t1', ...TSH, 1.8, 'm[IU]/L', ago(now, 400)),
    ],
  },
  {
    id: 'demo-deceased',
    summary: 'Deceased last month; HCTZ order still active, type 2 diabetes',
    expected: ['diuretic', 'diabetes'],
    resources: (now) => [
      person('demo-deceased', 'Harold', 'Grant', 'male', '1939-02-19', { deceasedDateTime: ago(now, 30) }),
      order('demo-deceased', 'dec-mr1', '316049', 'Hydrochlorothiazide 25 MG', dateAgo(now, 200)),
      problem('demo-deceased', 'dec-c1', SCT, '44054006', 'Diabetes mellitus type 2', dateAgo(now, 5000)),
    ],
  },
  {
    id: 'demo-by-name',
    summary: 'Uncoded entries matched by name: Cardizem (with the diltiazem caveat), "Type 2 diabetes"',
    expected: ['calcium-channel-blocker', 'diabetes'],
    resources: (now) => [
      person('demo-by-name', 'Omar', 'Haddad', 'male', '1968-12-24'),
      order('demo-by-name', 'bn-mr1', undefined, 'Cardizem CD 240 mg capsule', dateAgo(now, 50)),
      { ...problem('demo-by-name', 'bn-c1', SCT, 'x', 'x', dateAgo(now, 1200)), code: { text: 'Type 2 diabetes' } },
    ],
  },
  {
    id: 'demo-dialysis',
    summary: 'Hemodialysis three times a week; ESRD; peritoneal dialysis a year ago does not count',
    expected: ['hemodialysis'],
    resources: (now) => [
      person('demo-dialysis', 'Kwame', 'Asante', 'male', '1961-07-09'),
      problem('demo-dialysis', 'hd-c1', ICD, 'N18.6', 'End stage renal disease', dateAgo(now, 700)),
      session('demo-dialysis', 'hd-p1', SCT, '302497006', 'Hemodialysis (procedure)', ago(now, 2)),
      session('demo-dialysis', 'hd-p2', SCT, '302497006', 'Hemodialysis (procedure)', ago(now, 4)),
      session('demo-dialysis', 'hd-p3', SCT, '71192002', 'Peritoneal dialysis (procedure)', ago(now, 70)),
      result('demo-dialysis', 'hd-k1', ...K, 4.9, 'mmol/L', ago(now, 2)),
    ],
  },
  {
    id: 'demo-hypoglycemia',
    summary: 'Glucose 58 mg/dL 9 days ago (later 104); insulin glargine; type 1 diabetes',
    expected: ['insulin', 'diabetes', 'hypoglycemia'],
    resources: (now) => [
      person('demo-hypoglycemia', 'Ines', 'Carvalho', 'female', '1999-01-30'),
      order('demo-hypoglycemia', 'hg-mr1', '311041', 'insulin glargine 100 UNT/ML Injectable Solution', dateAgo(now, 300)),
      order('demo-hypoglycemia', 'hg-mr2', undefined, 'Insulin pump supplies', dateAgo(now, 30)),
      problem('demo-hypoglycemia', 'hg-c1', ICD, 'E10.9', 'Type 1 diabetes mellitus without complications', dateAgo(now, 6000)),
      result('demo-hypoglycemia', 'hg-g1', ...GLUCOSE, 58, 'mg/dL', ago(now, 9)),
      result('demo-hypoglycemia', 'hg-g2', ...GLUCOSE, 104, 'mg/dL', ago(now, 1)),
    ],
  },
  {
    id: 'demo-overweight',
    summary: 'BMI 31.4 last month; sciatica; dehydration 3 weeks ago',
    expected: ['overweight', 'nerve-compression', 'dehydration'],
    resources: (now) => [
      person('demo-overweight', 'Pieter', 'Van Dijk', 'male', '1975-05-05'),
      result('demo-overweight', 'ow-b0', ...BMI, 29.8, 'kg/m2', ago(now, 400), { category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }] }),
      result('demo-overweight', 'ow-b1', ...BMI, 31.4, 'kg/m2', ago(now, 30), { category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }] }),
      problem('demo-overweight', 'ow-c1', ICD, 'M54.41', 'Lumbago with sciatica, right side', dateAgo(now, 300)),
      problem('demo-overweight', 'ow-c2', ICD, 'E86.0', 'Dehydration', dateAgo(now, 21)),
      problem('demo-overweight', 'ow-c3', ICD, 'M54.12', 'Radiculopathy, cervical region', dateAgo(now, 900)),
    ],
  },
  {
    id: 'demo-alcohol',
    summary: 'Alcohol dependence with alcoholic cirrhosis (linked); a falling sodium',
    expected: ['liver-disease', 'alcohol-use', 'low-sodium'],
    resources: (now) => [
      person('demo-alcohol', 'Fergus', 'Byrne', 'male', '1966-09-21'),
      problem('demo-alcohol', 'al-c1', ICD, 'F10.20', 'Alcohol dependence, uncomplicated', dateAgo(now, 2000)),
      problem('demo-alcohol', 'al-c2', ICD, 'K70.30', 'Alcoholic cirrhosis of liver without ascites', dateAgo(now, 500)),
      result('demo-alcohol', 'al-na1', ...NA, 139, 'mmol/L', ago(now, 300)),
      result('demo-alcohol', 'al-na2', ...NA, 137, 'mmol/L', ago(now, 200)),
      result('demo-alcohol', 'al-na3', ...NA, 135, 'mmol/L', ago(now, 100)),
      result('demo-alcohol', 'al-na4', ...NA, 132, 'mmol/L', ago(now, 8)),
    ],
  },
  {
    id: 'demo-pregnancy-status',
    summary: 'Pregnancy status "pregnant" and a gestational age of 26 weeks; no pregnancy condition',
    expected: ['pregnancy'],
    resources: (now) => [
      person('demo-pregnancy-status', 'Amara', 'Okafor', 'female', '1996-08-12'),
      coded('demo-pregnancy-status', 'ps-o1', '82810-3', 'Pregnancy status', { system: SCT, code: '77386006', display: 'Pregnant' }, ago(now, 14)),
      result('demo-pregnancy-status', 'ps-ga1', '49051-6', 'Gestational age in weeks', 26, 'wk', ago(now, 14)),
    ],
  },
  {
    id: 'demo-laba',
    summary: 'Fluticasone/salmeterol inhaler (a long-acting beta-agonist); albuterol as needed does not count',
    expected: ['long-acting-beta-agonist'],
    resources: (now) => [
      person('demo-laba', 'Yusuf', 'Demir', 'male', '1959-04-18'),
      order('demo-laba', 'lb-mr1', '896209', '60 ACTUAT Fluticasone propionate 0.25 MG/ACTUAT / salmeterol 0.05 MG/ACTUAT Dry Powder Inhaler', dateAgo(now, 75)),
      order('demo-laba', 'lb-mr2', undefined, 'Albuterol 90 mcg/actuation inhaler, as needed', dateAgo(now, 75)),
      problem('demo-laba', 'lb-c1', SCT, '185086009', 'Chronic obstructive bronchitis', dateAgo(now, 1500)),
      result('demo-laba', 'lb-k1', ...K, 4.2, 'mmol/L', ago(now, 40)),
    ],
  },
  {
    id: 'demo-spironolactone',
    summary: 'Spironolactone and a low potassium: two findings, never linked as potassium loss',
    expected: ['potassium-sparing-diuretic', 'low-potassium'],
    resources: (now) => [
      person('demo-spironolactone', 'Margit', 'Halvorsen', 'female', '1952-10-27'),
      order('demo-spironolactone', 'sp-mr1', '313096', 'spironolactone 25 MG Oral Tablet', dateAgo(now, 150)),
      result('demo-spironolactone', 'sp-k1', ...K, 3.3, 'mmol/L', ago(now, 12)),
    ],
  },
  {
    id: 'demo-naproxen',
    summary: 'Naproxen (reported with cramps) and quinine for cramps (a safety warning); ibuprofen does not count',
    expected: ['quinine', 'reported-cramp-medication'],
    resources: (now) => [
      person('demo-naproxen', 'Colette', 'Marchand', 'female', '1950-01-09'),
      order('demo-naproxen', 'nx-mr1', '849574', 'Naproxen sodium 220 MG Oral Tablet', dateAgo(now, 40)),
      order('demo-naproxen', 'nx-mr2', undefined, 'Qualaquin (quinine sulfate) 324 mg capsule at bedtime', dateAgo(now, 25)),
      order('demo-naproxen', 'nx-mr3', '197806', 'Ibuprofen 600 MG Oral Tablet', dateAgo(now, 400), { status: 'completed' }),
    ],
  },
  {
    id: 'demo-thyroid',
    summary: 'Hypothyroidism with a high TSH (7.8 mIU/L); a low total calcium, not albumin-corrected',
    expected: ['hypothyroidism', 'low-calcium'],
    resources: (now) => [
      person('demo-thyroid', 'Ruth', 'Abernathy', 'female', '1955-12-02'),
      problem('demo-thyroid', 'th-c1', SCT, '83664006', 'Idiopathic atrophic hypothyroidism', dateAgo(now, 3000)),
      order('demo-thyroid', 'th-mr1', '966222', 'Levothyroxine Sodium 0.075 MG Oral Tablet', dateAgo(now, 200)),
      result('demo-thyroid', 'th-t1', ...TSH, 7.8, 'm[IU]/L', ago(now, 60), {
        referenceRange: [{ low: { value: 0.4, unit: 'mIU/L' }, high: { value: 4.0, unit: 'mIU/L' } }],
      }),
      result('demo-thyroid', 'th-ca1', ...CA, 8.1, 'mg/dL', ago(now, 60)),
    ],
  },
  {
    id: 'demo-calcium',
    summary: 'Low ionized calcium (1.02 mmol/L) decides, although the total calcium is in range',
    expected: ['low-calcium'],
    resources: (now) => [
      person('demo-calcium', 'Tomasz', 'Wierzbicki', 'male', '1970-06-15'),
      result('demo-calcium', 'ca-i1', ...ICA, 1.02, 'mmol/L', ago(now, 10)),
      result('demo-calcium', 'ca-t1', ...CA, 8.9, 'mg/dL', ago(now, 10)),
    ],
  },
  {
    id: 'demo-old-order',
    summary: 'Hydrochlorothiazide ordered 6 years ago (to verify); amlodipine ordered 2 months ago (current)',
    expected: ['diuretic', 'calcium-channel-blocker'],
    verify: ['diuretic'],
    resources: (now) => [
      person('demo-old-order', 'Dorothy', 'Kaminski', 'female', '1948-08-30'),
      order('demo-old-order', 'oo-mr1', '316049', 'Hydrochlorothiazide 25 MG', dateAgo(now, 6 * 365 + 30)),
      order('demo-old-order', 'oo-mr2', '197361', 'Amlodipine 5 MG Oral Tablet', dateAgo(now, 60)),
      result('demo-old-order', 'oo-k1', ...K, 4.0, 'mmol/L', ago(now, 60)),
    ],
  },
  {
    id: 'demo-no-labs',
    summary: 'No laboratory results at all: nothing fires, and potassium, sodium, magnesium, calcium and TSH are "never measured"',
    expected: [],
    resources: (now) => [
      person('demo-no-labs', 'Samuel', 'Osei', 'male', '1983-02-14'),
      order('demo-no-labs', 'nl-mr1', '860975', 'metformin hydrochloride 500 MG Oral Tablet', dateAgo(now, 90)),
    ],
  },
  {
    id: 'demo-complaint',
    summary: 'Documented sleep-related leg cramps; furosemide with a low potassium; a LABA inhaler; quinine ordered for the cramps',
    expected: ['quinine', 'long-acting-beta-agonist', 'diuretic', 'low-potassium'],
    complaint: true,
    resources: (now) => [
      person('demo-complaint', 'Helen', 'Achterberg', 'female', '1951-05-19'),
      problem('demo-complaint', 'cp-c1', ICD, 'G47.62', 'Sleep related leg cramps', dateAgo(now, 45)),
      order('demo-complaint', 'cp-mr1', '313988', 'Furosemide 40 MG Oral Tablet', dateAgo(now, 100)),
      order('demo-complaint', 'cp-mr2', '896209', '60 ACTUAT Fluticasone propionate 0.25 MG/ACTUAT / salmeterol 0.05 MG/ACTUAT Dry Powder Inhaler', dateAgo(now, 200)),
      order('demo-complaint', 'cp-mr3', undefined, 'Quinine sulfate 324 mg capsule at bedtime for leg cramps', dateAgo(now, 30)),
      result('demo-complaint', 'cp-k1', ...K, 3.2, 'mmol/L', ago(now, 7)),
      result('demo-complaint', 'cp-na1', ...NA, 138, 'mmol/L', ago(now, 7)),
      result('demo-complaint', 'cp-mg1', ...MG, 1.9, 'mg/dL', ago(now, 7)),
      result('demo-complaint', 'cp-ca1', ...CA, 9.1, 'mg/dL', ago(now, 7)),
      result('demo-complaint', 'cp-t1', ...TSH, 2.4, 'm[IU]/L', ago(now, 200)),
    ],
  },
  {
    id: 'demo-large',
    summary: 'Large record: 2,400 electrolyte results over 6 years (12 pages); HCTZ; latest potassium low',
    expected: ['diuretic', 'low-potassium'],
    resources: (now) => {
      const out: fhir4.FhirResource[] = [
        person('demo-large', 'Beatrice', 'Oyelaran', 'female', '1947-01-05'),
        {
          resourceType: 'MedicationStatement', id: 'lg-ms1', status: 'active', subject: subject('demo-large'),
          medicationCodeableConcept: { coding: [{ system: RX, code: '429503', display: 'Hydrochlorothiazide 12.5 MG' }], text: 'Hydrochlorothiazide 12.5 MG' },
          // Started six years ago, confirmed at the last visit: the newest supporting date is recent.
          effectiveDateTime: dateAgo(now, 2200),
          dateAsserted: dateAgo(now, 20),
        },
      ];
      for (let i = 0; i < 800; i++) {
        const when = ago(now, 2 + i * 3);
        const k = i === 0 ? 3.3 : 3.8 + ((i * 7) % 12) / 10;
        out.push(result('demo-large', `lg-k${i}`, ...K, Number(k.toFixed(1)), 'mmol/L', when));
        out.push(result('demo-large', `lg-na${i}`, ...NA, 136 + (i % 8), 'mmol/L', when));
        out.push(result('demo-large', `lg-mg${i}`, ...MG, 1.8 + (i % 5) / 10, 'mg/dL', when));
      }
      return out;
    },
  },
];
