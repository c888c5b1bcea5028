// Rule: overweight (KNOWLEDGE section 3): the latest BMI within 2 years is 25 kg/m2 or more in an
// adult (18 or over when measured), or a current overweight or obesity condition (E66).
import type { ConditionRule } from '../../lib/engine/types';

export default {
  id: 'overweight',
  title: 'Overweight or obesity',
  reads: 'condition',
  valueSet: 'overweight',
  names: ['overweight', 'obesity', 'obese', 'body mass index 30+', 'body mass index 40+'],
  excludeNames: ['family history', 'risk of', 'risk for', 'screening', 'counseling', 'counselling', 'childhood', 'pediatric'],
  result: { analyte: 'bmi', comparison: 'at-or-above', threshold: 25, withinDays: 730, which: 'latest', minAgeYears: 18 },
  // A finding that rests only on a diagnosis, with no BMI in the last 2 years, is shown to verify.
  freshness: { kind: 'measured-within', days: 730, measure: 'BMI' },
  evidence: {
    level: 'weak',
    caveat:
      'A national survey found cramps more often at a higher BMI (cross-sectional; no cause shown).',
    references: ['R6', 'article'],
  },
  cause: {
    section: 'Overextension and Other Factors',
    authority: 'the source article (citing Dr. Bhupinder K, AskMedicalDoctor)',
    summary: 'Carrying extra weight is named among the everyday factors that can bring on cramps.',
  },
} satisfies ConditionRule;
