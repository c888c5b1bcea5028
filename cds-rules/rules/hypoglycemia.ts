// Rule: hypoglycemia (KNOWLEDGE section 3): a hypoglycemia condition that began in the last 90 days,
// or any blood glucose below 70 mg/dL (3.9 mmol/L) in the last 30 days.
import type { ConditionRule } from '../../lib/engine/types';

export default {
  id: 'hypoglycemia',
  title: 'Hypoglycemia (low blood sugar)',
  reads: 'condition',
  valueSet: 'hypoglycemia',
  names: ['hypoglycemia', 'hypoglycaemia', 'hypoglycemic episode', 'low blood sugar', 'low blood glucose'],
  excludeNames: ['fear of', 'risk of', 'risk for', 'family history', 'screening'],
  onsetWithinDays: 90,
  result: { analyte: 'glucose', comparison: 'below', threshold: 70, withinDays: 30, which: 'any' },
  evidence: {
    level: 'weak',
    caveat:
      'Named only by the source article.',
    references: ['article'],
  },
  cause: {
    section: 'Unopposed Flexion',
    authority: 'the source article (section citing the National Medical Society)',
    summary: 'Low blood sugar is listed among the settings in which leg cramps come on at night.',
  },
} satisfies ConditionRule;
