// Rule: low calcium (KNOWLEDGE section 5). An ionized calcium within 365 days decides; without one,
// the latest total calcium does, and the finding says it is not corrected for albumin. A low total
// calcium beside a normal ionized one does not fire. Urine calcium is never read.
import type { LabRule } from '../../lib/engine/types';

export default {
  id: 'low-calcium',
  title: 'Low calcium',
  reads: 'lab',
  analyte: 'calcium',
  direction: 'low',
  preferred: { analyte: 'ionized-calcium' },
  analyteNote: 'Total calcium, not corrected for albumin: a low albumin lowers it without a true calcium deficit.',
  evidence: {
    level: 'weak',
    caveat:
      'Calcium is among the tests suggested when a secondary cause is suspected; a national survey found an association (cross-sectional).',
    references: ['R6', 'R9'],
  },
  cause: {
    section: 'Leg cramps: investigations',
    authority: 'NICE Clinical Knowledge Summaries',
    summary: 'A low blood calcium makes nerves and muscles more excitable and is one of the secondary causes worth excluding.',
  },
} satisfies LabRule;
