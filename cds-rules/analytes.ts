// Laboratory analytes the rules reason about: their LOINC codes, the unit limits are written in,
// and the default limits from ../KNOWLEDGE section 2 (used only when a result has no referenceRange).
import type { Analyte, TrendSettings } from '../lib/engine/types';

/** Trends show up to 6 values from the last 2 years (issue #4). */
const TREND: TrendSettings = { points: 6, days: 730 };

export const analytes = [
  {
    id: 'potassium',
    label: 'Potassium',
    // 2823-3 serum/plasma, 6298-4 blood (the SMART sandbox uses this one). No urine or RBC codes.
    loinc: ['2823-3', '6298-4'],
    unit: 'mmol/L',
    molecularWeight: 39.098,
    charge: 1,
    defaultLow: 3.5,
    defaultHigh: 5.1,
    trend: TREND,
  },
  {
    id: 'sodium',
    label: 'Sodium',
    loinc: ['2951-2', '2947-0'],
    unit: 'mmol/L',
    molecularWeight: 22.99,
    charge: 1,
    defaultLow: 135,
    defaultHigh: 145,
    trend: TREND,
  },
  {
    id: 'magnesium',
    label: 'Magnesium',
    // 19123-9 mass concentration (mg/dL), 2601-3 substance concentration (mmol/L).
    loinc: ['19123-9', '2601-3'],
    unit: 'mg/dL',
    molecularWeight: 24.305,
    charge: 2,
    defaultLow: 1.7,
    defaultHigh: 2.2,
    trend: TREND,
  },
  {
    id: 'calcium',
    label: 'Calcium (total)',
    // 17861-6 serum/plasma, 49765-1 blood (the SMART sandbox uses this one). No urine codes.
    // 1 mmol/L = 4.008 mg/dL (molar mass 40.08 g/mol).
    loinc: ['17861-6', '49765-1'],
    unit: 'mg/dL',
    molecularWeight: 40.08,
    charge: 2,
    defaultLow: 8.5,
    trend: TREND,
  },
  {
    id: 'ionized-calcium',
    label: 'Calcium (ionized)',
    // 1994-3 blood, 1995-0 serum/plasma. Preferred over total calcium by the low-calcium rule.
    loinc: ['1994-3', '1995-0'],
    unit: 'mmol/L',
    molecularWeight: 40.08,
    charge: 2,
    defaultLow: 1.12,
    trend: TREND,
    family: 'calcium',
  },
  {
    id: 'tsh',
    label: 'TSH',
    // 3016-3 and 11580-8, thyrotropin in serum/plasma. m[IU]/L equals u[IU]/mL.
    loinc: ['3016-3', '11580-8'],
    unit: 'm[IU]/L',
    displayUnit: 'mIU/L',
    defaultHigh: 4.5,
    trend: TREND,
  },
  {
    id: 'glucose',
    label: 'Glucose',
    // 2339-0 blood, 2345-7 serum/plasma (KNOWLEDGE section 3). Read by the hypoglycemia rule only.
    loinc: ['2339-0', '2345-7'],
    unit: 'mg/dL',
    molecularWeight: 180.156,
  },
  {
    id: 'bmi',
    label: 'Body mass index',
    // 39156-5 Body mass index (BMI) [Ratio] (KNOWLEDGE section 3). Read by the overweight rule only.
    loinc: ['39156-5'],
    unit: 'kg/m2',
  },
] as const satisfies readonly Analyte[];

/** Units, written as UCUM codes, that results for these analytes are commonly reported in. */
export const commonUnits = [
  'mmol/L', 'meq/L', 'umol/L', 'mmol/dL', 'mg/dL', 'mg/L', 'g/L', 'kg/m2',
  'm[IU]/L', 'u[IU]/mL', '[IU]/L', 'u[IU]/L', 'm[IU]/mL',
] as const;
