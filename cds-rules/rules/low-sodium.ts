// Rule: the latest recent sodium is below the lower limit (KNOWLEDGE section 2).
import type { LabRule } from '../../lib/engine/types';

export default {
  id: 'low-sodium',
  title: 'Low sodium',
  reads: 'lab',
  analyte: 'sodium',
  direction: 'low',
  evidence: {
    level: 'weak',
    caveat:
      'Named only by the source article.',
    references: ['article'],
  },
  cause: {
    section: 'Overextension and Other Factors; Diabetes',
    authority: 'Dr. Bhupinder K (AskMedicalDoctor); Diabetes Information Library',
    summary: 'A sodium level that is too low is named among the causes of cramping, and is common in diabetes.',
  },
} satisfies LabRule;
