// Rule: the latest recent magnesium is below the lower limit (KNOWLEDGE section 2).
import type { LabRule } from '../../lib/engine/types';

export default {
  id: 'low-magnesium',
  title: 'Low magnesium',
  reads: 'lab',
  analyte: 'magnesium',
  direction: 'low',
  evidence: {
    level: 'weak',
    caveat:
      'A systematic review found magnesium supplements unlikely to help older adults with cramps.',
    references: ['R8', 'article'],
  },
  cause: {
    section: 'Diabetes',
    authority: 'Diabetes Information Library',
    summary: 'Magnesium shortage, frequent in diabetes, can cause leg cramps.',
  },
} satisfies LabRule;
