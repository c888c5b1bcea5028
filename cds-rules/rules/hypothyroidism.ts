// Rule: hypothyroidism (KNOWLEDGE section 5). The latest TSH within 365 days decides: above its upper
// limit fires, in range does not (a treated condition). With no interpretable TSH in that time, a
// current hypothyroidism condition fires, saying there is no recent TSH. Hyperthyroidism does not fire.
import type { LabRule } from '../../lib/engine/types';

export default {
  id: 'hypothyroidism',
  title: 'Underactive thyroid (hypothyroidism)',
  reads: 'lab',
  analyte: 'tsh',
  direction: 'high',
  condition: {
    valueSet: 'hypothyroidism',
    excludeValueSet: 'hypothyroidism-excluded',
    names: ['hypothyroidism', 'hypothyroid', 'myxedema', 'myxoedema', 'underactive thyroid'],
    excludeNames: ['hyperthyroidism', 'thyrotoxicosis', 'family history', 'screening', 'risk of', 'risk for', 'nodule'],
    note: 'No TSH result in the last 365 days.',
  },
  evidence: {
    level: 'weak',
    caveat:
      'Named by patient pages and primary-care guidance; a TSH is advised only when a secondary cause is suspected (expert opinion).',
    references: ['R9', 'R11', 'R5'],
  },
  cause: {
    section: 'Leg cramps: secondary causes',
    authority: 'NICE Clinical Knowledge Summaries',
    summary: 'An underactive thyroid is among the medical conditions guidance asks clinicians to consider in a patient with leg cramps.',
  },
} satisfies LabRule;
